//! `veille summary`: an operator's end-of-shift summary, as text or JSON.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Context;
use super::named;
use super::report::{day_arg, hours_minutes, local_time, print};
use crate::access::Need;
use crate::cli::{SummaryArgs, TextOrJson};
use crate::domain::period::Period;
use crate::domain::{Outcome, Urgency, Wellbeing};
use crate::store::{ShiftSummary, Store};
use crate::tr;

pub fn run(ctx: &Context, args: &SummaryArgs) -> Result<()> {
    let store = ctx.open()?;
    let me = ctx.act(&store, None, Need::Operator)?;
    let rules = store.rules()?;
    let now = ctx.clock.now();
    let today = rules.local_date(now);
    let operator = match &args.operator {
        Some(id) => Some(store.operator(id)?),
        None => me.operator.clone(),
    };
    if let Some(op) = &operator {
        me.may_read_work_of(&op.login)?;
    }
    let shift = match args.shift.as_deref().map(str::trim) {
        None | Some("last") => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            anyhow::anyhow!(tr!(
                "--shift prend `last` ou un numéro de service, pas « {text} »",
                "--shift takes `last` or a shift number, not '{text}'"
            ))
        })?),
    };
    let summary = if let Some(shift) = shift {
        let s = store.shift_summary(shift, now)?;
        if let Some(op) = operator.as_ref().filter(|op| op.id != s.operator_id) {
            bail!(tr!(
                "le service {shift} est celui de {} ({}), pas de {}",
                "shift {shift} is {} ({})'s, not {}'s",
                s.operator_name,
                s.operator_login,
                op.login
            ));
        }
        s
    } else {
        let operator = match operator {
            Some(op) => op,
            None => signed_in_last(&store)?,
        };
        if args.since.is_some() || args.until.is_some() {
            let until = day_arg("--until", args.until.as_deref())?.unwrap_or(today);
            let since = day_arg("--since", args.since.as_deref())?.unwrap_or(until);
            let period = Period::new(since, until).map_err(anyhow::Error::msg)?;
            store.period_summary(operator.id, period, now, rules.tz)?
        } else {
            match store.last_shift(operator.id)? {
                Some(shift) => store.shift_summary(shift, now)?,
                None => bail!(tr!(
                    "{} ({}) n'a aucun service enregistré ; demandez plutôt des jours : --since DATE --until DATE",
                    "{} ({}) has no shift on record; ask for days instead: --since DATE --until DATE",
                    operator.name,
                    operator.login
                )),
            }
        }
    };
    me.may_read_work_of(&summary.operator_login)?;
    match args.format {
        TextOrJson::Json => print(&format!("{}\n", serde_json::to_string_pretty(&summary)?)),
        TextOrJson::Text => print(&super::printable_lines(&render(&summary, rules.tz))),
    }
}

/// The operator who signed in last on this machine, when none is named.
fn signed_in_last(store: &Store) -> Result<crate::store::Operator> {
    match crate::config::Config::load().last_operator {
        Some(login) => Ok(store.operator(&login)?),
        None => bail!(tr!(
            "dites de qui est le résumé : --operator ID (voir `veille operators`)",
            "say whose summary: --operator ID (see `veille operators`)"
        )),
    }
}

/// Outcomes always shown, even at zero: what an operator is asked about.
const ALWAYS_SHOWN: &[Outcome] = &[
    Outcome::Reached,
    Outcome::NoAnswer,
    Outcome::Busy,
    Outcome::Voicemail,
    Outcome::Refused,
];

/// A figure of the summary: its name in a column, then its value.
fn line(out: &mut String, name: [&str; 2], value: &str) {
    super::figure(out, 24, name, value);
}

