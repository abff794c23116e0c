//! The end-of-shift summary of one operator, the handover note written on a shift,
//! and handing "only me" callbacks to colleagues before leaving.
//!
//! Everything is read through the operator's own rows (`calls_operator`,
//! `shifts_operator`), so a summary costs what the operator did, not what the
//! program holds. Definitions are in docs/REPORT.md.

use crate::tr;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, ToSql, params};
use serde::Serialize;

use super::report::{as_stored, count_at};
use super::{Result, Store, StoreError, rows, shifts::audit, time};
use crate::domain::period::Period;
use crate::domain::{
    InterventionKind, InterventionStatus, NeedCategory, Outcome, Urgency, Wellbeing,
};

/// What one operator did during a shift or a period, and what is left for the next shift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftSummary {
    pub operator_id: i64,
    pub operator_login: String,
    pub operator_name: String,
    /// The shift summarised; `None` for a period.
    pub shift_id: Option<i64>,
    /// The figures count what happened from `from` (included) to `to` (excluded),
    /// written as the database writes instants.
    #[serde(serialize_with = "as_stored")]
    pub from: DateTime<Utc>,
    #[serde(serialize_with = "as_stored")]
    pub to: DateTime<Utc>,
    /// The operator's shifts inside the window (one for a shift summary).
    pub shifts: Vec<ShiftLine>,
    /// Minutes of those shifts that fall inside the window.
    pub worked_minutes: i64,
    pub calls_made: u64,
    pub tenants_called_unique: u64,
    pub tenants_reached_unique: u64,
    /// Every outcome, zeros included.
    pub calls_by_outcome: BTreeMap<Outcome, u64>,
    /// Callbacks promised to tenants during the window, earliest first.
    pub callbacks_promised: Vec<CallbackLine>,
    /// Callbacks still waiting that this operator kept for themselves ("only me"),
    /// whenever they were promised: what to hand over before leaving.
    pub callbacks_kept_for_operator: Vec<CallbackLine>,
    /// Needs recorded by the window's calls, every category, zeros included.
    pub needs_by_category: BTreeMap<NeedCategory, u64>,
    pub referrals_made: u64,
    /// Referrals made, every category, zeros included.
    pub referrals_by_category: BTreeMap<NeedCategory, u64>,
    /// Referrals made per service, by category then service.
    pub referrals_by_service: Vec<ServiceCount>,
    /// Intervention requests made, most urgent first.
    pub interventions_requested: Vec<InterventionLine>,
    /// Calls saved with the emergency protocol.
    pub emergencies: u64,
    /// Calls tenants made to the program, among `calls_made`.
    pub calls_incoming: u64,
    /// Tenants a call of the window found "worried" or "urgent" (the worst of their
    /// calls), urgent first.
    pub tenants_of_concern: Vec<ConcernLine>,
    /// Tenants this operator still holds now: they are hidden from colleagues.
    pub tenants_still_claimed: Vec<ClaimLine>,
    /// Calls typed but not saved. The operator screen keeps drafts in files and fills
    /// this before showing the summary; the store cannot see them.
    pub unsaved_drafts: Vec<DraftLine>,
}

