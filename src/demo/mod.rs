//! The demo database: realistic synthetic tenants, operators and weeks of history, made
//! from a seed, so that the same seed at the same moment makes the same database.
//!
//! `people` makes the operators, field teams and tenants; `staffing` the rota and the
//! shifts; `history` plays the past weeks of calls through the scheduling rules, with
//! the needs, referrals and intervention requests they led to. `phones` hands out
//! numbers from the ranges reserved for fiction, and `inputs` reads `assets/demo.toml`.
//! Nothing here touches a file: the result is a `Bulk` the store writes at once.

mod history;
mod inputs;
mod people;
pub mod phones;
mod staffing;

use std::collections::BTreeSet;

use chrono::{DateTime, Days, DurationRound, NaiveDate, TimeDelta, Utc};

use crate::domain::hours::local_instant;
use crate::domain::{CallingHours, InterventionStatus, Outcome, Role, Rules, TenantStatus};
use crate::store::Service;
use crate::store::bulk::{Bulk, BulkCohort, BulkTenant};

/// Bounds that keep a demo within what a laptop builds in a reasonable time.
pub const MAX_TENANTS: usize = 1_000_000;
pub const MAX_WEEKS: u32 = 52;

/// What to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub tenants: usize,
    pub weeks: u32,
    pub seed: u64,
    /// The moment the story is told from; see `anchor`.
    pub now: DateTime<Utc>,
    /// The language the program's cohorts are named in, as `veille init` names them.
    pub lang: crate::i18n::Lang,
}

/// The moment a demo is made at: the current minute. A clock started with `--now`
/// has moved on by a few milliseconds when it is read, and the same `--now` must
/// make the same database.
pub fn anchor(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now)
}

/// The settings of a demo database: calls allowed at any hour, so that the queue is
/// never empty during an evening training; and the mark that lets a later `veille
/// demo` replace this file (and nothing else).
pub fn settings(params: &Params) -> Vec<(String, String)> {
    vec![
        ("calling_hours".into(), CallingHours::ALL_DAY.display()),
        ("demo".into(), "1".into()),
        ("demo_seed".into(), params.seed.to_string()),
        ("demo_made_at".into(), crate::store::time::ts(params.now)),
    ]
}

