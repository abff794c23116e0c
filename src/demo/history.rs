//! The past weeks of the program, played call by call in time order. Each call's
//! outcome decides the tenant's next call through `domain::schedule::next_call`, the
//! rule the operators' screens apply when they save a call, so the schedule the
//! tenants end with is the one the program itself would have reached. Calls lead to
//! needs, referrals and intervention requests, each taken through its lifecycle up to
//! the end of the story.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Timelike, Utc, Weekday};

use crate::domain::emergency::{self, ServicesCalled};
use crate::domain::hours::local_instant;
use crate::domain::schedule::{self, Attempts, CallResult, NextCall, ScheduleError};
use crate::domain::{
    InterventionKind, InterventionStatus, NeedCategory, Outcome, ReferralStatus, Rules, Urgency,
    Wellbeing,
};
use crate::store::Service;
use crate::store::bulk::{
    Bulk, BulkCall, BulkCohort, BulkEmergency, BulkIntervention, BulkInterventionEvent, BulkNeed,
    BulkReferral, BulkReferralEvent, BulkTenant,
};
use crate::store::demo::DEMO_SAVE_ID_PREFIX;

use super::inputs::{Delivery, Inputs, Texts, for_person, pick};
use super::people::team_for;
use super::staffing::Staffing;

/// Chance per reached call that each need is found (doubled when the operator is
/// worried). Calibrated on the 2020 program's published figures (docs/REPORT.md, "The
/// demo"): over ten weeks of weekly calls about 5% of the seniors were oriented to a
/// service, health and food about equally, transport less often.
const NEED_CHANCES: [(NeedCategory, f64); 8] = [
    (NeedCategory::Health, 0.0024),
    (NeedCategory::Food, 0.0024),
    (NeedCategory::Transport, 0.0010),
    (NeedCategory::Isolation, 0.0012),
    (NeedCategory::Medication, 0.0006),
    (NeedCategory::Home, 0.0006),
    (NeedCategory::Financial, 0.0003),
    (NeedCategory::Other, 0.0003),
];

/// Wellbeing of a reached call, per 10,000: an emergency is rare (about one reached
/// call in 5,000), a worry about one in ten.
const WORRIED_FROM: u16 = 9_000;
const URGENT_FROM: u16 = 9_998;

/// Chances, in percent, that a need sends a field team (the rest is a referral or
/// advice): field interventions were 2-3% of the seniors oriented in 2020.
const ACCOMPANY_TRANSPORT: u8 = 4;
const ACCOMPANY_HEALTH: u8 = 1;
const DELIVER_FOOD: u8 = 1;

/// Chance, in percent, that a welfare visit is asked for someone living alone after
/// `MISSES_BEFORE_VISIT` unanswered calls (the ladder asks for most of the others).
const VISIT_AFTER_MISSES: u8 = 1;

/// What an operator decided during an emergency, and why no field team was asked.
const EMERGENCY_DECISIONS: [&str; 4] = [
    "SAMU appelé, arrivée annoncée dans 20 minutes",
    "Pompiers prévenus, la gardienne ouvre la porte",
    "Son médecin traitant passe dans l'heure",
    "Sa fille l'emmène aux urgences",
];
const NO_REQUEST_REASONS: [&str; 3] = [
    "Le SAMU se déplace",
    "Sa fille est sur place",
    "Le médecin passe, rappel dans l'heure",
];

/// Emergencies of the last days still waiting for a coordinator when the story ends: a
/// few, so that a trainee sees the coordinators' alert; the others were taken.
const WAITING_EMERGENCIES: usize = 2;

/// Rare outcomes, as chances per call; the rest is reached or unanswered.
const DECEASED: f64 = 0.0005;
const REFUSED: f64 = 0.003;
const HOSPITALISED: f64 = 0.005;
const CALLBACK: f64 = 0.035;
/// A wrong number is mostly found on the first call.
const WRONG_FIRST: f64 = 0.012;
const WRONG_LATER: f64 = 0.0005;

/// Unanswered calls in a row after which a welfare visit may be asked for someone alone.
const MISSES_BEFORE_VISIT: u32 = 5;

/// Local times a tenant asks to be called back on another day.
const CALLBACK_MINUTES: [u16; 9] = [570, 600, 630, 660, 840, 870, 900, 960, 1020];

