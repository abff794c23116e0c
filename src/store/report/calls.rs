//! The report's figures about calls, counted in one pass over the calls of the period
//! read in end order from the `calls_ended` index alone: calls by outcome and their
//! length, people called and reached, people reached this week and each day of the
//! series, and for "due this week" whether a tenant was reached since a given instant.
//! Counting people here, with a mark per tenant, replaces SQLite's `count(DISTINCT …)`,
//! whose temporary B-trees took seconds over a million calls; the definitions stay
//! those of docs/REPORT.md.
//!
//! Over many calls the pass is cut into consecutive runs of about as many calls, one
//! per core, each read on its own connection (`run`), and their figures added up.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::ids::IdMap;
use super::lengths::Lengths;
use super::run::{CALLED, POSITION, Run, RunFigures, count_run};
use crate::domain::Outcome;
use crate::store::{Result, StoreError, time};

/// Calls a run must hold for a thread of its own to pay: a connection opened and a
/// thread started cost about a millisecond, a hundred thousand calls about fifty.
const CALLS_PER_THREAD: i64 = 100_000;

/// What to count, as instants written as the database writes them (text order is time
/// order, so the pass compares text exactly as SQL does).
pub(crate) struct CallScan<'a> {
    /// The period: `[from, to)`.
    pub from: String,
    pub to: String,
    /// Reached calls from here to `to` count as reached this week.
    pub week_start: String,
    /// The series: day `i` is `[day_starts[i], day_starts[i + 1])`.
    pub day_starts: Vec<String>,
    /// Instants for which `CallFigures::reached_since` must answer.
    pub reached_since: Vec<String>,
    /// Only these tenants' calls count (a cohort); every call when `None`.
    pub scope: Option<&'a IdMap<bool>>,
    /// Count the operators of the period's calls (which costs a column read per call).
    pub operators: bool,
}

impl CallScan<'_> {
    /// A day's `[start, end)` for each of `days` (consecutive), as `day_starts` wants them.
    pub(crate) fn day_starts(
        days: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    ) -> Vec<String> {
        let mut starts = Vec::new();
        let mut end = None;
        for (a, b) in days {
            starts.push(time::ts(a));
            end = Some(b);
        }
        starts.extend(end.map(time::ts));
        starts
    }
}

#[derive(Debug)]
pub(crate) struct CallFigures {
    /// Every outcome, zeros included.
    pub by_outcome: BTreeMap<Outcome, u64>,
    /// Total length in seconds of the period's calls, and of its reached calls, as
    /// SQLite's total() of their julianday() differences gives it.
    pub seconds: f64,
    pub reached_seconds: f64,
    pub tenants_called_unique: u64,
    pub tenants_reached_unique: u64,
    pub week_reached_unique: u64,
    /// Operators who ended calls in the period, when `CallScan::operators` asked.
    pub operators_active_unique: Option<u64>,
    /// People reached each day of the series.
    pub reached_per_day: Vec<u64>,
    /// Each run's marks, oldest run first.
    runs: Vec<RunFigures>,
}

impl CallFigures {
    /// Whether `tenant` has a reached call from `CallScan::reached_since[i]` to `to`.
    pub(crate) fn reached_since(&self, tenant: i64, i: usize) -> bool {
        self.runs.iter().any(|run| run.reached_since(tenant, i))
    }
}

/// Reads the calls from the earliest instant `scan` needs to `to`, once, in end order,
/// on `conn` (whose snapshot every figure comes from). With the database's path, many
/// calls are read in runs on as many threads as there are cores.
pub(crate) fn count_calls(
    conn: &Connection,
    db: Option<&Path>,
    scan: &CallScan,
) -> Result<CallFigures> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    count_calls_in_runs(conn, db, scan, threads, CALLS_PER_THREAD)
}

