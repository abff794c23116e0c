//! `veille plan`: the operator-hours the coming week needs, day by day, at the pace the
//! program measured, and what a new cohort would cost — figures to send to volunteers.

use anyhow::{Result, bail};
use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::Context;
use super::report::print;
use crate::access::Need;
use crate::cli::{PlanArgs, TextOrJson};
use crate::domain::period::{self, Period};
use crate::store::{PACE_DAYS, USUAL_WEEKS};
use crate::tr;

#[derive(Debug, Serialize)]
struct Plan {
    week_start: NaiveDate,
    week_end: NaiveDate,
    reached_per_hour: f64,
    cohorts: Vec<CohortLoad>,
    /// Operator-hours needed each day, Monday first, spread like the usual week.
    hours_per_day: Vec<DayHours>,
    hours_needed: f64,
    /// Operator-hours of a usual week (the same weekdays of the last weeks).
    hours_usual: f64,
    added: Option<Added>,
}

#[derive(Debug, Serialize)]
struct CohortLoad {
    name: String,
    tenants_in_program: u64,
    cadence_days: u32,
    to_reach: f64,
    hours: f64,
}

#[derive(Debug, Serialize)]
struct DayHours {
    day: NaiveDate,
    hours: f64,
}

#[derive(Debug, Serialize)]
struct Added {
    tenants: u32,
    hours_per_week: f64,
}

pub fn run(ctx: &Context, args: &PlanArgs) -> Result<()> {
    let store = ctx.open()?;
    ctx.act(&store, None, Need::Coordinator)?;
    let rules = store.rules()?;
    let now = ctx.clock.now();
    let today = rules.local_date(now);
    let Some(per_hour) = store.week_forecast(now, rules.tz)?.reached_per_hour else {
        bail!(tr!(
            "pas encore de rythme : personne n'a été joint pendant un service ces {PACE_DAYS} \
             derniers jours, donc veille ne peut pas dire combien d'heures prend une semaine",
            "no pace yet: nobody was reached in a recorded shift in the last {PACE_DAYS} days, \
             so veille cannot say how many hours a week takes"
        ));
    };
    let monday = period::week_monday(today) + Days::new(7);
    let in_program = store.program_report(Period::day(today), None, now, rules.tz)?;
    let cohorts: Vec<CohortLoad> = store
        .cohorts()?
        .into_iter()
        .filter(|c| c.active)
        .map(|c| {
            let tenants = in_program
                .cohorts
                .iter()
                .find(|f| f.cohort_id == c.id)
                .map_or(0, |f| f.tenants_in_program);
            let to_reach = tenants as f64 * 7.0 / f64::from(c.cadence_days.max(1));
            CohortLoad {
                name: c.name,
                tenants_in_program: tenants,
                cadence_days: c.cadence_days,
                to_reach,
                hours: to_reach / per_hour,
            }
        })
        .collect();
    let hours_needed: f64 = cohorts.iter().map(|c| c.hours).sum();
    // The usual week: each weekday's mean over the complete weeks before this one.
    let usual = store.usual_week(period::week_monday(today), now, rules.tz)?;
    let hours_usual: f64 = usual.iter().sum();
    let hours_per_day = (0..7u64)
        .map(|i| DayHours {
            day: monday + Days::new(i),
            // Spread like the usual week; evenly when there is no history yet.
            hours: if hours_usual > 0.0 {
                hours_needed * usual[i as usize] / hours_usual
            } else {
                hours_needed / 7.0
            },
        })
        .collect();
    let plan = Plan {
        week_start: monday,
        week_end: monday + Days::new(6),
        reached_per_hour: per_hour,
        cohorts,
        hours_per_day,
        hours_needed,
        hours_usual,
        added: args.add.map(|tenants| Added {
            tenants,
            hours_per_week: f64::from(tenants) / per_hour,
        }),
    };
    match args.format {
        TextOrJson::Json => print(&format!("{}\n", serde_json::to_string_pretty(&plan)?)),
        TextOrJson::Text => print(&super::printable_lines(&render(&plan))),
    }
}

fn render(p: &Plan) -> String {
    let mut out = String::new();
    let day = |d: NaiveDate| format!("{} {}", super::weekday(d), d.format("%d/%m"));
    let mut line = |text: String| {
        out.push_str(&text);
        out.push('\n');
    };
    let (from, to, pace) = (day(p.week_start), day(p.week_end), p.reached_per_hour);
    line(tr!(
        "Plan de la semaine du {from} au {to}",
        "Plan for the week of {from} to {to}"
    ));
    line(tr!(
        "Au rythme des {PACE_DAYS} derniers jours : {pace:.1} personnes jointes par heure d'opérateur.\n",
        "At the pace of the last {PACE_DAYS} days: {pace:.1} people reached per operator-hour.\n"
    ));
    for c in &p.cohorts {
        line(tr!(
            "  {:<24} {} locataires, appelés tous les {} jours : {:.0} à joindre, {:.0} heures d'opérateurs",
            "  {:<24} {} tenants, called every {} days: {:.0} to reach, {:.0} operator-hours",
            c.name,
            c.tenants_in_program,
            c.cadence_days,
            c.to_reach,
            c.hours
        ));
    }
    line(tr!(
        "\nHeures d'opérateurs nécessaires chaque jour (réparties comme ces {USUAL_WEEKS} dernières semaines) :",
        "\nOperator-hours needed each day (spread like the last {USUAL_WEEKS} weeks):"
    ));
    for d in &p.hours_per_day {
        line(format!("  {}  {:>6.0} h", day(d.day), d.hours));
    }
    let (needed, usual) = (p.hours_needed, p.hours_usual);
    let gap = match needed - usual {
        gap if gap >= 0.5 => tr!(
            " : il en faut {gap:.0} de plus",
            ": {gap:.0} more are needed"
        ),
        gap if gap <= -0.5 => tr!(" : {:.0} de marge", ": {:.0} to spare", -gap),
        _ => String::new(),
    };
    line(tr!(
        "\nEn tout {needed:.0} heures d'opérateurs pour la semaine ; une semaine habituelle en a eu récemment {usual:.0}{gap}.",
        "\nIn all {needed:.0} operator-hours for the week; a usual week lately had {usual:.0}{gap}."
    ));
    if let Some(a) = &p.added {
        line(tr!(
            "Ajouter {} locataires appelés chaque semaine : +{:.0} heures d'opérateurs par semaine.",
            "Adding {} tenants called every week: +{:.0} operator-hours a week.",
            a.tenants,
            a.hours_per_week
        ));
    }
    out
}