/// The summary as text for a terminal.
pub fn render(s: &ShiftSummary, tz: Tz) -> String {
    let mut out = String::new();
    write_heading(&mut out, s, tz);
    out.push('\n');
    write_calls(&mut out, s);
    write_callbacks_promised(&mut out, s, tz);
    write_needs_and_referrals(&mut out, s);
    write_interventions(&mut out, s);
    write_concern(&mut out, s, tz);
    out.push('\n');
    write_loose_ends(&mut out, s, tz);
    write_handover_notes(&mut out, s);
    out
}

/// Whose summary, and of which shift or days.
fn write_heading(out: &mut String, s: &ShiftSummary, tz: Tz) {
    let at = |t: DateTime<Utc>| local_time(t, tz);
    let who = format!("{} ({})", s.operator_name, s.operator_login);
    if let (Some(id), Some(shift)) = (s.shift_id, s.shifts.first()) {
        put!(
            out,
            "Résumé de {who}, service {id}",
            "Summary of {who}, shift {id}"
        );
        let start = at(shift.started_at);
        let length = hours_minutes(shift.minutes);
        match shift.ended_at {
            Some(end) => {
                let same_day = end.with_timezone(&tz).date_naive()
                    == shift.started_at.with_timezone(&tz).date_naive();
                let end = if same_day {
                    end.with_timezone(&tz).format("%H:%M").to_string()
                } else {
                    at(end)
                };
                let _ = writeln!(out, "  {start} – {end} ({length})");
            }
            None => put!(
                out,
                "  depuis {start}, toujours ouvert ({length} jusqu'ici)",
                "  from {start}, still open ({length} so far)"
            ),
        }
    } else {
        let last = s.to - chrono::Duration::milliseconds(1);
        let (from, to) = (
            s.from.with_timezone(&tz).format("%d/%m/%Y"),
            last.with_timezone(&tz).format("%d/%m/%Y"),
        );
        put!(
            out,
            "Résumé de {who}, {from} – {to}",
            "Summary of {who}, {from} – {to}"
        );
        let (n, worked) = (s.shifts.len(), hours_minutes(s.worked_minutes));
        put!(
            out,
            "  {n} service(s), {worked} de travail",
            "  {n} shift(s), {worked} worked"
        );
    }
}

fn write_calls(out: &mut String, s: &ShiftSummary) {
    let people = |n: u64| tr!("{n} (personnes)", "{n} (people)");
    line(
        out,
        ["Appels passés", "Calls made"],
        &s.calls_made.to_string(),
    );
    line(
        out,
        ["  entrants", "  incoming"],
        &s.calls_incoming.to_string(),
    );
    line(
        out,
        ["Locataires appelés", "Tenants called"],
        &people(s.tenants_called_unique),
    );
    line(
        out,
        ["Locataires joints", "Tenants reached"],
        &people(s.tenants_reached_unique),
    );
    let outcomes: Vec<String> = s
        .calls_by_outcome
        .iter()
        .filter(|(o, n)| **n > 0 || ALWAYS_SHOWN.contains(o))
        .map(|(o, n)| format!("{} {n}", named("outcome", o.code())))
        .collect();
    line(out, ["Résultats", "Outcomes"], &outcomes.join(" · "));
}

fn write_callbacks_promised(out: &mut String, s: &ShiftSummary, tz: Tz) {
    line(
        out,
        ["Rappels promis", "Callbacks promised"],
        &s.callbacks_promised.len().to_string(),
    );
    for c in &s.callbacks_promised {
        let mine = if c.only_me {
            tr!(" (gardé pour vous)", " (kept for you)")
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "  {}  {}{mine}",
            local_time(c.callback_at, tz),
            c.tenant_name
        );
    }
}