fn count_calls_in_runs(
    conn: &Connection,
    db: Option<&Path>,
    scan: &CallScan,
    threads: usize,
    calls_per_thread: i64,
) -> Result<CallFigures> {
    let start = scan
        .day_starts
        .iter()
        .take(1)
        .chain([&scan.week_start])
        .chain(&scan.reached_since)
        .fold(&scan.from, |a, b| a.min(b));
    let (last_call, last_end, max_tenant): (Option<i64>, Option<String>, i64) = conn.query_row(
        "SELECT (SELECT max(id) FROM calls), (SELECT max(ended_at) FROM calls),
                (SELECT coalesce(max(id), 0) FROM tenants)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    // When the period ends after the last call, as a report up to today does, SQLite
    // need not compare every call with its end.
    let end = last_end
        .is_some_and(|last| last >= scan.to)
        .then_some(scan.to.as_str());
    let cuts = match (db, last_call) {
        (Some(_), Some(last_call)) if threads > 1 => {
            cuts(conn, scan, start, last_call, threads, calls_per_thread)?
        }
        _ => Vec::new(),
    };
    let starts: Vec<&str> = std::iter::once(start.as_str())
        .chain(cuts.iter().map(String::as_str))
        .collect();
    let runs: Vec<Run> = starts
        .iter()
        .enumerate()
        .map(|(i, start)| Run {
            start,
            end: starts.get(i + 1).copied().or(end),
            last_call: None,
            sum_lengths: i == 0,
        })
        .collect();

    let runs: Vec<RunFigures> = match (db, &runs[..]) {
        (Some(db), [first, later @ ..]) if !later.is_empty() => std::thread::scope(|s| {
            let later: Vec<_> = later
                .iter()
                .map(|run| s.spawn(move || count_run_apart(db, scan, run, last_call, max_tenant)))
                .collect();
            let first = count_run(conn, scan, first, max_tenant);
            std::iter::once(first)
                .chain(later.into_iter().map(|thread| {
                    thread.join().unwrap_or_else(|_| {
                        Err(StoreError::Other("a thread of the report stopped".into()))
                    })
                }))
                .collect::<Result<_>>()
        })?,
        _ => runs
            .iter()
            .map(|run| count_run(conn, scan, run, max_tenant))
            .collect::<Result<_>>()?,
    };
    Ok(add_up(runs, scan, max_tenant))
}

/// Reads `run` on a connection of its own, opened after `conn`'s snapshot was taken:
/// it sees every call the snapshot holds, and maybe calls saved since, which it leaves
/// out by id.
fn count_run_apart(
    db: &Path,
    scan: &CallScan,
    run: &Run,
    last_call: Option<i64>,
    max_tenant: i64,
) -> Result<RunFigures> {
    // The flags the store opens the file with, read-only.
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let snapshot = conn.unchecked_transaction()?;
    let seen: Option<i64> = snapshot.query_row("SELECT max(id) FROM calls", [], |r| r.get(0))?;
    if seen < last_call {
        return Err(StoreError::Other(
            "calls were removed while the report was read".into(),
        ));
    }
    let run = Run {
        last_call: (seen != last_call).then_some(last_call).flatten(),
        ..*run
    };
    count_run(&snapshot, scan, &run, max_tenant)
}

/// Where to cut the calls from `start` into runs of about as many calls, one per
/// thread: at the end of the calls whose ids share the run out evenly (ids follow
/// saving order, nearly end order; an uneven cut costs time, never a figure). A cut
/// inside a series day moves back to the day's start, so each day lies in one run.
fn cuts(
    conn: &Connection,
    scan: &CallScan,
    start: &str,
    last_call: i64,
    threads: usize,
    calls_per_thread: i64,
) -> Result<Vec<String>> {
    let first: Option<i64> = conn
        .query_row(
            "SELECT id FROM calls WHERE ended_at >= ?1 ORDER BY ended_at LIMIT 1",
            [start],
            |r| r.get(0),
        )
        .optional()?;
    let Some(first) = first else {
        return Ok(Vec::new());
    };
    let calls = last_call - first + 1;
    let runs = (threads as i64).min(calls / calls_per_thread.max(1)).max(1);
    let mut cuts: Vec<String> = Vec::new();
    for k in 1..runs {
        let at: Option<String> = conn
            .query_row(
                "SELECT ended_at FROM calls WHERE id >= ?1 ORDER BY id LIMIT 1",
                [first + calls * k / runs],
                |r| r.get(0),
            )
            .optional()?;
        let Some(mut at) = at else { continue };
        if let (Some(first_day), Some(end)) = (scan.day_starts.first(), scan.day_starts.last())
            && *first_day <= at
            && at < *end
            && let Some(day) = scan.day_starts.iter().rev().find(|d| **d <= at)
        {
            at.clone_from(day);
        }
        if at.as_str() > start && at < scan.to && cuts.last().is_none_or(|c| *c < at) {
            cuts.push(at);
        }
    }
    Ok(cuts)
}

/// The figures of consecutive runs, oldest first, added up: people are counted once
/// over all runs from their marks.
fn add_up(mut runs: Vec<RunFigures>, scan: &CallScan, max_tenant: i64) -> CallFigures {
    let mut by_outcome = [0u64; Outcome::ALL.len()];
    let mut reached_per_day = vec![0; scan.day_starts.len().saturating_sub(1)];
    for run in &runs {
        by_outcome
            .iter_mut()
            .zip(run.by_outcome)
            .for_each(|(a, b)| *a += b);
        reached_per_day
            .iter_mut()
            .zip(&run.reached_per_day)
            .for_each(|(a, b)| *a += b);
    }
    let (seconds, reached_seconds) = Lengths::seconds(
        runs.iter_mut()
            .map(|run| std::mem::replace(&mut run.lengths, Lengths::listed())),
    );

    // Called, reached and reached this week, one bit each, per tenant over all runs.
    const CALLED_BIT: u8 = 1;
    const REACHED_BIT: u8 = 2;
    const WEEK_BIT: u8 = 4;
    let mut people: IdMap<u8> = IdMap::with_max_id(max_tenant);
    let mut counts = [0u64; 3];
    let mut operators: Option<IdMap<bool>> = scan.operators.then(|| IdMap::with_max_id(0));
    let mut operators_active = 0;
    for run in &runs {
        for (tenant, mark) in run.tenants.entries() {
            let last = mark & POSITION;
            let bits = if mark & CALLED != 0 { CALLED_BIT } else { 0 }
                | if last >= run.from { REACHED_BIT } else { 0 }
                | if last >= run.week { WEEK_BIT } else { 0 };
            let seen = people.get_mut(tenant);
            let new = bits & !*seen;
            *seen |= bits;
            for (i, count) in counts.iter_mut().enumerate() {
                *count += u64::from(new >> i & 1);
            }
        }
        if let (Some(all), Some(these)) = (&mut operators, &run.operators) {
            for (operator, _) in these.entries() {
                let seen = all.get_mut(operator);
                operators_active += u64::from(!*seen);
                *seen = true;
            }
        }
    }
    CallFigures {
        by_outcome: Outcome::ALL.iter().copied().zip(by_outcome).collect(),
        seconds,
        reached_seconds,
        tenants_called_unique: counts[0],
        tenants_reached_unique: counts[1],
        week_reached_unique: counts[2],
        operators_active_unique: operators.map(|_| operators_active),
        reached_per_day,
        runs,
    }
}

/// A text column's bytes, borrowed from the row (no copy per call read).
#[inline]
pub(crate) fn text_at<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r [u8]> {
    let v = r.get_ref(i)?;
    v.as_bytes()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e)))
}