/// What the story is made in.
pub struct World<'a> {
    pub inputs: &'a Inputs,
    pub rules: &'a Rules,
    pub staffing: &'a Staffing,
    pub cohorts: &'a [BulkCohort],
    pub services: &'a [Service],
    pub coordinator: i64,
}

/// How a tenant behaves on the phone, and what is under way for them.
struct Track {
    /// Chance they pick up.
    answers: f64,
    woman: bool,
    calls: u32,
    /// Unanswered calls in a row.
    misses: u32,
    /// Until when a referral of each need category is open: no new one meanwhile.
    referral_open_until: [DateTime<Utc>; 8],
    /// Until when a welfare visit is under way.
    visit_open_until: DateTime<Utc>,
}

/// A planned call: when (Unix time, cheap to compare), whom (index in the tenant
/// list), in which shift period.
type Planned = Reverse<(i64, usize, usize)>;

fn planned((w, at): (usize, DateTime<Utc>), i: usize) -> Planned {
    Reverse((at.timestamp(), i, w))
}

/// Plays the calls of every tenant from their cohort's start to the end of the story,
/// adding calls, needs, referrals and interventions to `bulk` and leaving each tenant
/// with the schedule their last call gave them.
pub fn play(
    world: &World,
    tenants: &mut [BulkTenant],
    rng: &mut fastrand::Rng,
    bulk: &mut Bulk,
) -> Result<(), ScheduleError> {
    let mut tracks: Vec<Track> = tenants
        .iter()
        .map(|t| Track {
            answers: if rng.u8(0..100) < 15 { 0.5 } else { 0.82 },
            woman: t.person.title == "Mme",
            calls: 0,
            misses: 0,
            referral_open_until: [DateTime::<Utc>::MIN_UTC; 8],
            visit_open_until: DateTime::<Utc>::MIN_UTC,
        })
        .collect();
    let mut queue: BinaryHeap<Planned> = BinaryHeap::with_capacity(tenants.len());
    // A little more than one call per tenant and week.
    let weeks = (world.end() - world.cohorts[0].created_at)
        .num_weeks()
        .max(1) as usize;
    bulk.calls.reserve(tenants.len() * weeks * 6 / 5);
    for (i, t) in tenants.iter().enumerate() {
        let cohort = world.cohort(t.cohort_id);
        // The first round takes most of a week: the first cohort is called first.
        let spread = if cohort.priority == 1 {
            rng.u64(0..4)
        } else {
            rng.u64(1..7)
        };
        if let Some(next) = world
            .staffing
            .moment_on(cohort.starts_on + Days::new(spread), rng)
        {
            queue.push(planned(next, i));
        }
    }
    while let Some(Reverse((at, i, w))) = queue.pop() {
        let at = DateTime::from_timestamp(at, 0).unwrap_or_default();
        if let Some(next) = call(world, &mut tenants[i], &mut tracks[i], at, w, rng, bulk)? {
            queue.push(planned(next, i));
        }
    }
    // Calls were played in time order: so were their emergencies.
    leave_recent_emergencies_waiting(world, &mut bulk.emergencies);
    Ok(())
}

impl World<'_> {
    fn cohort(&self, id: i64) -> &BulkCohort {
        self.cohorts
            .iter()
            .find(|c| c.id == id)
            .unwrap_or(&self.cohorts[0])
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        self.rules.local_date(t)
    }

    fn end(&self) -> DateTime<Utc> {
        self.staffing.end()
    }

    /// The next moment people are at work at or after `t`, if before the end of the story.
    fn office(&self, t: DateTime<Utc>, rng: &mut fastrand::Rng) -> Option<DateTime<Utc>> {
        self.staffing.resume_at_or_after(t, rng).map(|(_, at)| at)
    }
}