impl ShiftSummary {
    /// Whether anything is left that the next shift would otherwise not know about.
    pub fn has_loose_ends(&self) -> bool {
        !self.tenants_still_claimed.is_empty()
            || !self.unsaved_drafts.is_empty()
            || !self.callbacks_kept_for_operator.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShiftLine {
    pub shift_id: i64,
    pub started_at: DateTime<Utc>,
    /// `None` while the shift is open.
    pub ended_at: Option<DateTime<Utc>>,
    /// Length so far for an open shift.
    pub minutes: i64,
    pub handover_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallbackLine {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub callback_at: DateTime<Utc>,
    /// The callback waits for this operator (until handed over).
    pub only_me: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceCount {
    pub category: NeedCategory,
    pub service_code: String,
    pub service_name_fr: String,
    pub service_name_en: String,
    pub referrals: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterventionLine {
    pub intervention_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub kind: InterventionKind,
    pub urgency: Urgency,
    pub status: InterventionStatus,
    pub wanted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConcernLine {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub wellbeing: Wellbeing,
    /// The last call of the window that found them so.
    pub call_ended_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimLine {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub claimed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftLine {
    pub tenant_id: i64,
    pub tenant_name: String,
    pub saved_at: Option<DateTime<Utc>>,
}

/// A handover note as the next shift reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HandoverNote {
    pub shift_id: i64,
    pub operator_id: i64,
    pub operator_name: String,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub note: String,
}

/// "Mme Hélène Dupont": title, first name, last name, the empty parts left out.
pub(crate) fn person_name(title: &str, first: &str, last: &str) -> String {
    [title, first, last]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The tenant's name columns, in `person_name` order, for a table aliased `t`.
pub(crate) const TENANT_NAME: &str = "t.title, t.first_name, t.last_name";

fn name_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<String> {
    Ok(person_name(
        &r.get::<_, String>(i)?,
        &r.get::<_, String>(i + 1)?,
        &r.get::<_, String>(i + 2)?,
    ))
}

/// A shift as stored, with the instant its summary window closes (excluded).
struct ShiftRow {
    line: ShiftLine,
    operator_id: i64,
    /// Where the shift ends: its end, the next shift's start, or now.
    end: DateTime<Utc>,
    window_end: DateTime<Utc>,
}

/// One millisecond: times are stored to the millisecond, so `< t + 1 ms` is `<= t`.
fn just_after(t: DateTime<Utc>) -> DateTime<Utc> {
    t + Duration::milliseconds(1)
}

impl Store {
    /// The operator's most recent shift (open or ended), if they ever started one.
    pub fn last_shift(&self, operator: i64) -> Result<Option<i64>> {
        Ok(self
            .read()
            .query_row(
                "SELECT id FROM shifts WHERE operator_id = ?1
                 ORDER BY started_at DESC, id DESC LIMIT 1",
                [operator],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The summary of one shift: what its operator did from its start to its end.
    /// A shift still open ends now; one never ended (a terminal that died) ends when
    /// the same operator started their next shift.
    pub fn shift_summary(&self, shift: i64, now: DateTime<Utc>) -> Result<ShiftSummary> {
        let row = self.shift_row(shift, now)?;
        let from = row.line.started_at;
        let to = row.window_end;
        let operator = row.operator_id;
        let mut summary = self.summarise(operator, from, to, vec![row.line], now)?;
        summary.shift_id = Some(shift);
        Ok(summary)
    }

    /// The summary of what `operator` did over whole local days.
    pub fn period_summary(
        &self,
        operator: i64,
        period: Period,
        now: DateTime<Utc>,
        tz: Tz,
    ) -> Result<ShiftSummary> {
        let (from, to) = period.bounds(tz);
        let shifts = rows(
            self.read(),
            "SELECT id FROM shifts WHERE operator_id = ?1 AND started_at < ?3
               AND (ended_at IS NULL OR ended_at >= ?2)
             ORDER BY started_at, id",
            params![operator, time::ts(from), time::ts(to)],
            |r| r.get::<_, i64>(0),
        )?;
        let mut lines = Vec::with_capacity(shifts.len());
        for id in shifts {
            let row = self.shift_row(id, now)?;
            // Only the part of each shift inside the period counts as worked time there.
            let start = row.line.started_at.max(from);
            let end = row.end.min(to);
            if end <= start {
                continue;
            }
            lines.push(ShiftLine {
                minutes: (end - start).num_minutes(),
                ..row.line
            });
        }
        self.summarise(operator, from, to, lines, now)
    }

    fn shift_row(&self, shift: i64, now: DateTime<Utc>) -> Result<ShiftRow> {
        let found = self
            .read()
            .query_row(
                "SELECT s.operator_id, s.started_at, s.ended_at, substr(s.handover_note, 1, 2000),
                        (SELECT min(n.started_at) FROM shifts n
                         WHERE n.operator_id = s.operator_id AND n.started_at > s.started_at)
                 FROM shifts s WHERE s.id = ?1",
                [shift],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        time::req_ts(r.get(1)?)?,
                        time::opt_ts(r.get(2)?)?,
                        r.get::<_, String>(3)?,
                        time::opt_ts(r.get(4)?)?,
                    ))
                },
            )
            .optional()?;
        let (operator_id, started_at, ended_at, handover_note, next_start) =
            found.ok_or_else(|| {
                StoreError::NotFound(tr!(
                    "il n'y a pas de service {shift}",
                    "there is no shift {shift}"
                ))
            })?;
        // The end counts (a call saved as the shift ends is the shift's), except when it
        // is the next shift's start.
        let (end, window_end) = match (ended_at, next_start) {
            (Some(end), _) => (end, just_after(end)),
            (None, Some(next)) => (next, next),
            (None, None) => (now, just_after(now)),
        };
        Ok(ShiftRow {
            line: ShiftLine {
                shift_id: shift,
                started_at,
                ended_at,
                minutes: (end - started_at).num_minutes().max(0),
                handover_note,
            },
            operator_id,
            end,
            window_end,
        })
    }

    /// Every figure of the summary, read in one snapshot so colleagues saving calls
    /// meanwhile cannot make the figures disagree with each other.
    fn summarise(
        &self,
        operator: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        shifts: Vec<ShiftLine>,
        now: DateTime<Utc>,
    ) -> Result<ShiftSummary> {
        let conn = self.read();
        // One snapshot for every figure, even while colleagues save calls.
        let snapshot = conn.unchecked_transaction()?;
        let (login, name) = operator_names(&snapshot, operator)?;
        let window = params![operator, time::ts(from), time::ts(to)];
        let calls = window_calls(&snapshot, window)?;
        let tally = tally_calls(&calls, operator);
        let needs_by_category = needs_by_category(&snapshot, window)?;
        let referrals_by_service = referrals_by_service(&snapshot, window)?;
        let referrals_by_category = referrals_by_category(&referrals_by_service);
        let interventions_requested = interventions_requested(&snapshot, window)?;
        let emergencies: i64 = snapshot.query_row(
            "SELECT count(*) FROM emergencies WHERE operator_id = ?1 AND at >= ?2 AND at < ?3",
            window,
            |r| r.get(0),
        )?;
        let calls_incoming: i64 = snapshot.query_row(
            "SELECT count(*) FROM calls INDEXED BY calls_incoming
             WHERE incoming AND operator_id = ?1 AND ended_at >= ?2 AND ended_at < ?3",
            window,
            |r| r.get(0),
        )?;
        let callbacks_kept_for_operator = callbacks_kept_for(&snapshot, operator)?;
        let tenants_still_claimed = tenants_still_claimed(&snapshot, operator, now)?;
        snapshot.finish()?;

        let worked_minutes = shifts.iter().map(|s| s.minutes).sum();
        Ok(ShiftSummary {
            operator_id: operator,
            operator_login: login,
            operator_name: name,
            shift_id: None,
            from,
            to,
            shifts,
            worked_minutes,
            calls_made: calls.len() as u64,
            tenants_called_unique: tally.called,
            tenants_reached_unique: tally.reached,
            calls_by_outcome: tally.calls_by_outcome,
            callbacks_promised: tally.callbacks_promised,
            callbacks_kept_for_operator,
            needs_by_category,
            referrals_made: referrals_by_service.iter().map(|s| s.referrals).sum(),
            referrals_by_category,
            referrals_by_service,
            interventions_requested,
            emergencies: emergencies.unsigned_abs(),
            calls_incoming: calls_incoming.unsigned_abs(),
            tenants_of_concern: tally.tenants_of_concern,
            tenants_still_claimed,
            unsaved_drafts: Vec::new(),
        })
    }

    /// Writes (or replaces) the handover note of `operator`'s own shift.
    pub fn write_handover_note(
        &mut self,
        shift: i64,
        operator: i64,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let note = note.trim();
        self.write(|tx| {
            let owner: Option<i64> = tx
                .query_row(
                    "SELECT operator_id FROM shifts WHERE id = ?1",
                    [shift],
                    |r| r.get(0),
                )
                .optional()?;
            match owner {
                None => {
                    return Err(StoreError::NotFound(tr!("il n'y a pas de service {shift}", "there is no shift {shift}")));
                }
                Some(o) if o != operator => {
                    return Err(StoreError::Invalid(tr!(
                        "le service {shift} est celui d'un collègue : seul son opérateur écrit sa note de passation",
                        "shift {shift} is a colleague's: only its operator writes its handover note"
                    )));
                }
                Some(_) => {}
            }
            tx.execute(
                "UPDATE shifts SET handover_note = ?2 WHERE id = ?1",
                params![shift, note],
            )?;
            // The note itself may speak of a tenant's health: the log says only that it was written.
            audit(
                tx,
                now,
                Some(operator),
                "handover_note",
                None,
                &format!("shift {shift}, {} characters", note.chars().count()),
            )
        })
    }

    /// The handover notes of shifts that ended during `period` (or started in it and are
    /// still open), oldest first: what the next shift reads.
    pub fn handover_notes(&self, period: Period, tz: Tz) -> Result<Vec<HandoverNote>> {
        let (from, to) = period.bounds(tz);
        rows(
            self.read(),
            "SELECT s.id, s.operator_id, o.name, s.started_at, s.ended_at, substr(s.handover_note, 1, 2000)
             FROM shifts s JOIN operators o ON o.id = s.operator_id
             WHERE s.handover_note <> ''
               AND coalesce(s.ended_at, s.started_at) >= ?1
               AND coalesce(s.ended_at, s.started_at) < ?2
             ORDER BY coalesce(s.ended_at, s.started_at), s.id",
            params![time::ts(from), time::ts(to)],
            |r| {
                Ok(HandoverNote {
                    shift_id: r.get(0)?,
                    operator_id: r.get(1)?,
                    operator_name: r.get(2)?,
                    started_at: time::req_ts(r.get(3)?)?,
                    ended_at: time::opt_ts(r.get(4)?)?,
                    note: r.get(5)?,
                })
            },
        )
    }

    /// Hands every callback `operator` kept for themselves to the whole team (`to` is
    /// `None`) or to one colleague. Returns the tenants handed over. One transaction;
    /// each tenant handed over is a line of the audit log.
    pub fn hand_over_callbacks(
        &mut self,
        operator: i64,
        to: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        if to == Some(operator) {
            return Err(StoreError::Invalid(tr!(
                "ces rappels sont déjà les vôtres : choisissez un collègue ou toute l'équipe",
                "these callbacks are already yours: choose a colleague or the whole team"
            )));
        }
        self.write(|tx| {
            let to_login = match to {
                None => None,
                Some(id) => Some(
                    tx.query_row(
                        "SELECT login FROM operators WHERE id = ?1 AND active = 1",
                        [id],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?
                    .ok_or_else(|| {
                        StoreError::NotFound(tr!(
                            "il n'y a pas d'opérateur actif {id} à qui confier les rappels",
                            "there is no active operator {id} to hand the callbacks to"
                        ))
                    })?,
                ),
            };
            let tenants: Vec<i64> = rows(
                tx,
                "UPDATE tenants SET callback_operator_id = ?2, updated_at = ?3
                 WHERE callback_at IS NOT NULL AND callback_operator_id = ?1
                 RETURNING id",
                params![operator, to, time::ts(now)],
                |r| r.get(0),
            )?;
            let details = match &to_login {
                Some(login) => format!("callback handed to {login}"),
                None => "callback handed to the whole team".to_string(),
            };
            for tenant in &tenants {
                audit(
                    tx,
                    now,
                    Some(operator),
                    "hand_over_callback",
                    Some(*tenant),
                    &details,
                )?;
            }
            let mut sorted = tenants;
            sorted.sort_unstable();
            Ok(sorted)
        })
    }
}

/// The summary window's parameters: the operator, then `from` (included) and `to`
/// (excluded) as stored.
type Window<'a> = &'a [&'a dyn ToSql];

fn operator_names(conn: &Connection, operator: i64) -> Result<(String, String)> {
    conn.query_row(
        "SELECT login, name FROM operators WHERE id = ?1",
        [operator],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()?
    .ok_or_else(|| {
        StoreError::NotFound(tr!(
            "il n'y a pas d'opérateur {operator}",
            "there is no operator {operator}"
        ))
    })
}

/// A call of the window, with the callback its tenant waits for now.
struct CallRow {
    tenant_id: i64,
    tenant_name: String,
    ended_at: DateTime<Utc>,
    outcome: Option<Outcome>,
    wellbeing: Option<Wellbeing>,
    callback_at: Option<DateTime<Utc>>,
    tenant_callback_at: Option<DateTime<Utc>>,
    tenant_callback_operator: Option<i64>,
}

fn window_calls(conn: &Connection, window: Window) -> Result<Vec<CallRow>> {
    rows(
        conn,
        &format!(
            "SELECT c.tenant_id, {TENANT_NAME}, c.ended_at, c.outcome, c.wellbeing, c.callback_at,
                    t.callback_at, t.callback_operator_id
             FROM calls c JOIN tenants t ON t.id = c.tenant_id
             WHERE c.operator_id = ?1 AND c.ended_at >= ?2 AND c.ended_at < ?3
             ORDER BY c.ended_at, c.id"
        ),
        window,
        |r| {
            Ok(CallRow {
                tenant_id: r.get(0)?,
                tenant_name: name_at(r, 1)?,
                ended_at: time::req_ts(r.get(4)?)?,
                outcome: Outcome::from_code(&r.get::<_, String>(5)?),
                wellbeing: r
                    .get::<_, Option<String>>(6)?
                    .and_then(|w| Wellbeing::from_code(&w)),
                callback_at: time::opt_ts(r.get(7)?)?,
                tenant_callback_at: time::opt_ts(r.get(8)?)?,
                tenant_callback_operator: r.get(9)?,
            })
        },
    )
}

/// The figures drawn from the window's calls themselves.
struct CallTally {
    called: u64,
    reached: u64,
    calls_by_outcome: BTreeMap<Outcome, u64>,
    callbacks_promised: Vec<CallbackLine>,
    tenants_of_concern: Vec<ConcernLine>,
}

fn tally_calls(calls: &[CallRow], operator: i64) -> CallTally {
    let mut calls_by_outcome: BTreeMap<Outcome, u64> =
        Outcome::ALL.iter().map(|o| (*o, 0)).collect();
    let mut called = HashSet::new();
    let mut reached = HashSet::new();
    let mut concern: HashMap<i64, ConcernLine> = HashMap::new();
    let mut callbacks_promised = Vec::new();
    for c in calls {
        called.insert(c.tenant_id);
        if let Some(o) = c.outcome {
            *calls_by_outcome.entry(o).or_default() += 1;
        }
        if c.outcome == Some(Outcome::Reached) {
            reached.insert(c.tenant_id);
        }
        if let Some(w @ (Wellbeing::Worried | Wellbeing::Urgent)) = c.wellbeing {
            note_concern(&mut concern, c, w);
        }
        if let Some(at) = c.callback_at {
            callbacks_promised.push(CallbackLine {
                tenant_id: c.tenant_id,
                tenant_name: c.tenant_name.clone(),
                callback_at: at,
                only_me: c.tenant_callback_at == Some(at)
                    && c.tenant_callback_operator == Some(operator),
            });
        }
    }
    callbacks_promised.sort_by_key(|c| (c.callback_at, c.tenant_id));
    let mut tenants_of_concern: Vec<ConcernLine> = concern.into_values().collect();
    tenants_of_concern.sort_by(|a, b| {
        b.wellbeing
            .cmp(&a.wellbeing)
            .then(a.tenant_name.cmp(&b.tenant_name))
            .then(a.tenant_id.cmp(&b.tenant_id))
    });
    CallTally {
        called: called.len() as u64,
        reached: reached.len() as u64,
        calls_by_outcome,
        callbacks_promised,
        tenants_of_concern,
    }
}

/// Keeps, per tenant, the worst wellbeing found and the last call that found it.
fn note_concern(concern: &mut HashMap<i64, ConcernLine>, c: &CallRow, w: Wellbeing) {
    let line = concern.entry(c.tenant_id).or_insert(ConcernLine {
        tenant_id: c.tenant_id,
        tenant_name: c.tenant_name.clone(),
        wellbeing: w,
        call_ended_at: c.ended_at,
    });
    if w >= line.wellbeing {
        line.wellbeing = w;
        line.call_ended_at = c.ended_at;
    }
}

fn needs_by_category(conn: &Connection, window: Window) -> Result<BTreeMap<NeedCategory, u64>> {
    let mut needs_by_category: BTreeMap<NeedCategory, u64> =
        NeedCategory::ALL.iter().map(|c| (*c, 0)).collect();
    for (category, n) in rows(
        conn,
        "SELECT n.category, count(*) FROM calls c JOIN needs n ON n.call_id = c.id
         WHERE c.operator_id = ?1 AND c.ended_at >= ?2 AND c.ended_at < ?3
         GROUP BY n.category",
        window,
        |r| Ok((r.get::<_, String>(0)?, count_at(r, 1)?)),
    )? {
        if let Some(c) = NeedCategory::from_code(&category) {
            *needs_by_category.entry(c).or_default() += n;
        }
    }
    Ok(needs_by_category)
}

fn referrals_by_service(conn: &Connection, window: Window) -> Result<Vec<ServiceCount>> {
    rows(
        conn,
        "SELECT r.category, s.code, s.name_fr, s.name_en, count(*)
         FROM referrals r JOIN services s ON s.id = r.service_id
         WHERE r.created_by = ?1 AND r.created_at >= ?2 AND r.created_at < ?3
         GROUP BY r.category, s.id ORDER BY r.category, s.name_fr",
        window,
        |r| {
            Ok(ServiceCount {
                category: NeedCategory::from_code(&r.get::<_, String>(0)?)
                    .unwrap_or(NeedCategory::Other),
                service_code: r.get(1)?,
                service_name_fr: r.get(2)?,
                service_name_en: r.get(3)?,
                referrals: count_at(r, 4)?,
            })
        },
    )
}

fn referrals_by_category(by_service: &[ServiceCount]) -> BTreeMap<NeedCategory, u64> {
    let mut referrals_by_category: BTreeMap<NeedCategory, u64> =
        NeedCategory::ALL.iter().map(|c| (*c, 0)).collect();
    for s in by_service {
        *referrals_by_category.entry(s.category).or_default() += s.referrals;
    }
    referrals_by_category
}

/// The intervention requests of the window, most urgent first.
fn interventions_requested(conn: &Connection, window: Window) -> Result<Vec<InterventionLine>> {
    let mut interventions_requested = rows(
        conn,
        &format!(
            "SELECT i.id, i.tenant_id, {TENANT_NAME}, i.kind, i.urgency, i.status, i.wanted_at,
                    i.created_at
             FROM interventions i JOIN tenants t ON t.id = i.tenant_id
             WHERE i.created_by = ?1 AND i.created_at >= ?2 AND i.created_at < ?3"
        ),
        window,
        |r| {
            Ok(InterventionLine {
                intervention_id: r.get(0)?,
                tenant_id: r.get(1)?,
                tenant_name: name_at(r, 2)?,
                kind: InterventionKind::from_code(&r.get::<_, String>(5)?)
                    .unwrap_or(InterventionKind::Other),
                urgency: Urgency::from_code(&r.get::<_, String>(6)?).unwrap_or(Urgency::Emergency),
                status: InterventionStatus::from_code(&r.get::<_, String>(7)?)
                    .unwrap_or(InterventionStatus::Requested),
                wanted_at: time::opt_ts(r.get(8)?)?,
                created_at: time::req_ts(r.get(9)?)?,
            })
        },
    )?;
    interventions_requested.sort_by(|a, b| {
        b.urgency
            .cmp(&a.urgency)
            .then(a.created_at.cmp(&b.created_at))
    });
    Ok(interventions_requested)
}

/// Callbacks still waiting that `operator` kept for themselves, whenever promised.
fn callbacks_kept_for(conn: &Connection, operator: i64) -> Result<Vec<CallbackLine>> {
    rows(
        conn,
        &format!(
            "SELECT t.id, {TENANT_NAME}, t.callback_at FROM tenants t
             WHERE t.callback_at IS NOT NULL AND t.callback_operator_id = ?1
             ORDER BY t.callback_at, t.id"
        ),
        [operator],
        |r| {
            Ok(CallbackLine {
                tenant_id: r.get(0)?,
                tenant_name: name_at(r, 1)?,
                callback_at: time::req_ts(r.get(4)?)?,
                only_me: true,
            })
        },
    )
}

fn tenants_still_claimed(
    conn: &Connection,
    operator: i64,
    now: DateTime<Utc>,
) -> Result<Vec<ClaimLine>> {
    rows(
        conn,
        &format!(
            "SELECT k.tenant_id, {TENANT_NAME}, k.claimed_at, k.expires_at
             FROM claims k INDEXED BY claims_one_open JOIN tenants t ON t.id = k.tenant_id
             WHERE k.operator_id = ?1 AND k.released_at IS NULL AND k.expires_at > ?2
             ORDER BY k.id"
        ),
        params![operator, time::ts(now)],
        |r| {
            Ok(ClaimLine {
                tenant_id: r.get(0)?,
                tenant_name: name_at(r, 1)?,
                claimed_at: time::req_ts(r.get(4)?)?,
                expires_at: time::req_ts(r.get(5)?)?,
            })
        },
    )
}
