//! `veille board`: the coordinator's live board once, as text for a wall display (run it
//! under `watch`) or JSON for a script, with the week's forecast below it.

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Context;
use super::report::{print, render_forecast};
use crate::access::Need;
use crate::cli::{BoardArgs, TextOrJson};
use crate::commands::{named, printable};
use crate::domain::shift::Activity;
use crate::store::Board;
use crate::tr;

pub fn run(ctx: &Context, args: &BoardArgs) -> Result<()> {
    let store = ctx.open()?;
    ctx.act(&store, None, Need::Coordinator)?;
    let rules = store.rules()?;
    let now = chrono::SubsecRound::trunc_subsecs(ctx.clock.now(), 0);
    let board = store.board(now, &rules)?;
    let forecast = store.week_forecast(now, rules.tz)?;
    match args.format {
        TextOrJson::Json => {
            let mut json = serde_json::to_value(&board)?;
            json["forecast"] = serde_json::to_value(&forecast)?;
            print(&format!("{}\n", serde_json::to_string_pretty(&json)?))
        }
        TextOrJson::Text => {
            let mut text = render(&board, rules.tz);
            text.push_str(&render_forecast(&forecast));
            print(&super::printable_lines(&text))
        }
    }
}

fn line(out: &mut String, text: String) {
    out.push_str(&text);
    out.push('\n');
}

/// "1 h 05" or "12 min": how long someone has been in their state.
fn elapsed(from: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - from).num_minutes().max(0);
    if minutes < 60 {
        format!("{minutes} min")
    } else {
        format!("{} h {:02}", minutes / 60, minutes % 60)
    }
}

fn render(b: &Board, tz: Tz) -> String {
    let mut out = String::new();
    let now = b.made_at;
    let at = now.with_timezone(&tz).format("%d/%m/%Y %H:%M");
    line(
        &mut out,
        tr!(
            "Tableau de bord à {at} (docs/REPORT.md)",
            "Board at {at} (docs/REPORT.md)"
        ),
    );
    let on = |f: fn(&Activity) -> bool| b.operators.iter().filter(|o| f(&o.activity)).count();
    let (n, calling, between, resting) = (
        b.operators.len(),
        on(|a| matches!(a, Activity::OnCall { .. })),
        on(|a| matches!(a, Activity::BetweenCalls { .. })),
        on(|a| matches!(a, Activity::OnBreak { .. })),
    );
    line(
        &mut out,
        tr!(
            "  {n} connecté(s) : {calling} en appel, {between} entre deux appels, {resting} en pause",
            "  {n} signed in: {calling} on a call, {between} between calls, {resting} on a break"
        ),
    );
    let figure = |out: &mut String, fr: &str, en: &str, n: String| {
        out.push_str("  ");
        super::figure(out, 33, [fr, en], &n);
    };
    figure(
        &mut out,
        "appels en cours",
        "calls in progress",
        b.calls_in_progress.to_string(),
    );
    figure(
        &mut out,
        "à appeler maintenant",
        "due now",
        b.due_now.to_string(),
    );
    figure(
        &mut out,
        "plus tard aujourd'hui",
        "due later today",
        b.due_later_today.to_string(),
    );
    figure(
        &mut out,
        "rappels en retard",
        "callbacks late",
        b.callbacks_late.to_string(),
    );
    let oldest = b
        .oldest_follow_up
        .map(|d| d.format("%d/%m").to_string())
        .map(|d| tr!(" (le plus ancien {d})", " (oldest {d})"))
        .unwrap_or_default();
    figure(
        &mut out,
        "orientations à suivre en retard",
        "referrals past follow-up",
        format!("{}{oldest}", b.referrals_overdue),
    );
    figure(
        &mut out,
        "urgences à prendre en charge",
        "emergencies to take",
        b.emergencies_waiting.len().to_string(),
    );
    for e in &b.emergencies_waiting {
        let (tenant, by, waiting) = (
            printable(&e.tenant_name),
            printable(&e.operator),
            elapsed(e.at, now),
        );
        line(
            &mut out,
            tr!(
                "    ! {tenant} · appel de {by} · attend depuis {waiting}",
                "    ! {tenant} · call by {by} · waiting {waiting}"
            ),
        );
    }
    figure(
        &mut out,
        "demandes urgentes sans équipe",
        "urgent requests unassigned",
        b.unassigned.len().to_string(),
    );
    for r in &b.unassigned {
        let (alert, id, urgency, kind, tenant, waiting) = (
            if r.alert { "! " } else { "" },
            r.id,
            named("urgency", r.urgency.code()),
            named("intervention_kind", r.kind.code()),
            printable(&r.tenant_name),
            elapsed(r.created_at, now),
        );
        line(
            &mut out,
            tr!(
                "    {alert}#{id} {urgency} · {kind} · {tenant} · attend depuis {waiting}",
                "    {alert}#{id} {urgency} · {kind} · {tenant} · waiting {waiting}"
            ),
        );
    }
    write_operators(&mut out, b, tz);
    out
}

/// Who is signed in, what each is doing and for how long.
fn write_operators(out: &mut String, b: &Board, tz: Tz) {
    let now = b.made_at;
    if !b.operators.is_empty() {
        line(out, tr!("\nOpérateurs", "\nOperators"));
    }
    for o in &b.operators {
        let doing = match o.activity {
            Activity::OnCall { since } => {
                let t = elapsed(since, now);
                tr!("en appel depuis {t}", "on a call for {t}")
            }
            Activity::BetweenCalls { since } => {
                let t = elapsed(since, now);
                tr!("entre deux appels depuis {t}", "between calls for {t}")
            }
            Activity::OnBreak { since, reason } => {
                let (t, why) = (elapsed(since, now), named("break_reason", reason.code()));
                tr!("en pause ({why}) depuis {t}", "on a break ({why}) for {t}")
            }
        };
        let (name, calls, start) = (
            printable(&o.name),
            o.calls,
            o.shift_started_at.with_timezone(&tz).format("%H:%M"),
        );
        line(
            out,
            tr!(
                "  {name:<24} {doing} ; {calls} appel(s) depuis {start}",
                "  {name:<24} {doing}; {calls} calls since {start}"
            ),
        );
    }
}