/// One call at `at` in shift period `w`; returns when the tenant's next call happens,
/// if it does before the end of the story.
fn call(
    world: &World,
    tenant: &mut BulkTenant,
    track: &mut Track,
    at: DateTime<Utc>,
    w: usize,
    rng: &mut fastrand::Rng,
    bulk: &mut Bulk,
) -> Result<Option<(usize, DateTime<Utc>)>, ScheduleError> {
    let window = world.staffing.window(w);
    let on_duty = &window.on_duty;
    // Calls end inside their shift period, so on its day.
    let today = window.date;
    // A promised callback is made by whoever promised it when they are at work.
    let (operator, shift) = tenant
        .callback_operator_id
        .and_then(|op| on_duty.iter().find(|(o, _)| *o == op).copied())
        .unwrap_or_else(|| on_duty[rng.usize(..on_duty.len())]);
    let outcome = draw_outcome(track, tenant.callback_at.is_some(), rng);
    let wellbeing = (outcome == Outcome::Reached).then(|| match rng.u16(0..10_000) {
        n if n >= URGENT_FROM => Wellbeing::Urgent,
        n if n >= WORRIED_FROM => Wellbeing::Worried,
        _ => Wellbeing::Fine,
    });
    let needs = if outcome == Outcome::Reached {
        draw_needs(
            track,
            tenant.person.lives_alone == Some(true),
            wellbeing,
            at,
            rng,
        )
    } else {
        Vec::new()
    };
    let end = at + Duration::seconds(draw_seconds(outcome, needs.len(), rng));
    let callback_at =
        (outcome == Outcome::CallbackRequested).then(|| callback_time(world, today, end, rng));
    let hospitalised_until =
        (outcome == Outcome::Hospitalised).then(|| today + Days::new(rng.u64(5..=21)));
    let previous = tenant.attempts_day.map(|day| Attempts {
        day,
        count: tenant.attempts_count,
    });
    let result = CallResult {
        outcome,
        callback_at,
        callback_operator: (outcome == Outcome::CallbackRequested && rng.bool())
            .then_some(operator),
        hospitalised_until,
    };
    let cadence = world.cohort(tenant.cohort_id).cadence_days;
    let mut next = schedule::next_call(world.rules, end, cadence, previous, &result)?;
    // An emergency is called again the same day, as the store schedules it on saving.
    let urgent = wellbeing == Some(Wellbeing::Urgent);
    if urgent && next.due_at.is_some() {
        next.due_at = Some(emergency::follow_up_call(
            next.due_at,
            end,
            world.rules.emergency_callback,
        ));
    }

    let notes_list = notes_for(&world.inputs.texts, outcome, wellbeing, rng);
    let call_id = bulk.calls.len() as i64 + 1;
    bulk.calls.push(BulkCall {
        id: call_id,
        save_id: format!("{DEMO_SAVE_ID_PREFIX}{call_id}"),
        tenant_id: tenant.id,
        operator_id: operator,
        shift_id: Some(shift),
        started_at: at,
        ended_at: end,
        outcome,
        wellbeing,
        callback_at,
        hospitalised_until,
        notes: for_person(pick(rng, notes_list), track.woman),
    });
    track.calls += 1;
    if outcome.is_unanswered() {
        track.misses += 1;
    } else {
        track.misses = 0;
    }

    let made = Made {
        call_id,
        operator,
        at: end,
    };
    follow_up_needs(world, tenant, track, &made, &needs, rng, bulk);
    let asked_emergency = request_welfare_visits(world, tenant, track, &made, wellbeing, rng, bulk);
    if wellbeing == Some(Wellbeing::Urgent) {
        record_emergency(world, tenant, &made, asked_emergency, rng, bulk);
    }
    apply_next_call(tenant, &next, outcome, end);
    if urgent {
        return Ok(next
            .due_at
            .and_then(|due| world.staffing.resume_at_or_after(due, rng)));
    }
    Ok(next_call_moment(world, tenant, &next, outcome, end, rng))
}

/// How long a reached call lasts, in seconds: most a few minutes, one in
/// `LONG_TALK_ONE_IN` a long talk with someone alone, and two more minutes for each need;
/// never more than `LONGEST_CALL`, so that a call started before the last quarter of an
/// hour of a shift ends inside it (`staffing`).
const REACHED_SECONDS: std::ops::RangeInclusive<i64> = 120..=420;
const LONG_TALK_SECONDS: std::ops::RangeInclusive<i64> = 600..=780;
const LONG_TALK_ONE_IN: u8 = 10;
const SECONDS_PER_NEED: i64 = 120;
const LONGEST_CALL: i64 = 14 * 60;

