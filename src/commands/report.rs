//! `veille report`: the program's figures for a period, as text or JSON.

use std::fmt::Write as _;

use anyhow::{Context as _, Result};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::Context;
use crate::access::Need;
use crate::cli::{ReportArgs, TextOrJson};
use crate::domain::period::Period;
use crate::domain::{InterventionStatus, parse};
use crate::store::{PACE_DAYS, ProgramReport, USUAL_WEEKS, WeekForecast};

pub fn run(ctx: &Context, args: &ReportArgs) -> Result<()> {
    let store = ctx.open()?;
    ctx.act(&store, None, Need::Coordinator)?;
    let rules = store.rules()?;
    let now = ctx.clock.now();
    let until = day_arg("--until", args.until.as_deref())?.unwrap_or(rules.local_date(now));
    let since = match day_arg("--since", args.since.as_deref())? {
        Some(d) => d,
        None => store.program_start(rules.tz)?.unwrap_or(until).min(until),
    };
    let period = Period::new(since, until).map_err(anyhow::Error::msg)?;
    let cohort = match &args.cohort {
        Some(name) => Some(store.cohort(name)?.id),
        None => None,
    };
    let made_at = chrono::SubsecRound::trunc_subsecs(now, 0);
    let report = store.program_report(period, cohort, made_at, rules.tz)?;
    // The forecast is about the week under way: only for a period that ends today.
    let forecast = (until == rules.local_date(now))
        .then(|| store.week_forecast(now, rules.tz))
        .transpose()?;
    match args.format {
        TextOrJson::Json => {
            let mut json = serde_json::to_value(&report)?;
            if let Some(f) = &forecast {
                json["forecast"] = serde_json::to_value(f)?;
            }
            print(&format!("{}\n", serde_json::to_string_pretty(&json)?))
        }
        TextOrJson::Text => {
            let mut text = render(&report, rules.tz);
            if let Some(f) = &forecast {
                text.push_str(&render_forecast(f));
            }
            print(&super::printable_lines(&text))
        }
    }
}

/// "Will everyone be reached by Sunday?", cohort by cohort, then for the program.
pub(super) fn render_forecast(f: &WeekForecast) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\nForecast to Sunday {} (docs/REPORT.md)",
        f.week_end.format("%d/%m")
    );
    let Some(per_hour) = f.reached_per_hour else {
        let _ = writeln!(
            out,
            "  no pace yet: nobody was reached in a recorded shift in the last {PACE_DAYS} days"
        );
        return out;
    };
    let _ = writeln!(
        out,
        "  pace {per_hour:.1} people reached per operator-hour (last {PACE_DAYS} days: {} reached \
         in {:.0} h); usual operator-hours left this week {:.0} (same weekdays, last \
         {USUAL_WEEKS} weeks)",
        f.pace.reached, f.pace.operator_hours, f.hours_left
    );
    for c in &f.cohorts {
        let name = if c.name.is_empty() {
            "whole program"
        } else {
            &c.name
        };
        let by_sunday = c.reached_by_sunday.unwrap_or(c.reached);
        let verdict = match (c.hours_missing, f.cohorts.last() == Some(c)) {
            (Some(m), _) if m >= 0.5 => format!("{m:.0} operator-hours missing"),
            (_, true) => format!(
                "everyone reached, {:.0} operator-hours spare",
                f.cohorts.last().and_then(|p| p.hours_spare).unwrap_or(0.0)
            ),
            _ => "everyone reached".into(),
        };
        let _ = writeln!(
            out,
            "  {name:<32} {} of {} reached, {by_sunday} by Sunday: {verdict}",
            c.reached, c.due
        );
    }
    out
}

/// Prints to the standard output; a reader that stops early (`| head`) is not an error.
pub(super) fn print(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// A day given on the command line, its flag named if it is not a date.
pub(super) fn day_arg(flag: &str, text: Option<&str>) -> Result<Option<NaiveDate>> {
    text.map(|t| parse::date(t).map_err(anyhow::Error::msg))
        .transpose()
        .with_context(|| format!("{flag} expects a day like 28/11/2026"))
}

/// "28/11/2026 10:06" in the program's time zone.
pub(super) fn local_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string()
}

