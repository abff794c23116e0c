//! A hand-built day of calls with known answers, made through the store as the
//! operator screen would make it: claims, then saves, on fixed clocks.
//!
//! Tenants (from `common::fixture`, ids 1–4 in "isolated 70+", 5–8 in "non-isolated 70+"):
//! a=1 c=2 e=3 g=4 (isolated), b=5 d=6 f=7 h=8 (non-isolated).
//!
//! Saturday 28/11/2026 (Paris is UTC+1), times in UTC:
//! - op1's shift starts 08:55.
//! - op1: a 09:00–09:05 reached, worried, needs health + food, referrals gp + meal
//!   delivery, accompaniment (urgent); b 09:10–09:12 no answer; c 09:20–09:25 callback
//!   at 15:00 kept for op1; d 09:30–09:35 reached, urgent, meal delivery, welfare visit
//!   (emergency); a 10:30–10:35 reached, fine, mobility service; e 10:40–10:45 refused;
//!   b 11:20–11:22 busy; then op1 claims f at 12:00 and keeps it.
//! - op2's shift starts 09:50. op2: g 10:00–10:05 reached, gp; b 12:00–12:05 reached.
//! - Earlier, op2 reached h on 22/11 23:25–23:30 UTC, which is Monday 23/11 00:30 in Paris.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use veille::domain::{InterventionKind, Need, NeedCategory, Outcome, Rules, Urgency, Wellbeing};
use veille::store::{CallToSave, InterventionToSave, ReferralToSave, Store, new_save_id};

use crate::common::{fixture, utc};

pub const A: i64 = 1;
pub const C: i64 = 2;
pub const E: i64 = 3;
pub const G: i64 = 4;
pub const B: i64 = 5;
pub const D: i64 = 6;
pub const F: i64 = 7;
pub const H: i64 = 8;

/// The instant the scenario is looked at: 12:10 UTC on 28/11, both shifts still open.
pub const LOOKED_AT: &str = "2026-11-28T12:10:00Z";

pub struct Scenario {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub op1: i64,
    pub op2: i64,
    pub op3: i64,
    pub op1_shift: i64,
    pub op2_shift: i64,
}

impl Scenario {
    pub fn store(&self) -> Store {
        Store::open(&self.path).unwrap()
    }