/// How long the call lasts, in seconds: a reached call is longer for each need.
fn draw_seconds(outcome: Outcome, needs: usize, rng: &mut fastrand::Rng) -> i64 {
    match outcome {
        Outcome::Reached => {
            let talk = if rng.u8(0..LONG_TALK_ONE_IN) == 0 {
                rng.i64(LONG_TALK_SECONDS)
            } else {
                rng.i64(REACHED_SECONDS)
            };
            (talk + SECONDS_PER_NEED * needs as i64).min(LONGEST_CALL)
        }
        Outcome::CallbackRequested => rng.i64(60..=180),
        o if o.is_unanswered() => rng.i64(25..=90),
        _ => rng.i64(120..=480),
    }
}

/// The notes an operator may write after such a call (none for most calls).
fn notes_for<'a>(
    texts: &'a Texts,
    outcome: Outcome,
    wellbeing: Option<Wellbeing>,
    rng: &mut fastrand::Rng,
) -> &'a [String] {
    match (outcome, wellbeing) {
        (_, Some(Wellbeing::Urgent)) => &texts.urgent,
        (_, Some(Wellbeing::Worried)) if rng.u8(0..100) < 80 => &texts.worried,
        (Outcome::Reached, Some(Wellbeing::Fine)) if rng.u8(0..100) < 25 => &texts.reached,
        (Outcome::NoAnswer | Outcome::Busy | Outcome::Voicemail, _) if rng.u8(0..100) < 30 => {
            &texts.unanswered
        }
        (Outcome::CallbackRequested, _) if rng.u8(0..100) < 70 => &texts.callback,
        (Outcome::Hospitalised, _) => &texts.hospitalised,
        (Outcome::Refused, _) => &texts.refused,
        (Outcome::WrongNumber, _) => &texts.wrong_number,
        (Outcome::DeceasedReported, _) => &texts.deceased,
        _ => &[],
    }
}

/// Each need found is written down, and often leads to a referral or a request for
/// the field team.
#[allow(clippy::too_many_arguments)]
fn follow_up_needs(
    world: &World,
    tenant: &BulkTenant,
    track: &mut Track,
    made: &Made,
    needs: &[NeedCategory],
    rng: &mut fastrand::Rng,
    bulk: &mut Bulk,
) {
    for category in needs {
        let details = for_person(pick(rng, world.inputs.needs.of(*category)), track.woman);
        bulk.needs.push(BulkNeed {
            call_id: made.call_id,
            tenant_id: tenant.id,
            category: *category,
            details: details.clone(),
        });
        if rng.u8(0..100) < 75 {
            refer(world, tenant, track, made, *category, &details, rng, bulk);
        }
        let kind = match category {
            NeedCategory::Transport if rng.u8(0..100) < ACCOMPANY_TRANSPORT => {
                Some(InterventionKind::Accompaniment)
            }
            NeedCategory::Health if rng.u8(0..100) < ACCOMPANY_HEALTH => {
                Some(InterventionKind::Accompaniment)
            }
            NeedCategory::Food if rng.u8(0..100) < DELIVER_FOOD => Some(InterventionKind::Delivery),
            _ => None,
        };
        if let Some(kind) = kind {
            let urgency = if rng.u8(0..100) < 15 {
                Urgency::Urgent
            } else {
                Urgency::Routine
            };
            request(world, tenant, track, made, kind, urgency, rng, bulk);
        }
    }
}

/// A tenant found in urgent need often gets a welfare visit, and one living alone who
/// keeps not answering sometimes does. Returns whether an emergency visit was asked.
#[allow(clippy::too_many_arguments)]
fn request_welfare_visits(
    world: &World,
    tenant: &BulkTenant,
    track: &mut Track,
    made: &Made,
    wellbeing: Option<Wellbeing>,
    rng: &mut fastrand::Rng,
    bulk: &mut Bulk,
) -> bool {
    let mut asked_emergency = false;
    // The emergency services handle most emergencies; a field team goes to some.
    if wellbeing == Some(Wellbeing::Urgent) && rng.u8(0..100) < 30 {
        let urgency = if rng.u8(0..100) < 40 {
            asked_emergency = true;
            Urgency::Emergency
        } else {
            Urgency::Urgent
        };
        request(
            world,
            tenant,
            track,
            made,
            InterventionKind::WelfareVisit,
            urgency,
            rng,
            bulk,
        );
    }
    if track.misses >= MISSES_BEFORE_VISIT
        && tenant.person.lives_alone == Some(true)
        && track.visit_open_until <= made.at
        && rng.u8(0..100) < VISIT_AFTER_MISSES
    {
        request(
            world,
            tenant,
            track,
            made,
            InterventionKind::WelfareVisit,
            Urgency::Urgent,
            rng,
            bulk,
        );
    }
    asked_emergency
}