fn write_needs_and_referrals(out: &mut String, s: &ShiftSummary) {
    let needs: Vec<String> = s
        .needs_by_category
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| format!("{} {n}", named("need", c.code())))
        .collect();
    let needs = if needs.is_empty() {
        tr!("aucun", "none")
    } else {
        needs.join(" · ")
    };
    line(out, ["Besoins repérés", "Needs found"], &needs);
    line(
        out,
        ["Orientations faites", "Referrals made"],
        &s.referrals_made.to_string(),
    );
    for r in &s.referrals_by_service {
        let name = match crate::i18n::cli_lang() {
            crate::i18n::Lang::En => &r.service_name_en,
            crate::i18n::Lang::Fr => &r.service_name_fr,
        };
        let _ = writeln!(
            out,
            "  {:<11} {:<44} {}",
            named("need", r.category.code()),
            name,
            r.referrals
        );
    }
}

fn write_interventions(out: &mut String, s: &ShiftSummary) {
    line(out, ["Urgences", "Emergencies"], &s.emergencies.to_string());
    line(
        out,
        ["Demandes d'intervention", "Intervention requests"],
        &s.interventions_requested.len().to_string(),
    );
    for i in &s.interventions_requested {
        let urgency = match i.urgency {
            Urgency::Routine => named("urgency", i.urgency.code()).to_lowercase(),
            u => named("urgency", u.code()).to_uppercase(),
        };
        let _ = writeln!(
            out,
            "  {:<9} {:<20} {}  ({})",
            urgency,
            named("intervention_kind", i.kind.code()),
            i.tenant_name,
            named("intervention_status", i.status.code())
        );
    }
}

fn write_concern(out: &mut String, s: &ShiftSummary, tz: Tz) {
    if s.tenants_of_concern.is_empty() {
        return;
    }
    put!(out, "Locataires qui inquiètent", "Tenants to worry about");
    for c in &s.tenants_of_concern {
        let how = match c.wellbeing {
            Wellbeing::Urgent => tr!("URGENT  ", "URGENT "),
            _ => tr!("inquiète", "worried"),
        };
        let (name, at) = (&c.tenant_name, local_time(c.call_ended_at, tz));
        put!(
            out,
            "  {how}  {name} (appel du {at})",
            "  {how}  {name} (call {at})"
        );
    }
}

/// What the next shift would otherwise not know about: held tenants, unsaved calls,
/// callbacks kept for this operator.
fn write_loose_ends(out: &mut String, s: &ShiftSummary, tz: Tz) {
    let at = |t: DateTime<Utc>| local_time(t, tz);
    if !s.has_loose_ends() {
        put!(out, "Rien ne reste ouvert.", "Nothing left open.");
    }
    if !s.tenants_still_claimed.is_empty() {
        put!(
            out,
            "Encore pris par vous (vos collègues ne peuvent pas les appeler tant que vous ne les libérez pas) :",
            "Still held by you (colleagues cannot call them until you let them go):"
        );
        for c in &s.tenants_still_claimed {
            let (name, since, until) = (&c.tenant_name, at(c.claimed_at), at(c.expires_at));
            put!(
                out,
                "  {name} (depuis {since}, jusqu'à {until})",
                "  {name} (since {since}, until {until})"
            );
        }
    }
    if !s.unsaved_drafts.is_empty() {
        put!(
            out,
            "Appels saisis mais pas enregistrés :",
            "Calls typed but not saved:"
        );
        for d in &s.unsaved_drafts {
            let _ = writeln!(out, "  {}", d.tenant_name);
        }
    }
    if !s.callbacks_kept_for_operator.is_empty() {
        put!(
            out,
            "Rappels gardés pour vous (confiez-les à l'équipe avant de partir) :",
            "Callbacks kept for you (hand them to the team before leaving):"
        );
        for c in &s.callbacks_kept_for_operator {
            let _ = writeln!(out, "  {}  {}", at(c.callback_at), c.tenant_name);
        }
    }
}

fn write_handover_notes(out: &mut String, s: &ShiftSummary) {
    let notes: Vec<&str> = s
        .shifts
        .iter()
        .map(|sh| sh.handover_note.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    if notes.is_empty() {
        return;
    }
    put!(out, "Note de passation :", "Handover note:");
    for n in notes {
        for line in n.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
}