/// Makes the whole demo. `rules` are those of the demo database (see `settings`);
/// `services` its catalogue.
pub fn generate(params: &Params, rules: &Rules, services: &[Service]) -> anyhow::Result<Bulk> {
    if params.tenants == 0 || params.tenants > MAX_TENANTS {
        anyhow::bail!("a demo has between 1 and {MAX_TENANTS} tenants");
    }
    if params.weeks > MAX_WEEKS {
        anyhow::bail!("a demo has at most {MAX_WEEKS} weeks of history");
    }
    let inputs = inputs::inputs()?;
    let mut rng = fastrand::Rng::with_seed(params.seed);
    let now = params.now;
    let tz = rules.tz;
    let today = rules.local_date(now);
    let first_day = today - Days::new(7 * u64::from(params.weeks));
    // The landlord's list was imported a few days before the first calls.
    let imported_at = local_instant(first_day - Days::new(3), 10 * 60, tz).min(now);

    let mut phones = phones::Phones::new(&mut rng);
    let operators = people::operators(inputs, params.tenants, imported_at, &mut phones, &mut rng);
    // Those who live with someone joined half-way, as the 2020 program took its second
    // cohort on after some weeks (a week later in a short demo).
    let second_start = if params.weeks >= 2 {
        first_day + Days::new(7 * u64::from(params.weeks / 2))
    } else {
        first_day
    };
    let [isolated, not_isolated] = params.lang.cohort_names();
    let cohorts = vec![
        cohort(1, isolated, first_day, imported_at),
        cohort(2, not_isolated, second_start, imported_at),
    ];
    let mut tenants: Vec<BulkTenant> =
        people::tenants(inputs, params.tenants, today, &mut phones, &mut rng)
            .into_iter()
            .enumerate()
            .map(|(i, person)| {
                let c = &cohorts[usize::from(person.lives_alone != Some(true))];
                BulkTenant {
                    id: i as i64 + 1,
                    cohort_id: c.id,
                    status: TenantStatus::Active,
                    paused_until: None,
                    due_at: Some(rules.hours.opening_on(c.starts_on, tz)),
                    callback_at: None,
                    callback_operator_id: None,
                    attempts_day: None,
                    attempts_count: 0,
                    last_call_at: None,
                    last_outcome: None,
                    flag: None,
                    created_at: imported_at,
                    updated_at: imported_at,
                    person,
                }
            })
            .collect();

    let callers: Vec<i64> = operators
        .iter()
        .filter(|o| o.role == Role::Operator)
        .map(|o| o.id)
        .collect();
    let coordinator = operators
        .iter()
        .find(|o| o.role == Role::Coordinator)
        .map_or(1, |o| o.id);
    let mut bulk = Bulk {
        field_teams: people::field_teams(inputs),
        ..Bulk::default()
    };
    let staffing = staffing::Staffing::plan(
        first_day,
        now,
        rules,
        &callers,
        inputs,
        &mut rng,
        &mut bulk.shifts,
    );
    let world = history::World {
        inputs,
        rules,
        staffing: &staffing,
        cohorts: &cohorts,
        services,
        coordinator,
    };
    history::play(&world, &mut tenants, &mut rng, &mut bulk)?;
    bulk.operators = operators;
    bulk.cohorts = cohorts;
    bulk.tenants = tenants;
    Ok(bulk)
}

fn cohort(id: i64, name: &str, starts_on: NaiveDate, created_at: DateTime<Utc>) -> BulkCohort {
    BulkCohort {
        id,
        name: name.into(),
        priority: id,
        cadence_days: 7,
        starts_on,
        created_at,
    }
}

/// What a demo holds, for the lines `veille demo` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub tenants: usize,
    pub living_alone: usize,
    pub arrondissements: usize,
    pub coordinators: Vec<String>,
    pub logins: Vec<String>,
    pub field_teams: usize,
    pub calls: usize,
    pub reached: usize,
    pub referrals: usize,
    pub open_referrals: usize,
    pub interventions: usize,
    pub open_interventions: usize,
    pub shifts: usize,
    /// Tenants whose call is due at `now`.
    pub due_now: usize,
    /// Callbacks promised for today (local date).
    pub callbacks_today: usize,
}