/// The emergency protocol of an urgent call, as the call screen asks it: most
/// operators called the emergency services themselves or found them already called;
/// a coordinator took it within the hour (but see `leave_recent_emergencies_waiting`).
fn record_emergency(
    world: &World,
    tenant: &BulkTenant,
    made: &Made,
    asked_emergency: bool,
    rng: &mut fastrand::Rng,
    bulk: &mut Bulk,
) {
    let services = match rng.u8(0..100) {
        0..=64 => ServicesCalled::ByOperator,
        65..=84 => ServicesCalled::AlreadyCalled,
        85..=94 => ServicesCalled::NotNeeded,
        _ => ServicesCalled::Refused,
    };
    let taken_at = made.at + Duration::minutes(rng.i64(3..=50));
    bulk.emergencies.push(BulkEmergency {
        call_id: made.call_id,
        tenant_id: tenant.id,
        operator_id: made.operator,
        at: made.at,
        services,
        decision: EMERGENCY_DECISIONS[rng.usize(..EMERGENCY_DECISIONS.len())].to_string(),
        no_request_reason: if asked_emergency {
            String::new()
        } else {
            NO_REQUEST_REASONS[rng.usize(..NO_REQUEST_REASONS.len())].to_string()
        },
        taken: (taken_at < world.end()).then_some((world.coordinator, taken_at)),
    });
}

/// The last `WAITING_EMERGENCIES` emergencies of the story's last two days wait for a
/// coordinator, so that the coordinators' alert shows in the demo.
fn leave_recent_emergencies_waiting(world: &World, emergencies: &mut [BulkEmergency]) {
    let recent = world.end() - Duration::days(2);
    for e in emergencies
        .iter_mut()
        .rev()
        .take(WAITING_EMERGENCIES)
        .filter(|e| e.at >= recent)
    {
        e.taken = None;
    }
}

/// The tenant as the store leaves them after saving the call.
fn apply_next_call(tenant: &mut BulkTenant, next: &NextCall, outcome: Outcome, end: DateTime<Utc>) {
    tenant.status = next.status;
    tenant.due_at = next.due_at;
    tenant.paused_until = next.paused_until;
    tenant.callback_at = next.callback_at;
    tenant.callback_operator_id = next.callback_operator;
    tenant.attempts_day = next.attempts.map(|a| a.day);
    tenant.attempts_count = next.attempts.map_or(0, |a| a.count);
    tenant.last_call_at = Some(end);
    tenant.last_outcome = Some(outcome);
    tenant.flag = next.flag.or(tenant.flag);
    tenant.updated_at = end;
}

