//! `veille board`: the coordinator's live board once, as text for a wall display (run it
//! under `watch`) or JSON for a script, with the week's forecast below it.

use std::fmt::Write as _;

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Context;
use super::report::{print, render_forecast};
use crate::access::Need;
use crate::cli::{BoardArgs, TextOrJson};
use crate::commands::printable;
use crate::domain::shift::Activity;
use crate::store::Board;

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
    let _ = writeln!(
        out,
        "Board at {} (docs/REPORT.md)",
        now.with_timezone(&tz).format("%d/%m/%Y %H:%M")
    );
    let on = |f: fn(&Activity) -> bool| b.operators.iter().filter(|o| f(&o.activity)).count();
    let _ = writeln!(
        out,
        "  {} signed in: {} on a call, {} between calls, {} on a break",
        b.operators.len(),
        on(|a| matches!(a, Activity::OnCall { .. })),
        on(|a| matches!(a, Activity::BetweenCalls { .. })),
        on(|a| matches!(a, Activity::OnBreak { .. })),
    );
    let _ = writeln!(out, "  calls in progress       {}", b.calls_in_progress);
    let _ = writeln!(out, "  due now                 {}", b.due_now);
    let _ = writeln!(out, "  due later today         {}", b.due_later_today);
    let _ = writeln!(out, "  callbacks late          {}", b.callbacks_late);
    let _ = writeln!(
        out,
        "  referrals past follow-up {}{}",
        b.referrals_overdue,
        b.oldest_follow_up
            .map(|d| format!(" (oldest {})", d.format("%d/%m")))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "  emergencies to take      {}",
        b.emergencies_waiting.len()
    );
    for e in &b.emergencies_waiting {
        let _ = writeln!(
            out,
            "    ! {} · call by {} · waiting {}",
            printable(&e.tenant_name),
            printable(&e.operator),
            elapsed(e.at, now)
        );
    }
    let _ = writeln!(out, "  urgent requests unassigned {}", b.unassigned.len());
    for r in &b.unassigned {
        let _ = writeln!(
            out,
            "    {}#{} {} · {} · {} · waiting {}",
            if r.alert { "! " } else { "" },
            r.id,
            r.urgency,
            r.kind,
            printable(&r.tenant_name),
            elapsed(r.created_at, now)
        );
    }
    if !b.operators.is_empty() {
        let _ = writeln!(out, "\nOperators");
    }
    for o in &b.operators {
        let doing = match o.activity {
            Activity::OnCall { since } => format!("on a call for {}", elapsed(since, now)),
            Activity::BetweenCalls { since } => {
                format!("between calls for {}", elapsed(since, now))
            }
            Activity::OnBreak { since, reason } => {
                format!("on a break ({reason}) for {}", elapsed(since, now))
            }
        };
        let _ = writeln!(
            out,
            "  {:<24} {doing}; {} calls since {}",
            printable(&o.name),
            o.calls,
            o.shift_started_at.with_timezone(&tz).format("%H:%M")
        );
    }
    out
}
