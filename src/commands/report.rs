//! `veille report`: the program's figures for a period, as text or JSON.

use std::fmt::Write as _;

use anyhow::{Context as _, Result};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::{Context, named};
use crate::access::Need;
use crate::cli::{ReportArgs, TextOrJson};
use crate::domain::period::Period;
use crate::domain::{InterventionStatus, parse};
use crate::store::{PACE_DAYS, ProgramReport, USUAL_WEEKS, WeekForecast};
use crate::tr;

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
    let sunday = f.week_end.format("%d/%m");
    put!(
        out,
        "\nPrévision à dimanche {sunday} (docs/REPORT.md)",
        "\nForecast to Sunday {sunday} (docs/REPORT.md)"
    );
    let Some(per_hour) = f.reached_per_hour else {
        put!(
            out,
            "  pas encore de rythme : personne n'a été joint pendant un service ces {PACE_DAYS} derniers jours",
            "  no pace yet: nobody was reached in a recorded shift in the last {PACE_DAYS} days"
        );
        return out;
    };
    let (reached, hours, left) = (f.pace.reached, f.pace.operator_hours, f.hours_left);
    put!(
        out,
        "  rythme {per_hour:.1} personnes jointes par heure d'opérateur ({PACE_DAYS} derniers \
         jours : {reached} jointes en {hours:.0} h) ; heures d'opérateurs habituelles restant \
         cette semaine {left:.0} (mêmes jours, {USUAL_WEEKS} dernières semaines)",
        "  pace {per_hour:.1} people reached per operator-hour (last {PACE_DAYS} days: {reached} reached \
         in {hours:.0} h); usual operator-hours left this week {left:.0} (same weekdays, last \
         {USUAL_WEEKS} weeks)"
    );
    for c in &f.cohorts {
        let name = if c.name.is_empty() {
            tr!("tout le programme", "whole program")
        } else {
            c.name.clone()
        };
        let by_sunday = c.reached_by_sunday.unwrap_or(c.reached);
        let verdict = match (c.hours_missing, f.cohorts.last() == Some(c)) {
            (Some(m), _) if m >= 0.5 => tr!(
                "il manque {m:.0} heures d'opérateurs",
                "{m:.0} operator-hours missing"
            ),
            (_, true) => tr!(
                "tout le monde joint, {:.0} heures d'opérateurs de marge",
                "everyone reached, {:.0} operator-hours spare",
                f.cohorts.last().and_then(|p| p.hours_spare).unwrap_or(0.0)
            ),
            _ => tr!("tout le monde joint", "everyone reached"),
        };
        let (reached, due) = (c.reached, c.due);
        put!(
            out,
            "  {name:<32} {reached} joints sur {due}, {by_sunday} d'ici dimanche : {verdict}",
            "  {name:<32} {reached} of {due} reached, {by_sunday} by Sunday: {verdict}"
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
        .with_context(|| {
            tr!(
                "{flag} attend un jour comme 28/11/2026",
                "{flag} expects a day like 28/11/2026"
            )
        })
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

fn people(n: u64) -> String {
    crate::i18n::count(
        usize::try_from(n).unwrap_or(usize::MAX),
        ["personne", "personnes"],
        ["person", "people"],
    )
}

fn seconds(s: Option<i64>) -> String {
    match s {
        Some(s) if s >= 60 => format!("{} min {:02} s", s / 60, s % 60),
        Some(s) => format!("{s} s"),
        None => tr!("aucun appel", "no calls"),
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
fn figure(out: &mut String, what: [&str; 2], n: String) {
    super::figure(out, 35, what, &n);
}

fn write_title(out: &mut String, r: &ProgramReport, tz: Tz) {
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    let (since, until, made) = (day(r.since), day(r.until), local_time(r.made_at, tz));
    let cohorts = match &r.cohort {
        Some(c) => tr!("cohorte « {c} »", "cohort '{c}'"),
        None => tr!("toutes les cohortes", "all cohorts"),
    };
    put!(
        out,
        "Bilan du programme {since} – {until}, {cohorts}",
        "Program report {since} – {until}, {cohorts}"
    );
    put!(out, "Fait le {made}\n", "Made {made}\n");
}

fn write_cohorts(out: &mut String, r: &ProgramReport) {
    put!(
        out,
        "Locataires par cohorte (tels qu'ils sont maintenant)",
        "Tenants by cohort (as they stand now)"
    );
    let _ = writeln!(
        out,
        "  {:<24} {:>11} {:>12} {:>9} {:>14}",
        tr!("cohorte", "cohort"),
        tr!("locataires", "tenants"),
        tr!("au programme", "in program"),
        tr!("opposés", "objected"),
        tr!("seul ? inconnu", "alone unknown")
    );
    for c in &r.cohorts {
        let _ = writeln!(
            out,
            "  {:<24} {:>11} {:>12} {:>9} {:>14}{}",
            c.name,
            c.tenants_total,
            c.tenants_in_program,
            c.tenants_objected,
            c.tenants_household_unknown,
            if c.active {
                String::new()
            } else {
                tr!("  (en pause)", "  (paused)")
            }
        );
    }
    let _ = writeln!(
        out,
        "  {:<24} {:>11} {:>12} {:>9} {:>14}\n",
        "total", r.tenants_total, r.tenants_in_program, "", r.tenants_household_unknown
    );
}

/// People called and reached, and how far the week under way has got.
fn write_reach(out: &mut String, r: &ProgramReport) {
    figure(
        out,
        ["Locataires appelés (personnes)", "Tenants called (people)"],
        r.tenants_called_unique.to_string(),
    );
    figure(
        out,
        ["Locataires joints (personnes)", "Tenants reached (people)"],
        r.tenants_reached_unique.to_string(),
    );
    let w = &r.week;
    let share = (w.tenants_reached_unique * 100 + w.tenants_due_unique / 2)
        .checked_div(w.tenants_due_unique)
        .map(|p| format!(" ({p} %)"))
        .unwrap_or_default();
    let (week, from, to) = (
        &w.iso_week,
        w.week_start.format("%d/%m"),
        w.week_end.format("%d/%m"),
    );
    let (reached, due) = (w.tenants_reached_unique, w.tenants_due_unique);
    figure(
        out,
        [
            &format!("Semaine {week} ({from}–{to})"),
            &format!("Week {week} ({from}–{to})"),
        ],
        tr!(
            "{reached} joints sur {due} prévus{share}",
            "{reached} reached of {due} due{share}"
        ),
    );
}

fn write_referrals(out: &mut String, r: &ProgramReport) {
    figure(
        out,
        [
            "Locataires orientés (personnes)",
            "Tenants oriented (people)",
        ],
        r.tenants_oriented_unique.to_string(),
    );
    figure(
        out,
        ["Orientations", "Referrals"],
        r.referrals_total.to_string(),
    );
    for (category, f) in &r.referrals_by_category {
        let _ = writeln!(
            out,
            "  {:<14} {:>6}  ({})",
            named("need", category.code()),
            f.referrals,
            people(f.tenants_unique)
        );
    }
}

/// Emergencies (calls saved with the protocol), by whether help was called.
fn write_emergencies(out: &mut String, r: &ProgramReport) {
    figure(
        out,
        ["Urgences", "Emergencies"],
        r.emergencies.total.to_string(),
    );
    if r.emergencies.total > 0 {
        let parts: Vec<String> = r
            .emergencies
            .by_services
            .iter()
            .map(|(s, n)| format!("{} {n}", named("services_called", s.code())))
            .collect();
        let (parts, waiting) = (parts.join(" · "), r.emergencies.waiting);
        put!(
            out,
            "  {parts} · attendent un coordinateur {waiting}",
            "  {parts} · waiting for a coordinator {waiting}"
        );
    }
}

/// Intervention requests as a table of kind by status, then by urgency.
fn write_interventions(out: &mut String, r: &ProgramReport) {
    figure(
        out,
        ["Demandes d'intervention", "Intervention requests"],
        r.interventions_total.to_string(),
    );
    let _ = write!(out, "  {:<20}", "");
    for s in InterventionStatus::ALL {
        let _ = write!(out, " {:>10}", named("intervention_status", s.code()));
    }
    out.push('\n');
    for (kind, statuses) in &r.interventions_by_kind_and_status {
        let _ = write!(out, "  {:<20}", named("intervention_kind", kind.code()));
        for s in InterventionStatus::ALL {
            let _ = write!(out, " {:>10}", statuses.get(s).copied().unwrap_or(0));
        }
        out.push('\n');
    }
    let urgency: Vec<String> = r
        .interventions_by_urgency
        .iter()
        .map(|(u, n)| format!("{} {n}", named("urgency", u.code())))
        .collect();
    let urgency = urgency.join(" · ");
    put!(out, "  par urgence : {urgency}", "  by urgency: {urgency}");
}

fn write_calls(out: &mut String, r: &ProgramReport) {
    figure(out, ["Appels", "Calls"], r.calls_total.to_string());
    let outcomes: Vec<String> = r
        .calls_by_outcome
        .iter()
        .map(|(o, n)| format!("{} {n}", named("outcome", o.code())))
        .collect();
    for chunk in outcomes.chunks(5) {
        let _ = writeln!(out, "  {}", chunk.join(" · "));
    }
    let incoming = r.calls_incoming;
    put!(
        out,
        "  entrants (locataires qui ont appelé) {incoming}",
        "  incoming (tenants who called) {incoming}"
    );
    figure(
        out,
        ["Opérateurs actifs", "Operators active"],
        r.operators_active_unique.to_string(),
    );
    let (all, reached) = (
        seconds(r.average_call_seconds),
        seconds(r.average_reached_call_seconds),
    );
    figure(
        out,
        ["Durée moyenne d'un appel", "Average call length"],
        tr!(
            "{all} (appels où la personne est jointe : {reached})",
            "{all} (reached calls: {reached})"
        ),
    );
}

/// A bar per day, the busiest day 40 characters long.
fn write_reached_per_day(out: &mut String, r: &ProgramReport) {
    put!(
        out,
        "\nLocataires joints par jour",
        "\nTenants reached per day"
    );
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
            "  {} {} {:>6} {}",
            super::weekday(d.day),
            d.day.format("%d/%m"),
            d.tenants_reached_unique,
            "#".repeat(bar)
        );
    }
}
