//! Retention: free text and health details older than the retention period are wiped,
//! while the rows stay so that counts and reports remain right.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Result, Store, time};

/// What a purge wiped, or would wipe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Purged {
    pub call_notes: i64,
    pub need_details: i64,
    pub referral_notes: i64,
    pub intervention_details: i64,
    pub event_notes: i64,
    /// Whether the WAL, which still held the texts' earlier versions, could be emptied:
    /// not while another program keeps a read open on the file (Litestream does).
    pub journal_emptied: bool,
}

/// Each statement wipes one kind of text written before `?1`; the same list serves the
/// dry run (counted) and the purge (updated).
const WIPES: [(&str, &str); 7] = [
    ("calls", "notes <> '' AND ended_at < ?1"),
    (
        "emergencies",
        "(decision <> '' OR no_request_reason <> '') AND at < ?1",
    ),
    (
        "needs",
        "details <> '' AND call_id IN (SELECT id FROM calls WHERE ended_at < ?1)",
    ),
    ("referrals", "note <> '' AND created_at < ?1"),
    (
        "interventions",
        "(details <> '' OR place <> '' OR coalesce(outcome, '') <> '') AND created_at < ?1",
    ),
    ("referral_events", "note <> '' AND at < ?1"),
    ("intervention_events", "note <> '' AND at < ?1"),
];

fn set_clause(table: &str) -> &'static str {
    match table {
        "calls" => "notes = ''",
        "emergencies" => "decision = '', no_request_reason = ''",
        "needs" => "details = ''",
        "referrals" | "referral_events" | "intervention_events" => "note = ''",
        _ => "details = '', place = '', outcome = CASE WHEN outcome IS NULL THEN NULL ELSE '' END",
    }
}

impl Store {
    /// Wipes text written before `before` (or only counts it when `dry_run`), in one
    /// transaction, and writes the purge in the audit log. Wiped is gone from the file:
    /// SQLite zeroes the space the old texts held (`secure_delete`, see `configure`), and
    /// the WAL holding their earlier versions is copied back and emptied when nobody else
    /// is reading.
    pub fn purge_before(
        &mut self,
        before: DateTime<Utc>,
        by: Option<i64>,
        dry_run: bool,
        now: DateTime<Utc>,
    ) -> Result<Purged> {
        if dry_run {
            return self.wipe_before(before, by, true, now);
        }
        let mut purged = self.wipe_before(before, by, false, now)?;
        purged.journal_emptied = self.empty_journal()?;
        Ok(purged)
    }

    /// Copies the WAL into the file and truncates it; false when a reader kept it.
    pub(super) fn empty_journal(&self) -> Result<bool> {
        let (busy, _, _): (i64, i64, i64) =
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
        Ok(busy == 0)
    }

    fn wipe_before(
        &mut self,
        before: DateTime<Utc>,
        by: Option<i64>,
        dry_run: bool,
        now: DateTime<Utc>,
    ) -> Result<Purged> {
        let cutoff = time::ts(before);
        self.write(|tx| {
            let mut counts = [0i64; 7];
            for (i, (table, condition)) in WIPES.iter().enumerate() {
                counts[i] = if dry_run {
                    tx.query_row(
                        &format!("SELECT count(*) FROM {table} WHERE {condition}"),
                        params![cutoff],
                        |r| r.get(0),
                    )?
                } else {
                    tx.execute(
                        &format!("UPDATE {table} SET {} WHERE {condition}", set_clause(table)),
                        params![cutoff],
                    )? as i64
                };
            }
            let purged = Purged {
                // An emergency's texts count with its call's notes.
                call_notes: counts[0] + counts[1],
                need_details: counts[2],
                referral_notes: counts[3],
                intervention_details: counts[4],
                event_notes: counts[5] + counts[6],
                journal_emptied: false,
            };
            if !dry_run {
                super::shifts::audit(
                    tx,
                    now,
                    by,
                    "purge",
                    None,
                    &format!("text before {cutoff} wiped: {purged:?}"),
                )?;
            }
            Ok(purged)
        })
    }
}
