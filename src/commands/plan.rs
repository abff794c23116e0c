//! `veille plan`: the operator-hours the coming week needs, day by day, at the pace the
//! program measured, and what a new cohort would cost — figures to send to volunteers.

use std::fmt::Write as _;

use anyhow::{Result, bail};
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::Context;
use super::report::print;
use crate::access::Need;
use crate::cli::{PlanArgs, TextOrJson};
use crate::domain::period::{self, Period};
use crate::store::{PACE_DAYS, USUAL_WEEKS};

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
        bail!(
            "no pace yet: nobody was reached in a recorded shift in the last {PACE_DAYS} days, \
             so veille cannot say how many hours a week takes"
        );
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
    let day = |d: NaiveDate| {
        let name = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            [d.weekday().num_days_from_monday() as usize];
        format!("{name} {}", d.format("%d/%m"))
    };
    let _ = writeln!(
        out,
        "Plan for the week of {} to {}",
        day(p.week_start),
        day(p.week_end)
    );
    let _ = writeln!(
        out,
        "At the pace of the last {PACE_DAYS} days: {:.1} people reached per operator-hour.\n",
        p.reached_per_hour
    );
    for c in &p.cohorts {
        let _ = writeln!(
            out,
            "  {:<24} {} tenants, called every {} days: {:.0} to reach, {:.0} operator-hours",
            c.name, c.tenants_in_program, c.cadence_days, c.to_reach, c.hours
        );
    }
    let _ = writeln!(
        out,
        "\nOperator-hours needed each day (spread like the last {USUAL_WEEKS} weeks):"
    );
    for d in &p.hours_per_day {
        let _ = writeln!(out, "  {}  {:>6.0} h", day(d.day), d.hours);
    }
    let _ = writeln!(
        out,
        "\nIn all {:.0} operator-hours for the week; a usual week lately had {:.0}{}.",
        p.hours_needed,
        p.hours_usual,
        match p.hours_needed - p.hours_usual {
            gap if gap >= 0.5 => format!(": {gap:.0} more are needed"),
            gap if gap <= -0.5 => format!(": {:.0} to spare", -gap),
            _ => String::new(),
        }
    );
    if let Some(a) = &p.added {
        let _ = writeln!(
            out,
            "Adding {} tenants called every week: +{:.0} operator-hours a week.",
            a.tenants, a.hours_per_week
        );
    }
    out
}