#[inline]
pub(crate) fn int_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<i64> {
    let v = r.get_ref(i)?;
    v.as_i64()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e)))
}

/// The same as text (codes are ASCII).
pub(crate) fn str_at<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r str> {
    std::str::from_utf8(text_at(r, i)?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

#[cfg(test)]
mod tests {
    use chrono::Days;

    use super::*;
    use crate::domain::period::{self, Period};
    use crate::store::Store;

    /// Every figure a pass gives, as one comparable value.
    fn figures(c: &CallFigures, reached_since: usize) -> String {
        let since: Vec<Vec<bool>> = (0..reached_since)
            .map(|i| (0..=320).map(|t| c.reached_since(t, i)).collect())
            .collect();
        format!(
            "{:?} {:x} {:x} {} {} {} {:?} {:?} {since:?}",
            c.by_outcome,
            c.seconds.to_bits(),
            c.reached_seconds.to_bits(),
            c.tenants_called_unique,
            c.tenants_reached_unique,
            c.week_reached_unique,
            c.operators_active_unique,
            c.reached_per_day,
        )
    }

    /// A demo database of `tenants` with `weeks` of calls up to 28 November 2026.
    fn demo_file(path: &std::path::Path, tenants: usize, weeks: u32, seed: u64) -> Store {
        let params = crate::demo::Params {
            tenants,
            weeks,
            seed,
            now: "2026-11-28T09:00:00Z".parse().unwrap(),
            lang: crate::i18n::Lang::En,
        };
        let mut store = Store::open(path).unwrap();
        for (k, v) in crate::demo::settings(&params) {
            store.set_setting(&k, &v).unwrap();
        }
        let rules = store.rules().unwrap();
        let bulk = crate::demo::generate(&params, &rules, &store.services().unwrap()).unwrap();
        store.insert_bulk(&bulk).unwrap();
        store
    }

    #[test]
    fn calls_read_in_runs_on_threads_count_as_one_pass() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("veille.db");
        let store = demo_file(&path, 300, 10, 11);
        let tz = store.rules().unwrap().tz;
        let start = store.program_start(tz).unwrap().unwrap();
        let day = |s: &str| s.parse().unwrap();
        let mut scope = IdMap::with_max_id(0);
        for t in (1..=300).filter(|t| t % 3 != 0) {
            *scope.get_mut(t) = true;
        }
        let conn = store.read();
        let mut cut = 0;
        for (since, until) in [
            (start, day("2026-11-28")),
            (day("2026-10-05"), day("2026-11-08")),
            (day("2026-11-23"), day("2026-11-28")),
        ] {
            let period = Period::new(since, until).unwrap();
            let (from, to) = period.bounds(tz);
            let monday = period::week_monday(until);
            let week_start = period::start_of(monday, tz);
            for (scope, operators) in [(None, true), (Some(&scope), false)] {
                let scan = CallScan {
                    from: time::ts(from),
                    to: time::ts(to),
                    week_start: time::ts(week_start),
                    day_starts: CallScan::day_starts(
                        period
                            .last_days(28)
                            .days()
                            .map(|d| Period::day(d).bounds(tz)),
                    ),
                    reached_since: [7, 14]
                        .map(|d| time::ts(week_start - Days::new(d)))
                        .to_vec(),
                    scope,
                    operators,
                };
                let one = count_calls_in_runs(conn, Some(&path), &scan, 1, 1).unwrap();
                assert_eq!(one.runs.len(), 1);
                for threads in [2, 3, 7] {
                    let runs = count_calls_in_runs(conn, Some(&path), &scan, threads, 1).unwrap();
                    cut += runs.runs.len() - 1;
                    assert_eq!(
                        figures(&runs, 2),
                        figures(&one, 2),
                        "{period:?} {threads} threads"
                    );
                }
            }
        }
        assert!(cut > 10, "the calls were cut into runs {cut} times");
    }

    #[test]
    fn a_run_leaves_out_the_calls_saved_after_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("veille.db");
        let store = demo_file(&path, 50, 3, 5);
        let scan = CallScan {
            from: "2026-01-01T00:00:00.000Z".into(),
            to: "2027-01-01T00:00:00.000Z".into(),
            week_start: "2026-11-23T00:00:00.000Z".into(),
            day_starts: Vec::new(),
            reached_since: Vec::new(),
            scope: None,
            operators: true,
        };
        let conn = store.read();
        let before = count_calls_in_runs(conn, Some(&path), &scan, 4, 1).unwrap();
        let snapshot = conn.unchecked_transaction().unwrap();
        let last: i64 = snapshot
            .query_row("SELECT max(id) FROM calls", [], |r| r.get(0))
            .unwrap();
        // Another process saves a call, reached, ended now, once the snapshot is taken.
        let other = Connection::open(&path).unwrap();
        other
            .execute(
                "INSERT INTO calls (save_id, tenant_id, operator_id, started_at, ended_at, outcome)
                 SELECT 'later', tenant_id, operator_id, '2026-11-28T08:50:00.000Z',
                        '2026-11-28T08:55:00.000Z', 'reached'
                 FROM calls WHERE id = 1",
                [],
            )
            .unwrap();
        let during = count_calls_in_runs(&snapshot, Some(&path), &scan, 4, 1).unwrap();
        assert!(during.runs.len() > 1);
        assert_eq!(figures(&during, 0), figures(&before, 0));
        drop(snapshot);
        let after = count_calls_in_runs(conn, Some(&path), &scan, 4, 1).unwrap();
        assert_eq!(
            after.by_outcome[&Outcome::Reached],
            before.by_outcome[&Outcome::Reached] + 1
        );
        assert!(last > 0);
    }
}
