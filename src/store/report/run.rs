//! One pass over a run of calls — those that ended in `[start, end)` — read in end
//! order from the `calls_ended` index alone. The period's calls are read as one run,
//! or as consecutive runs on several threads (`calls`), each run counting what can be
//! added up afterwards: calls by outcome, their lengths, people reached each series
//! day (a day never straddles two runs), and for each tenant a mark from which the
//! people called, reached and reached since an instant are counted once all runs are in.
//!
//! The cost is per call read: the loop does no allocation, no hashing and no date
//! arithmetic but a call's length; instants are compared as text with the period's
//! boundaries, each boundary only until the first call past it.

use rusqlite::Connection;

use super::calls::{CallScan, int_at, text_at};
use super::ids::IdMap;
use super::lengths::{InstantReader, Lengths, julian_day};
use crate::domain::Outcome;
use crate::store::{Result, StoreError};

/// A tenant's mark, one `u32` so that 100,000 tenants fit in a core's cache: whether
/// they were called in the period, and the position in the run (from 1) of their last
/// reached call, 0 for none. Comparing that position with the position of the first call
/// past an instant tells whether they were reached since it.
pub(crate) const CALLED: u32 = 1 << 31;
pub(crate) const POSITION: u32 = CALLED - 1;

/// The calls of `[start, end)`; `end` is `None` when no call ended at or after the
/// period's end, so that SQLite need not compare each call with it.
pub(crate) struct Run<'a> {
    pub start: &'a str,
    pub end: Option<&'a str>,
    /// Only the calls with an id up to this one: those of the report's snapshot, when
    /// the run is read on another connection that sees later calls (calls are only
    /// ever added, each with a larger id than every call before it).
    pub last_call: Option<i64>,
    /// Sum the lengths as they come (the period's first run) or list them.
    pub sum_lengths: bool,
}

/// What one run counted.
#[derive(Debug)]
pub(crate) struct RunFigures {
    pub by_outcome: [u64; Outcome::ALL.len()],
    pub lengths: Lengths,
    /// People reached each series day that lies in the run (0 for the others).
    pub reached_per_day: Vec<u64>,
    /// Operators of the period's calls, when `CallScan::operators` asked.
    pub operators: Option<IdMap<bool>>,
    /// `CALLED` and `POSITION`, per tenant.
    pub tenants: IdMap<u32>,
    /// Positions of the first call of the run at or after the period's start, the
    /// week's start and each `CallScan::reached_since` instant; `u32::MAX` for none.
    pub from: u32,
    pub week: u32,
    pub since: Vec<u32>,
}

impl RunFigures {
    /// Whether `tenant` has a reached call in this run at or after `CallScan::reached_since[i]`.
    pub(crate) fn reached_since(&self, tenant: i64, i: usize) -> bool {
        self.tenants.get(tenant) & POSITION >= self.since[i]
    }
}

/// A boundary the pass watches for: when the first call at or after it is read, its
/// position is kept.
#[derive(Debug, Clone, Copy)]
enum Boundary {
    From,
    Week,
    Since(usize),
    /// The start of series day `i`; `i == days` is the end of the last day.
    Day(usize),
}

