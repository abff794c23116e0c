//! The coordinator's live board: who is signed in and what each is doing, the calls in
//! progress, who is due, and what waits for someone (late callbacks, urgent requests
//! nobody has taken, referrals past their follow-up date). docs/REPORT.md defines each
//! figure. Everything is read in one read transaction: a snapshot, which never takes
//! the write lock, so operators' saves go on while any number of boards refresh.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::params;
use serde::Serialize;

use super::queue::IN_QUEUE;
use super::{Result, Store, rows, time};
use crate::domain::period::Period;
use crate::domain::shift::{Activity, BreakReason};
use crate::domain::{InterventionKind, Role, Rules, Urgency};

/// A shift left open longer than this is a terminal that died, not someone signed in.
pub const SIGNED_IN_AT_MOST_HOURS: i64 = 12;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Board {
    pub made_at: DateTime<Utc>,
    /// Everyone signed in, on a call first, then between calls, then on a break; the
    /// longest in their state first.
    pub operators: Vec<OperatorNow>,
    /// Tenants held by an operator now (an open, unexpired claim).
    pub calls_in_progress: u64,
    /// Tenants in the queue now, as an operator's next claim would see them.
    pub due_now: u64,
    /// Tenants who fall due later today.
    pub due_later_today: u64,
    /// Callbacks promised for a time past by more than the callback grace.
    pub callbacks_late: u64,
    /// Calls saved with the emergency protocol that no coordinator has taken yet
    /// (`veille tenants flagged`, dispatch `p`), oldest first.
    pub emergencies_waiting: Vec<EmergencyWaiting>,
    /// Emergency and urgent intervention requests no field team has been given yet,
    /// emergencies first, oldest first.
    pub unassigned: Vec<UnassignedRequest>,
    /// Open referrals whose follow-up date is before today.
    pub referrals_overdue: u64,
    pub oldest_follow_up: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperatorNow {
    pub login: String,
    pub name: String,
    pub role: Role,
    pub shift_started_at: DateTime<Utc>,
    /// Calls saved since the shift began.
    pub calls: u64,
    pub activity: Activity,
    /// What the operator added to their break's reason (empty unless on a break).
    pub break_note: String,
}

/// An emergency waiting for a coordinator, as a wall display shows it: who and since
/// when, not what was said (the dispatch screen has that).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmergencyWaiting {
    pub id: i64,
    pub tenant_name: String,
    /// The operator who made the call.
    pub operator: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnassignedRequest {
    pub id: i64,
    pub tenant_name: String,
    pub kind: InterventionKind,
    pub urgency: Urgency,
    pub created_at: DateTime<Utc>,
    /// An emergency unassigned for longer than the program's alert delay.
    pub alert: bool,
}

impl Store {
    pub fn board(&self, now: DateTime<Utc>, rules: &Rules) -> Result<Board> {
        let conn = self.read();
        // One snapshot for every figure, even while operators save calls.
        let snapshot = conn.unchecked_transaction()?;
        let today = rules.local_date(now);
        let (_, end_of_today) = Period::day(today).bounds(rules.tz);
        let now_s = time::ts(now);
        let today_s = time::day(today);

        let mut operators = self.operators_now(now)?;
        operators.sort_by_key(|o| {
            let rank = match o.activity {
                Activity::OnCall { .. } => 0,
                Activity::BetweenCalls { .. } => 1,
                Activity::OnBreak { .. } => 2,
            };
            (rank, o.activity.since(), o.name.clone())
        });
        let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<u64> {
            let n: i64 = conn.prepare_cached(sql)?.query_row(p, |r| r.get(0))?;
            Ok(n.max(0) as u64)
        };
        let calls_in_progress = count(
            "SELECT count(*) FROM claims INDEXED BY claims_one_open
             WHERE released_at IS NULL AND expires_at > ?1",
            &[&now_s],
        )?;
        let due_now = count(
            &format!(
                "SELECT count(*) FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
                 WHERE c.active = 1 AND c.starts_on <= ?2 AND {IN_QUEUE}"
            ),
            &[&now_s, &today_s],
        )?;
        let due_later_today = count(
            "SELECT count(*) FROM tenants t JOIN cohorts c ON c.id = t.cohort_id
             WHERE t.due_at IS NOT NULL
               AND (t.status = 'active' OR t.status = 'paused' OR t.status = 'hospitalised')
               AND t.due_at > ?1 AND t.due_at < ?2
               AND t.objection_at IS NULL AND c.active = 1 AND c.starts_on <= ?3",
            &[&now_s, &time::ts(end_of_today), &today_s],
        )?;
        let callbacks_late = count(
            "SELECT count(*) FROM tenants t
             WHERE t.callback_at IS NOT NULL AND t.callback_at < ?1
               AND (t.status = 'active' OR t.status = 'paused' OR t.status = 'hospitalised')
               AND t.objection_at IS NULL",
            &[&time::ts(now - rules.callback_grace)],
        )?;
        let (referrals_overdue, oldest): (i64, Option<String>) = conn
            .prepare_cached(
                "SELECT count(*), min(follow_up_on) FROM referrals
                 WHERE status IN ('proposed', 'sent', 'in_progress') AND follow_up_on < ?1",
            )?
            .query_row([&today_s], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let alert_before = now - rules.emergency_unassigned_alert;
        let unassigned = rows(
            conn,
            "SELECT i.id, trim(t.first_name || ' ' || t.last_name), i.kind, i.urgency, i.created_at
             FROM interventions i JOIN tenants t ON t.id = i.tenant_id
             WHERE i.status = 'requested' AND i.urgency IN ('emergency', 'urgent')
             ORDER BY i.urgency = 'emergency' DESC, i.created_at, i.id",
            [],
            |r| {
                let urgency =
                    Urgency::from_code(&r.get::<_, String>(3)?).unwrap_or(Urgency::Urgent);
                let created_at = time::req_ts(r.get(4)?)?;
                Ok(UnassignedRequest {
                    id: r.get(0)?,
                    tenant_name: r.get(1)?,
                    kind: InterventionKind::from_code(&r.get::<_, String>(2)?)
                        .unwrap_or(InterventionKind::Other),
                    urgency,
                    created_at,
                    alert: urgency == Urgency::Emergency && created_at <= alert_before,
                })
            },
        )?;
        let emergencies_waiting = rows(
            conn,
            "SELECT e.id, trim(t.first_name || ' ' || t.last_name), o.name, e.at
             FROM emergencies e JOIN tenants t ON t.id = e.tenant_id
             JOIN operators o ON o.id = e.operator_id
             WHERE e.taken_at IS NULL ORDER BY e.at, e.id",
            [],
            |r| {
                Ok(EmergencyWaiting {
                    id: r.get(0)?,
                    tenant_name: r.get(1)?,
                    operator: r.get(2)?,
                    at: time::req_ts(r.get(3)?)?,
                })
            },
        )?;
        snapshot.finish()?;
        Ok(Board {
            made_at: now,
            operators,
            calls_in_progress,
            due_now,
            due_later_today,
            callbacks_late,
            emergencies_waiting,
            unassigned,
            referrals_overdue: referrals_overdue.max(0) as u64,
            oldest_follow_up: oldest.map(|d| time::parse_day(&d)).transpose()?,
        })
    }

    /// Everyone with a shift open, and what they are doing.
    fn operators_now(&self, now: DateTime<Utc>) -> Result<Vec<OperatorNow>> {
        let now_s = time::ts(now);
        let since = time::ts(now - Duration::hours(SIGNED_IN_AT_MOST_HOURS));
        type Row = (
            String,
            String,
            String,
            String,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let found: Vec<Row> = rows(
            self.read(),
            "SELECT o.login, o.name, o.role, s.started_at,
                    (SELECT count(*) FROM calls c
                     WHERE c.operator_id = s.operator_id AND c.ended_at >= s.started_at),
                    (SELECT max(c.ended_at) FROM calls c WHERE c.operator_id = s.operator_id),
                    (SELECT min(k.claimed_at) FROM claims k INDEXED BY claims_one_open
                     WHERE k.released_at IS NULL AND k.operator_id = s.operator_id
                       AND k.expires_at > ?1),
                    b.started_at, b.reason, b.note
             FROM shifts s JOIN operators o ON o.id = s.operator_id
             LEFT JOIN breaks b ON b.operator_id = s.operator_id AND b.ended_at IS NULL
             WHERE s.ended_at IS NULL AND s.started_at >= ?2 AND s.started_at <= ?1
               AND s.id = (SELECT max(id) FROM shifts WHERE operator_id = s.operator_id)",
            params![now_s, since],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            },
        )?;
        found
            .into_iter()
            .map(
                |(login, name, role, started, calls, last_call, claimed, pause, reason, note)| {
                    let shift_started_at = time::parse_ts(&started)?;
                    let open_break = match (pause, reason) {
                        (Some(at), Some(reason)) => Some((
                            time::parse_ts(&at)?,
                            BreakReason::from_code(&reason).unwrap_or(BreakReason::Other),
                        )),
                        _ => None,
                    };
                    let activity = Activity::of(
                        shift_started_at,
                        last_call.as_deref().map(time::parse_ts).transpose()?,
                        claimed.as_deref().map(time::parse_ts).transpose()?,
                        open_break,
                    );
                    Ok(OperatorNow {
                        login,
                        name,
                        role: Role::from_code(&role).unwrap_or(Role::Operator),
                        shift_started_at,
                        calls: calls.max(0) as u64,
                        activity,
                        break_note: note.unwrap_or_default(),
                    })
                },
            )
            .collect()
    }
}