/// "2 h 05 min", "45 min".
pub(super) fn hours_minutes(minutes: i64) -> String {
    if minutes >= 60 {
        format!("{} h {:02} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}

/// A code as words: `no_answer` → "no answer".
pub(super) fn label(code: &str) -> String {
    code.replace('_', " ")
}

fn people(n: u64) -> String {
    if n == 1 {
        "1 person".into()
    } else {
        format!("{n} people")
    }
}

fn seconds(s: Option<i64>) -> String {
    match s {
        Some(s) if s >= 60 => format!("{} min {:02} s", s / 60, s % 60),
        Some(s) => format!("{s} s"),
        None => "no calls".into(),
    }
}

/// The report as text for a terminal.
pub fn render(r: &ProgramReport, tz: Tz) -> String {
    let mut out = String::new();
    write_title(&mut out, r, tz);
    write_cohorts(&mut out, r);
    write_reach(&mut out, r);
    write_referrals(&mut out, r);
    write_interventions(&mut out, r);
    write_emergencies(&mut out, r);
    write_calls(&mut out, r);
    write_reached_per_day(&mut out, r);
    out
}

/// One figure of the report: its name in a column, then its value.
fn figure(out: &mut String, what: &str, n: String) {
    let _ = writeln!(out, "{what:<34} {n}");
}

fn write_title(out: &mut String, r: &ProgramReport, tz: Tz) {
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let _ = writeln!(
        out,
        "Program report {} – {}, {}",
        day(r.since),
        day(r.until),
        match &r.cohort {
            Some(c) => format!("cohort '{c}'"),
            None => "all cohorts".into(),
        }
    );
    let _ = writeln!(out, "Made {}\n", local_time(r.made_at, tz));
}

fn write_cohorts(out: &mut String, r: &ProgramReport) {
    let _ = writeln!(out, "Tenants by cohort (as they stand now)");
    let _ = writeln!(
        out,
        "  {:<24} {:>8} {:>11} {:>9} {:>14}",
        "cohort", "tenants", "in program", "objected", "alone unknown"
    );
    for c in &r.cohorts {
        let _ = writeln!(
            out,
            "  {:<24} {:>8} {:>11} {:>9} {:>14}{}",
            c.name,
            c.tenants_total,
            c.tenants_in_program,
            c.tenants_objected,
            c.tenants_household_unknown,
            if c.active { "" } else { "  (paused)" }
        );
    }
    let _ = writeln!(
        out,
        "  {:<24} {:>8} {:>11} {:>9} {:>14}\n",
        "total", r.tenants_total, r.tenants_in_program, "", r.tenants_household_unknown
    );
}

/// People called and reached, and how far the week under way has got.
fn write_reach(out: &mut String, r: &ProgramReport) {
    figure(
        out,
        "Tenants called (people)",
        r.tenants_called_unique.to_string(),
    );
    figure(
        out,
        "Tenants reached (people)",
        r.tenants_reached_unique.to_string(),
    );
    let w = &r.week;
    let share = (w.tenants_reached_unique * 100 + w.tenants_due_unique / 2)
        .checked_div(w.tenants_due_unique)
        .map(|p| format!(" ({p} %)"))
        .unwrap_or_default();
    figure(
        out,
        &format!(
            "Week {} ({}–{})",
            w.iso_week,
            w.week_start.format("%d/%m"),
            w.week_end.format("%d/%m")
        ),
        format!(
            "{} reached of {} due{share}",
            w.tenants_reached_unique, w.tenants_due_unique
        ),
    );
}

fn write_referrals(out: &mut String, r: &ProgramReport) {
    figure(
        out,
        "Tenants oriented (people)",
        r.tenants_oriented_unique.to_string(),
    );
    figure(out, "Referrals", r.referrals_total.to_string());
    for (category, f) in &r.referrals_by_category {
        let _ = writeln!(
            out,
            "  {:<14} {:>6}  ({})",
            label(category.code()),
            f.referrals,
            people(f.tenants_unique)
        );
    }
}

/// Emergencies (calls saved with the protocol), by whether help was called.
fn write_emergencies(out: &mut String, r: &ProgramReport) {
    figure(out, "Emergencies", r.emergencies.total.to_string());
    if r.emergencies.total > 0 {
        let parts: Vec<String> = r
            .emergencies
            .by_services
            .iter()
            .map(|(s, n)| format!("{} {n}", label(s.code())))
            .collect();
        let _ = writeln!(
            out,
            "  {} · waiting for a coordinator {}",
            parts.join(" · "),
            r.emergencies.waiting
        );
    }
}

/// Intervention requests as a table of kind by status, then by urgency.
fn write_interventions(out: &mut String, r: &ProgramReport) {
    figure(
        out,
        "Intervention requests",
        r.interventions_total.to_string(),
    );
    let _ = write!(out, "  {:<14}", "");
    for s in InterventionStatus::ALL {
        let _ = write!(out, " {:>10}", label(s.code()));
    }
    out.push('\n');
    for (kind, statuses) in &r.interventions_by_kind_and_status {
        let _ = write!(out, "  {:<14}", label(kind.code()));
        for s in InterventionStatus::ALL {
            let _ = write!(out, " {:>10}", statuses.get(s).copied().unwrap_or(0));
        }
        out.push('\n');
    }
    let urgency: Vec<String> = r
        .interventions_by_urgency
        .iter()
        .map(|(u, n)| format!("{} {n}", label(u.code())))
        .collect();
    let _ = writeln!(out, "  by urgency: {}", urgency.join(" · "));
}

fn write_calls(out: &mut String, r: &ProgramReport) {
    figure(out, "Calls", r.calls_total.to_string());
    let outcomes: Vec<String> = r
        .calls_by_outcome
        .iter()
        .map(|(o, n)| format!("{} {n}", label(o.code())))
        .collect();
    for chunk in outcomes.chunks(5) {
        let _ = writeln!(out, "  {}", chunk.join(" · "));
    }
    let _ = writeln!(out, "  incoming (tenants who called) {}", r.calls_incoming);
    figure(
        out,
        "Operators active",
        r.operators_active_unique.to_string(),
    );
    figure(
        out,
        "Average call length",
        format!(
            "{} (reached calls: {})",
            seconds(r.average_call_seconds),
            seconds(r.average_reached_call_seconds)
        ),
    );
}

/// A bar per day, the busiest day 40 characters long.
fn write_reached_per_day(out: &mut String, r: &ProgramReport) {
    let _ = writeln!(out, "\nTenants reached per day");
    let most = r
        .reached_per_day
        .iter()
        .map(|d| d.tenants_reached_unique)
        .max()
        .unwrap_or(0)
        .max(1);
    for d in &r.reached_per_day {
        let bar = (d.tenants_reached_unique * 40).div_ceil(most) as usize;
        let _ = writeln!(
            out,
            "  {} {:>6} {}",
            d.day.format("%a %d/%m"),
            d.tenants_reached_unique,
            "#".repeat(bar)
        );
    }
}
