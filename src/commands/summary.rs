//! `veille summary`: an operator's end-of-shift summary, as text or JSON.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Context;
use super::report::{day_arg, hours_minutes, label, local_time, print};
use crate::access::Need;
use crate::cli::{SummaryArgs, TextOrJson};
use crate::domain::period::Period;
use crate::domain::{Outcome, Urgency, Wellbeing};
use crate::store::{ShiftSummary, Store};

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
            anyhow::anyhow!("--shift takes `last` or a shift number, not '{text}'")
        })?),
    };
    let summary = if let Some(shift) = shift {
        let s = store.shift_summary(shift, now)?;
        if let Some(op) = operator.as_ref().filter(|op| op.id != s.operator_id) {
            bail!(
                "shift {shift} is {} ({})'s, not {}'s",
                s.operator_name,
                s.operator_login,
                op.login
            );
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
                None => bail!(
                    "{} ({}) has no shift on record; ask for days instead: --since DATE --until DATE",
                    operator.name,
                    operator.login
                ),
            }
        }
    };
    me.may_read_work_of(&summary.operator_login)?;
    match args.format {
        TextOrJson::Json => print(&format!("{}\n", serde_json::to_string_pretty(&summary)?)),
        TextOrJson::Text => print(&super::printable_lines(&render(
            &summary,
            rules.tz,
            ctx.lang.as_deref(),
        ))),
    }
}

/// The operator who signed in last on this machine, when none is named.
fn signed_in_last(store: &Store) -> Result<crate::store::Operator> {
    match crate::config::Config::load().last_operator {
        Some(login) => Ok(store.operator(&login)?),
        None => bail!("say whose summary: --operator ID (see `veille operators`)"),
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

/// The summary as text for a terminal.
pub fn render(s: &ShiftSummary, tz: Tz, lang: Option<&str>) -> String {
    let mut out = String::new();
    write_heading(&mut out, s, tz);
    out.push('\n');
    write_calls(&mut out, s);
    write_callbacks_promised(&mut out, s, tz);
    write_needs_and_referrals(&mut out, s, lang);
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
        let _ = writeln!(out, "Summary of {who}, shift {id}");
        let start = at(shift.started_at);
        let length = hours_minutes(shift.minutes);
        let _ = match shift.ended_at {
            Some(end) => {
                let same_day = end.with_timezone(&tz).date_naive()
                    == shift.started_at.with_timezone(&tz).date_naive();
                let end = if same_day {
                    end.with_timezone(&tz).format("%H:%M").to_string()
                } else {
                    at(end)
                };
                writeln!(out, "  {start} – {end} ({length})")
            }
            None => writeln!(out, "  from {start}, still open ({length} so far)"),
        };
    } else {
        let last = s.to - chrono::Duration::milliseconds(1);
        let _ = writeln!(
            out,
            "Summary of {who}, {} – {}",
            s.from.with_timezone(&tz).format("%d/%m/%Y"),
            last.with_timezone(&tz).format("%d/%m/%Y")
        );
        let _ = writeln!(
            out,
            "  {} shift(s), {} worked",
            s.shifts.len(),
            hours_minutes(s.worked_minutes)
        );
    }
}

fn write_calls(out: &mut String, s: &ShiftSummary) {
    let _ = writeln!(out, "Calls made              {}", s.calls_made);
    let _ = writeln!(out, "  incoming              {}", s.calls_incoming);
    let _ = writeln!(
        out,
        "Tenants called          {} (people)",
        s.tenants_called_unique
    );
    let _ = writeln!(
        out,
        "Tenants reached         {} (people)",
        s.tenants_reached_unique
    );
    let outcomes: Vec<String> = s
        .calls_by_outcome
        .iter()
        .filter(|(o, n)| **n > 0 || ALWAYS_SHOWN.contains(o))
        .map(|(o, n)| format!("{} {n}", label(o.code())))
        .collect();
    let _ = writeln!(out, "Outcomes                {}", outcomes.join(" · "));
}

fn write_callbacks_promised(out: &mut String, s: &ShiftSummary, tz: Tz) {
    let _ = writeln!(
        out,
        "Callbacks promised      {}",
        s.callbacks_promised.len()
    );
    for c in &s.callbacks_promised {
        let mine = if c.only_me { " (kept for you)" } else { "" };
        let _ = writeln!(
            out,
            "  {}  {}{mine}",
            local_time(c.callback_at, tz),
            c.tenant_name
        );
    }
}

fn write_needs_and_referrals(out: &mut String, s: &ShiftSummary, lang: Option<&str>) {
    let needs: Vec<String> = s
        .needs_by_category
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| format!("{} {n}", label(c.code())))
        .collect();
    let _ = writeln!(
        out,
        "Needs found             {}",
        if needs.is_empty() {
            "none".into()
        } else {
            needs.join(" · ")
        }
    );
    let _ = writeln!(out, "Referrals made          {}", s.referrals_made);
    for r in &s.referrals_by_service {
        let name = if lang == Some("en") {
            &r.service_name_en
        } else {
            &r.service_name_fr
        };
        let _ = writeln!(
            out,
            "  {:<11} {:<44} {}",
            label(r.category.code()),
            name,
            r.referrals
        );
    }
}

fn write_interventions(out: &mut String, s: &ShiftSummary) {
    let _ = writeln!(out, "Emergencies             {}", s.emergencies);
    let _ = writeln!(
        out,
        "Intervention requests   {}",
        s.interventions_requested.len()
    );
    for i in &s.interventions_requested {
        let urgency = match i.urgency {
            Urgency::Routine => "routine".to_string(),
            u => label(u.code()).to_uppercase(),
        };
        let _ = writeln!(
            out,
            "  {:<9} {:<14} {}  ({})",
            urgency,
            label(i.kind.code()),
            i.tenant_name,
            label(i.status.code())
        );
    }
}

fn write_concern(out: &mut String, s: &ShiftSummary, tz: Tz) {
    if s.tenants_of_concern.is_empty() {
        return;
    }
    let _ = writeln!(out, "Tenants to worry about");
    for c in &s.tenants_of_concern {
        let how = match c.wellbeing {
            Wellbeing::Urgent => "URGENT ",
            _ => "worried",
        };
        let _ = writeln!(
            out,
            "  {how}  {} (call {})",
            c.tenant_name,
            local_time(c.call_ended_at, tz)
        );
    }
}

/// What the next shift would otherwise not know about: held tenants, unsaved calls,
/// callbacks kept for this operator.
fn write_loose_ends(out: &mut String, s: &ShiftSummary, tz: Tz) {
    let at = |t: DateTime<Utc>| local_time(t, tz);
    if !s.has_loose_ends() {
        let _ = writeln!(out, "Nothing left open.");
    }
    if !s.tenants_still_claimed.is_empty() {
        let _ = writeln!(
            out,
            "Still held by you (colleagues cannot call them until you let them go):"
        );
        for c in &s.tenants_still_claimed {
            let _ = writeln!(
                out,
                "  {} (since {}, until {})",
                c.tenant_name,
                at(c.claimed_at),
                at(c.expires_at)
            );
        }
    }
    if !s.unsaved_drafts.is_empty() {
        let _ = writeln!(out, "Calls typed but not saved:");
        for d in &s.unsaved_drafts {
            let _ = writeln!(out, "  {}", d.tenant_name);
        }
    }
    if !s.callbacks_kept_for_operator.is_empty() {
        let _ = writeln!(
            out,
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
    let _ = writeln!(out, "Handover note:");
    for n in notes {
        for line in n.lines() {
            let _ = writeln!(out, "  {line}");
        }
    }
}