pub fn summary(bulk: &Bulk, now: DateTime<Utc>, rules: &Rules) -> Summary {
    let today = rules.local_date(now);
    let in_queue = |t: &BulkTenant| match t.status {
        TenantStatus::Active => true,
        TenantStatus::Paused | TenantStatus::Hospitalised => {
            t.paused_until.is_none_or(|d| d <= today)
        }
        _ => false,
    };
    Summary {
        tenants: bulk.tenants.len(),
        living_alone: bulk
            .tenants
            .iter()
            .filter(|t| t.person.lives_alone == Some(true))
            .count(),
        arrondissements: bulk
            .tenants
            .iter()
            .map(|t| t.person.postcode.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        coordinators: bulk
            .operators
            .iter()
            .filter(|o| o.role == Role::Coordinator)
            .map(|o| o.login.clone())
            .collect(),
        logins: bulk
            .operators
            .iter()
            .filter(|o| o.role == Role::Operator)
            .map(|o| o.login.clone())
            .collect(),
        field_teams: bulk.field_teams.len(),
        calls: bulk.calls.len(),
        reached: bulk
            .calls
            .iter()
            .filter(|c| c.outcome == Outcome::Reached)
            .count(),
        referrals: bulk.referrals.len(),
        open_referrals: bulk.referrals.iter().filter(|r| r.status.is_open()).count(),
        interventions: bulk.interventions.len(),
        open_interventions: bulk
            .interventions
            .iter()
            .filter(|i| {
                matches!(
                    i.status,
                    InterventionStatus::Requested | InterventionStatus::Assigned
                )
            })
            .count(),
        shifts: bulk.shifts.len(),
        due_now: bulk
            .tenants
            .iter()
            .filter(|t| in_queue(t) && t.due_at.is_some_and(|d| d <= now))
            .count(),
        callbacks_today: bulk
            .tenants
            .iter()
            .filter(|t| in_queue(t) && t.callback_at.is_some_and(|c| rules.local_date(c) == today))
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn demo_rules() -> Rules {
        Rules {
            hours: CallingHours::ALL_DAY,
            ..Rules::default()
        }
    }

    fn services() -> Vec<Service> {
        let dir = tempfile::tempdir().unwrap();
        Store::open(&dir.path().join("s.db"))
            .unwrap()
            .services()
            .unwrap()
    }

    fn make(tenants: usize, weeks: u32, seed: u64, now: &str) -> Bulk {
        let params = Params {
            tenants,
            weeks,
            seed,
            now: utc(now),
            lang: crate::i18n::Lang::En,
        };
        generate(&params, &demo_rules(), &services()).unwrap()
    }

    #[test]
    fn anchor_drops_the_seconds() {
        assert_eq!(
            anchor(utc("2026-11-28T02:00:00.004Z")),
            utc("2026-11-28T02:00:00Z")
        );
    }

    #[test]
    fn same_seed_same_demo_other_seed_other_demo() {
        let a = make(300, 2, 7, "2026-11-28T09:00:00Z");
        assert_eq!(a, make(300, 2, 7, "2026-11-28T09:00:00Z"));
        assert_ne!(a.tenants, make(300, 2, 8, "2026-11-28T09:00:00Z").tenants);
    }

    #[test]
    fn nothing_is_dated_after_now() {
        let now = utc("2026-11-28T02:00:00Z");
        let b = make(500, 3, 1, "2026-11-28T02:00:00Z");
        assert!(
            b.calls
                .iter()
                .all(|c| c.started_at < c.ended_at && c.ended_at <= now)
        );
        assert!(
            b.shifts
                .iter()
                .all(|s| s.ended_at.is_some_and(|e| e <= now))
        );
        assert!(b.referral_events.iter().all(|e| e.at <= now));
        assert!(b.intervention_events.iter().all(|e| e.at <= now));
        assert!(
            b.tenants
                .iter()
                .all(|t| t.last_call_at.is_none_or(|l| l <= now))
        );
    }

    #[test]
    fn calls_happen_inside_their_operators_shift() {
        let b = make(500, 3, 2, "2026-11-28T10:00:00Z");
        for c in &b.calls {
            let s = &b.shifts[c.shift_id.unwrap() as usize - 1];
            assert_eq!(s.operator_id, c.operator_id);
            assert!(s.started_at <= c.started_at && Some(c.ended_at) <= s.ended_at);
        }
    }

    #[test]
    fn no_weeks_means_the_program_starts_today() {
        // Saturday 03:00 in Paris: nobody has called yet, everyone is due.
        let b = make(50, 0, 1, "2026-11-28T02:00:00Z");
        assert!(b.calls.is_empty());
        let s = summary(&b, utc("2026-11-28T02:00:00Z"), &demo_rules());
        assert_eq!(s.due_now, 50);
    }

    #[test]
    fn sizes_out_of_bounds_are_refused_in_words() {
        let params = Params {
            tenants: 0,
            weeks: 3,
            seed: 1,
            now: utc("2026-11-28T02:00:00Z"),
            lang: crate::i18n::Lang::En,
        };
        let err = generate(&params, &demo_rules(), &[]).unwrap_err();
        assert!(err.to_string().contains("between 1 and"), "{err}");
    }
}