/// When the tenant's next call actually happens, if before the end of the story.
fn next_call_moment(
    world: &World,
    tenant: &BulkTenant,
    next: &NextCall,
    outcome: Outcome,
    end: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> Option<(usize, DateTime<Utc>)> {
    let due = next.due_at?;
    let staffing = world.staffing;
    if let Some(callback) = next.callback_at {
        staffing.resume_at_or_after(callback + Duration::minutes(rng.i64(0..20)), rng)
    } else if outcome.is_unanswered() && due == end + world.rules.retry_after {
        staffing.resume_at_or_after(due + Duration::minutes(rng.i64(0..40)), rng)
    } else if outcome.is_unanswered() {
        staffing.moment_on(world.local_date(due), rng)
    } else {
        // The queue reaches a tenant on the day they fall due or a little later; the
        // second cohort waits longer.
        let late = match (world.cohort(tenant.cohort_id).priority, rng.u8(0..100)) {
            (1, 0..=59) | (_, 0..=34) => 0,
            (1, 60..=89) | (_, 35..=69) => 1,
            (1, _) | (_, 70..=89) => 2,
            _ => 3,
        };
        staffing.moment_on(world.local_date(due) + Days::new(late), rng)
    }
}

fn draw_outcome(track: &Track, callback: bool, rng: &mut fastrand::Rng) -> Outcome {
    let wrong = if track.calls == 0 {
        WRONG_FIRST
    } else {
        WRONG_LATER
    };
    let mut r = rng.f64();
    for (outcome, chance) in [
        (Outcome::DeceasedReported, DECEASED),
        (Outcome::Refused, REFUSED),
        (Outcome::Hospitalised, HOSPITALISED),
        (Outcome::WrongNumber, wrong),
        (Outcome::CallbackRequested, CALLBACK),
    ] {
        if r < chance {
            return outcome;
        }
        r -= chance;
    }
    // Someone who asked to be called back usually waits for the call.
    let answers = if callback { 0.9 } else { track.answers };
    if rng.f64() < answers {
        return Outcome::Reached;
    }
    match rng.u8(0..100) {
        0..=59 => Outcome::NoAnswer,
        60..=87 => Outcome::Voicemail,
        _ => Outcome::Busy,
    }
}

fn draw_needs(
    track: &Track,
    alone: bool,
    wellbeing: Option<Wellbeing>,
    at: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> Vec<NeedCategory> {
    let worry = if wellbeing == Some(Wellbeing::Fine) {
        1.0
    } else {
        2.0
    };
    NEED_CHANCES
        .iter()
        .enumerate()
        .filter(|(k, (category, chance))| {
            let chance = match category {
                NeedCategory::Isolation if alone => chance * 1.5,
                NeedCategory::Isolation => chance * 0.5,
                _ => *chance,
            };
            // A need already being handled by an open referral is not found again.
            rng.f64() < chance * worry && track.referral_open_until[*k] <= at
        })
        .map(|(_, (category, _))| *category)
        .collect()
}

/// When a tenant asks to be called back: later today during office hours, or at a
/// set time on one of the next days.
fn callback_time(
    world: &World,
    today: NaiveDate,
    end: DateTime<Utc>,
    rng: &mut fastrand::Rng,
) -> DateTime<Utc> {
    let tz = world.rules.tz;
    if rng.bool() {
        let later = (end + Duration::minutes(rng.i64(60..=180))).with_timezone(&tz);
        let minute = (later.hour() * 60 + later.minute()).div_ceil(15) * 15;
        if later.date_naive() == today && minute <= 18 * 60 {
            return local_instant(today, minute as u16, tz);
        }
    }
    let mut day = today + Days::new(if rng.u8(0..100) < 75 { 1 } else { 2 });
    if day.weekday() == Weekday::Sun {
        day = day + Days::new(1);
    }
    local_instant(
        day,
        CALLBACK_MINUTES[rng.usize(..CALLBACK_MINUTES.len())],
        tz,
    )
}

/// The call a referral or a request comes from.
struct Made {
    call_id: i64,
    operator: i64,
    at: DateTime<Utc>,
}

fn need_index(category: NeedCategory) -> usize {
    NeedCategory::ALL
        .iter()
        .position(|c| *c == category)
        .unwrap_or(0)
}

/// Orients the tenant to a service of the need's category, and takes the referral
/// through what happened to it by the end of the story.
#[allow(clippy::too_many_arguments)]
fn refer(
    world: &World,
    tenant: &BulkTenant,
    track: &mut Track,
    made: &Made,
    category: NeedCategory,
    details: &str,
    rng: &mut fastrand::Rng,
    bulk: &mut Bulk,
) {
    let services: Vec<&Service> = world
        .services
        .iter()
        .filter(|s| s.category == category)
        .collect();
    if services.is_empty() {
        return;
    }
    let service = services[rng.usize(..services.len())];
    let notes = &world.inputs.referral_notes;
    let id = bulk.referrals.len() as i64 + 1;
    let mut steps = vec![(
        ReferralStatus::Proposed,
        made.at,
        made.operator,
        String::new(),
    )];
    let coordinator = world.coordinator;
    if let Some(sent) = world.office(made.at + Duration::minutes(rng.i64(10..=36 * 60)), rng) {
        if rng.u8(0..100) < 5 {
            steps.push((
                ReferralStatus::Declined,
                sent,
                made.operator,
                pick(rng, &notes.declined).into(),
            ));
        } else {
            let by = if rng.u8(0..100) < 60 {
                made.operator
            } else {
                coordinator
            };
            steps.push((
                ReferralStatus::Sent,
                sent,
                by,
                pick(rng, &notes.sent).into(),
            ));
            // Some services are slow to answer: the referral stays sent.
            let progress = (rng.u8(0..100) >= 12)
                .then(|| world.office(sent + Duration::hours(rng.i64(20..=120)), rng))
                .flatten();
            if let Some(progress) = progress {
                steps.push((
                    ReferralStatus::InProgress,
                    progress,
                    coordinator,
                    pick(rng, &notes.in_progress).into(),
                ));
                if let Some(closed) =
                    world.office(progress + Duration::hours(rng.i64(48..=300)), rng)
                {
                    let (status, list) = if rng.u8(0..100) < 85 {
                        (ReferralStatus::Done, &notes.done)
                    } else {
                        (ReferralStatus::Declined, &notes.declined)
                    };
                    steps.push((status, closed, coordinator, pick(rng, list).into()));
                }
            }
        }
    }
    let (status, updated_at, _, _) = steps[steps.len() - 1].clone();
    let follow_up_on = status.is_open().then(|| {
        let wait = if status == ReferralStatus::Proposed {
            2
        } else {
            7
        };
        world.local_date(updated_at) + Days::new(wait)
    });
    track.referral_open_until[need_index(category)] = if status.is_open() {
        DateTime::<Utc>::MAX_UTC
    } else {
        updated_at
    };
    bulk.referrals.push(BulkReferral {
        id,
        tenant_id: tenant.id,
        call_id: Some(made.call_id),
        service_id: service.id,
        category: service.category,
        status,
        note: if rng.bool() {
            details.to_string()
        } else {
            String::new()
        },
        follow_up_on,
        created_by: made.operator,
        created_at: made.at,
        updated_at,
    });
    bulk.referral_events
        .extend(
            steps
                .into_iter()
                .map(|(status, at, operator_id, note)| BulkReferralEvent {
                    referral_id: id,
                    status,
                    note,
                    operator_id,
                    at,
                }),
        );
}

/// When the field team is wanted, and what the request says: soon for an emergency or
/// a welfare visit, on a later working day otherwise.
fn wanted_and_details<'a>(
    world: &World<'a>,
    created: DateTime<Utc>,
    kind: InterventionKind,
    urgency: Urgency,
    delivery: &'a Delivery,
    rng: &mut fastrand::Rng,
) -> (DateTime<Utc>, &'a str) {
    let texts = &world.inputs.interventions;
    let tz = world.rules.tz;
    let on_day = |days: u64, first_minute: u16, quarters: u16, rng: &mut fastrand::Rng| {
        let mut day = world.local_date(created) + Days::new(days);
        if day.weekday() == Weekday::Sun {
            day = day + Days::new(1);
        }
        local_instant(day, first_minute + 15 * rng.u16(0..=quarters), tz)
    };
    match (kind, urgency) {
        (_, Urgency::Emergency) => (
            to_minute(created + Duration::minutes(rng.i64(20..=45))),
            pick(rng, &texts.emergency),
        ),
        (InterventionKind::WelfareVisit, _) => (
            to_minute(created + Duration::minutes(rng.i64(120..=300))),
            pick(rng, &texts.welfare_visit),
        ),
        (InterventionKind::Delivery, _) => {
            let days = rng.u64(1..=2);
            (on_day(days, 600, 8, rng), delivery.details.as_str())
        }
        _ => {
            let days = rng.u64(2..=10);
            (on_day(days, 540, 26, rng), pick(rng, &texts.accompaniment))
        }
    }
}

/// A step of a request's history: its status, when, by whom, and the note.
type Step = (InterventionStatus, DateTime<Utc>, Option<i64>, String);

/// The request's history up to the end of the story: requested, then assigned by the
/// coordinator, then done by the team or cancelled.
#[allow(clippy::too_many_arguments)]
fn intervention_steps(
    world: &World,
    made: &Made,
    kind: InterventionKind,
    urgency: Urgency,
    wanted: DateTime<Utc>,
    delivery_done: &str,
    team_name: &str,
    woman: bool,
    rng: &mut fastrand::Rng,
) -> Vec<Step> {
    let texts = &world.inputs.interventions;
    let created = made.at;
    let end = world.end();
    let mut steps: Vec<Step> = vec![(
        InterventionStatus::Requested,
        created,
        Some(made.operator),
        String::new(),
    )];
    let assigned = to_minute(if urgency == Urgency::Routine {
        created + (wanted - created) / rng.i32(3..=8)
    } else {
        created + Duration::minutes(rng.i64(5..=15))
    });
    if assigned <= end {
        steps.push((
            InterventionStatus::Assigned,
            assigned,
            Some(world.coordinator),
            format!("Confiée à l'{team_name}").replace("l'Équipe", "l'équipe"),
        ));
        let (closing, at, by, note) = if rng.u8(0..100) < 10 {
            let at = assigned + (wanted - assigned).max(Duration::minutes(20)) / 2;
            let note = pick(rng, &texts.cancelled);
            (
                InterventionStatus::Cancelled,
                at,
                Some(world.coordinator),
                note,
            )
        } else {
            let note = match kind {
                InterventionKind::Accompaniment => pick(rng, &texts.done_accompaniment),
                InterventionKind::Delivery => delivery_done,
                _ => pick(rng, &texts.done_welfare_visit),
            };
            let at = wanted + Duration::minutes(rng.i64(60..=180));
            (InterventionStatus::Done, at, None, note)
        };
        if at <= end {
            steps.push((closing, to_minute(at), by, for_person(note, woman)));
        }
    }
    steps
}

/// Asks a field team to go, and takes the request through what happened to it by the
/// end of the story: assigned by the coordinator, then done or cancelled by the team.
#[allow(clippy::too_many_arguments)]
fn request(
    world: &World,
    tenant: &BulkTenant,
    track: &mut Track,
    made: &Made,
    kind: InterventionKind,
    urgency: Urgency,
    rng: &mut fastrand::Rng,
    bulk: &mut Bulk,
) {
    let texts = &world.inputs.interventions;
    let created = made.at;
    let delivery = &texts.delivery[rng.usize(..texts.delivery.len().max(1))];
    let (wanted, details) = wanted_and_details(world, created, kind, urgency, delivery, rng);
    let p = &tenant.person;
    let place = if kind == InterventionKind::Accompaniment {
        pick(rng, &texts.places).to_string()
    } else {
        home_of(p)
    };
    let team = team_for(world.inputs, &p.postcode);
    let team_name = world
        .inputs
        .field_team
        .get(team as usize - 1)
        .map_or("", |t| t.name.as_str());

    let steps = intervention_steps(
        world,
        made,
        kind,
        urgency,
        wanted,
        &delivery.done,
        team_name,
        track.woman,
        rng,
    );
    let (status, updated_at, _, last_note) = steps[steps.len() - 1].clone();
    if kind == InterventionKind::WelfareVisit {
        track.visit_open_until = if status.is_open() {
            DateTime::<Utc>::MAX_UTC
        } else {
            updated_at
        };
    }
    let id = bulk.interventions.len() as i64 + 1;
    let assigned = steps.len() > 1;
    bulk.interventions.push(BulkIntervention {
        id,
        tenant_id: tenant.id,
        call_id: Some(made.call_id),
        kind,
        urgency,
        status,
        wanted_at: Some(wanted),
        place,
        details: for_person(details, track.woman),
        team_id: assigned.then_some(team),
        planned_at: assigned.then_some(wanted),
        outcome: (!status.is_open()).then_some(last_note),
        created_by: made.operator,
        created_at: created,
        updated_at,
    });
    bulk.intervention_events
        .extend(
            steps
                .into_iter()
                .map(|(status, at, operator_id, note)| BulkInterventionEvent {
                    intervention_id: id,
                    status,
                    note,
                    operator_id,
                    at,
                }),
        );
}

/// `t` without its seconds: people write down times to the minute.
fn to_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp().div_euclid(60) * 60, 0).unwrap_or(t)
}

/// Where a field team finds the tenant: "12 rue de Tolbiac, Bât. B, Esc. 2, 3e, porte
/// gauche, code 27A39".
fn home_of(p: &crate::store::NewTenant) -> String {
    let floor = if p.floor == "RDC" {
        "rez-de-chaussée".to_string()
    } else {
        format!("{} étage", p.floor)
    };
    let mut parts = vec![format!("{} {}", p.address, p.postcode)];
    parts.extend(
        [p.building.clone(), p.staircase.clone()]
            .into_iter()
            .filter(|s| !s.is_empty()),
    );
    parts.push(floor);
    parts.push(format!("porte {}", p.door));
    if !p.access_code.is_empty() {
        parts.push(format!("code {}", p.access_code));
    }
    parts.join(", ")
}