    pub fn sql(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).unwrap()
    }

    /// A number computed by SQL written in the test.
    pub fn count(&self, sql: &str) -> i64 {
        self.sql().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

fn service(store: &Store, code: &str) -> i64 {
    store
        .services()
        .unwrap()
        .into_iter()
        .find(|s| s.code == code)
        .unwrap_or_else(|| panic!("service {code}"))
        .id
}

fn referral(store: &Store, code: &str) -> ReferralToSave {
    ReferralToSave {
        service_id: service(store, code),
        note: format!("note {code}"),
        follow_up_on: None,
    }
}

/// Claims `tenant` for `operator` at `start`, fills the form with `fill`, saves it
/// `minutes` later.
#[allow(clippy::too_many_arguments)]
pub fn call(
    store: &mut Store,
    rules: &Rules,
    operator: i64,
    shift: Option<i64>,
    tenant: i64,
    start: DateTime<Utc>,
    minutes: i64,
    outcome: Outcome,
    fill: impl FnOnce(&Store, &mut CallToSave),
) -> i64 {
    let claim = store.claim_tenant(operator, tenant, start, rules).unwrap();
    let mut c = CallToSave {
        save_id: new_save_id(start),
        claim: claim.clone(),
        shift_id: shift,
        started_at: start,
        outcome,
        wellbeing: None,
        callback_at: None,
        callback_only_me: false,
        hospitalised_until: None,
        notes: String::new(),
        needs: vec![],
        referrals: vec![],
        interventions: vec![],
        emergency: None,
        incoming: false,
        lives_alone: None,
    };
    fill(store, &mut c);
    store
        .save_call(&c, start + Duration::minutes(minutes), rules)
        .unwrap()
        .call_id
}

pub fn scenario() -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let path = fixture(dir.path(), 3, 8);
    let mut store = Store::open(&path).unwrap();
    let rules = store.rules().unwrap();
    let op = |s: &Store, login: &str| s.operator(login).unwrap().id;
    let (op1, op2, op3) = (op(&store, "op1"), op(&store, "op2"), op(&store, "op3"));
    let t = utc;

    call(
        &mut store,
        &rules,
        op2,
        None,
        H,
        t("2026-11-22T23:25:00Z"),
        5,
        Outcome::Reached,
        |_, _| {},
    );

    let op1_shift = store.start_shift(op1, t("2026-11-28T08:55:00Z")).unwrap();
    let op2_shift = store.start_shift(op2, t("2026-11-28T09:50:00Z")).unwrap();
    let s1 = Some(op1_shift);
    let s2 = Some(op2_shift);
    call(
        &mut store,
        &rules,
        op1,
        s1,
        A,
        t("2026-11-28T09:00:00Z"),
        5,
        Outcome::Reached,
        |s, c| {
            c.wellbeing = Some(Wellbeing::Worried);
            c.notes = "SECRET-NOTE; vit seule, \"fatiguée\"\nrappeler la fille".into();
            c.needs = vec![
                Need {
                    category: NeedCategory::Health,
                    details: "SECRET-NEED tension".into(),
                },
                Need {
                    category: NeedCategory::Food,
                    details: String::new(),
                },
            ];
            c.referrals = vec![referral(s, "gp"), referral(s, "meal_delivery")];
            c.interventions = vec![InterventionToSave {
                kind: InterventionKind::Accompaniment,
                urgency: Urgency::Urgent,
                wanted_at: Some(utc("2026-12-01T13:00:00Z")),
                place: "Hôpital Saint-Antoine".into(),
                details: "SECRET-DETAILS cardiologue".into(),
            }];
        },
    );
    call(
        &mut store,
        &rules,
        op1,
        s1,
        B,
        t("2026-11-28T09:10:00Z"),
        2,
        Outcome::NoAnswer,
        |_, _| {},
    );
    call(
        &mut store,
        &rules,
        op1,
        s1,
        C,
        t("2026-11-28T09:20:00Z"),
        5,
        Outcome::CallbackRequested,
        |_, c| {
            c.callback_at = Some(utc("2026-11-28T15:00:00Z"));
            c.callback_only_me = true;
        },
    );
    call(
        &mut store,
        &rules,
        op1,
        s1,
        D,
        t("2026-11-28T09:30:00Z"),
        5,
        Outcome::Reached,
        |s, c| {
            c.wellbeing = Some(Wellbeing::Urgent);
            c.referrals = vec![referral(s, "meal_delivery")];
            c.interventions = vec![InterventionToSave {
                kind: InterventionKind::WelfareVisit,
                urgency: Urgency::Emergency,
                wanted_at: Some(utc("2026-11-28T09:45:00Z")),
                place: String::new(),
                details: "ne se relève pas".into(),
            }];
            c.emergency = Some(veille::domain::emergency::Protocol {
                services: veille::domain::emergency::ServicesCalled::ByOperator,
                decision: "SAMU appelé, en route".into(),
                no_request_reason: String::new(),
            });
        },
    );
    call(
        &mut store,
        &rules,
        op2,
        s2,
        G,
        t("2026-11-28T10:00:00Z"),
        5,
        Outcome::Reached,
        |s, c| c.referrals = vec![referral(s, "gp")],
    );
    call(
        &mut store,
        &rules,
        op1,
        s1,
        A,
        t("2026-11-28T10:30:00Z"),
        5,
        Outcome::Reached,
        |s, c| {
            c.wellbeing = Some(Wellbeing::Fine);
            c.referrals = vec![referral(s, "mobility_service")];
        },
    );
    call(
        &mut store,
        &rules,
        op1,
        s1,
        E,
        t("2026-11-28T10:40:00Z"),
        5,
        Outcome::Refused,
        |_, _| {},
    );
    call(
        &mut store,
        &rules,
        op1,
        s1,
        B,
        t("2026-11-28T11:20:00Z"),
        2,
        Outcome::Busy,
        |_, _| {},
    );
    store
        .claim_tenant(op1, F, t("2026-11-28T12:00:00Z"), &rules)
        .unwrap();
    call(
        &mut store,
        &rules,
        op2,
        s2,
        B,
        t("2026-11-28T12:00:00Z"),
        5,
        Outcome::Reached,
        |_, _| {},
    );
    Scenario {
        dir,
        path,
        op1,
        op2,
        op3,
        op1_shift,
        op2_shift,
    }
}