/// Reads the calls of `run`, in end order, on `conn`.
pub(crate) fn count_run(
    conn: &Connection,
    scan: &CallScan,
    run: &Run,
    max_tenant: i64,
) -> Result<RunFigures> {
    let days = scan.day_starts.len().saturating_sub(1);
    let mut boundaries: Vec<(&[u8], Boundary)> = [
        (scan.from.as_bytes(), Boundary::From),
        (scan.week_start.as_bytes(), Boundary::Week),
    ]
    .into_iter()
    .chain(
        scan.reached_since
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_bytes(), Boundary::Since(i))),
    )
    .chain(
        scan.day_starts
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_bytes(), Boundary::Day(i))),
    )
    .collect();
    // Stable: a day's start that equals the period's start is passed with it.
    boundaries.sort_by(|a, b| a.0.cmp(b.0));
    let mut next_boundary = 0;

    let mut figures = RunFigures {
        by_outcome: [0; Outcome::ALL.len()],
        lengths: if run.sum_lengths {
            Lengths::summed()
        } else {
            Lengths::listed()
        },
        reached_per_day: vec![0; days],
        operators: scan.operators.then(|| IdMap::with_max_id(0)),
        tenants: IdMap::with_max_id(max_tenant),
        from: u32::MAX,
        week: u32::MAX,
        since: vec![u32::MAX; scan.reached_since.len()],
    };
    // The series day of the calls being read, and the position of its first call.
    let mut day: Option<(usize, u32)> = None;
    let (mut ends, mut starts) = (InstantReader::default(), InstantReader::default());

    let sql = format!(
        "SELECT ended_at, outcome, tenant_id, started_at, operator_id FROM calls
         WHERE ended_at >= ?1{}{} ORDER BY ended_at",
        if run.end.is_some() {
            " AND ended_at < ?2"
        } else {
            ""
        },
        // `+` keeps SQLite from reading the calls by id instead of by end.
        if run.last_call.is_some() {
            " AND +id <= ?3"
        } else {
            ""
        },
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    for (i, value) in [
        Some(rusqlite::types::Value::from(run.start.to_string())),
        run.end.map(|e| e.to_string().into()),
        run.last_call.map(Into::into),
    ]
    .into_iter()
    .enumerate()
    {
        if let Some(value) = value {
            stmt.raw_bind_parameter(i + 1, value)?;
        }
    }
    let mut rows = stmt.raw_query();
    let mut position = 0u32;
    while let Some(r) = rows.next()? {
        if position == POSITION {
            return Err(StoreError::Other(
                "too many calls in one run of the report".into(),
            ));
        }
        position += 1;
        let ended = text_at(r, 0)?;
        while let Some((at, boundary)) = boundaries.get(next_boundary)
            && ended >= *at
        {
            match *boundary {
                Boundary::From => figures.from = position,
                Boundary::Week => figures.week = position,
                Boundary::Since(i) => figures.since[i] = position,
                Boundary::Day(i) => day = (i < days).then_some((i, position)),
            }
            next_boundary += 1;
        }
        let tenant = int_at(r, 2)?;
        if scan.scope.is_some_and(|s| !s.get(tenant)) {
            continue;
        }
        let outcome = outcome_of(text_at(r, 1)?);
        let reached = outcome == Some(Outcome::Reached);
        let mark = figures.tenants.get_mut(tenant);
        if reached {
            // Counted on this day unless already reached since it started.
            if let Some((d, first)) = day
                && *mark & POSITION < first
            {
                figures.reached_per_day[d] += 1;
            }
            *mark = (*mark & CALLED) | position;
        }
        if position < figures.from {
            continue;
        }
        *mark |= CALLED;
        if let Some(operators) = &mut figures.operators {
            *operators.get_mut(int_at(r, 4)?) = true;
        }
        if let Some(o) = outcome {
            // `ALL` lists the outcomes in declaration order.
            figures.by_outcome[o as usize] += 1;
        }
        // A time SQLite's julianday() could not read adds nothing, as in total().
        if let (Some(e), Some(s)) = (ends.millis(ended), starts.millis(text_at(r, 3)?)) {
            figures
                .lengths
                .add((julian_day(e) - julian_day(s)) * 86400.0, reached);
        }
    }
    Ok(figures)
}

/// An outcome from its code's bytes; reached, the commonest, is tried first.
#[inline]
fn outcome_of(code: &[u8]) -> Option<Outcome> {
    if code == b"reached" {
        return Some(Outcome::Reached);
    }
    Outcome::ALL
        .iter()
        .copied()
        .find(|o| o.code().as_bytes() == code)
}
