//! `veille doctor`: is the database file healthy, well placed, and replicated?

use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::Context;
use crate::cli::DoctorArgs;
use crate::replication::Litestream;
use crate::store::Store;
use crate::store::doctor::Check;

/// How far the file may run ahead of its replica before replication counts as stopped:
/// Litestream ships every second, and a busy minute is already a minute of calls at risk.
const REPLICA_LAG_LIMIT: chrono::Duration = chrono::Duration::seconds(60);

pub fn run(ctx: &Context, args: &DoctorArgs) -> Result<()> {
    // Before opening: opening may create an empty WAL, which is not a change.
    let changed = last_change(&ctx.db);
    let store = Store::open_existing(&ctx.db)?;
    let mut checks = store.doctor()?;
    let litestream = Litestream {
        config: args.litestream_config.clone(),
    };
    checks.push(replication(&ctx.db, changed, &litestream));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&checks)?);
    } else {
        println!(
            "Database: {}",
            super::printable(&ctx.db.display().to_string())
        );
        for c in &checks {
            println!(
                "{} {:<12} {}",
                if c.ok { "ok  " } else { "FAIL" },
                c.name,
                c.detail
            );
        }
    }
    if checks.iter().all(|c| c.ok) {
        Ok(())
    } else {
        anyhow::bail!("some checks failed (see above)")
    }
}

/// Whether Litestream replicates the file, and how far its replica is behind the file's
/// last change.
fn replication(db: &Path, changed: Option<DateTime<Utc>>, litestream: &Litestream) -> Check {
    let check = |ok, detail: String| Check {
        name: "replication",
        ok,
        detail,
    };
    if !Litestream::has_replicated(db) {
        if let Some(config) = &litestream.config {
            return check(
                false,
                format!(
                    "{} is given, but Litestream has never replicated this file: is the \
                     litestream service running, and does its configuration name this file?",
                    super::printable(&config.display().to_string())
                ),
            );
        }
        return check(
            true,
            "not replicated: a lost disk would lose every save since the last backup; \
             replicate the file with Litestream (docs/DEPLOY.md)"
                .into(),
        );
    }
    let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    let position = match litestream.replica_position(&db) {
        Ok(Some(p)) => p,
        Ok(None) => {
            return check(
                false,
                "Litestream has replicated this file but its replica holds nothing: is the \
                 litestream service running (systemctl status litestream)?"
                    .into(),
            );
        }
        Err(e) => {
            return check(
                false,
                format!("Litestream has replicated this file but its replica cannot be read: {e}"),
            );
        }
    };
    let newest = format!(
        "the replica's newest change was written at {} UTC (transaction {})",
        position.at.format("%d/%m/%Y %H:%M:%S"),
        position.txid.trim_start_matches('0')
    );
    match changed.map(|changed| changed - position.at) {
        Some(behind) if behind > REPLICA_LAG_LIMIT => check(
            false,
            format!(
                "replication has stopped: the file changed {} s after {newest}; start the \
                 litestream service (systemctl status litestream) and check its replica",
                behind.num_seconds()
            ),
        ),
        Some(behind) if behind > chrono::Duration::zero() => check(
            true,
            format!(
                "replicated by Litestream, {} s behind the file: {newest}",
                behind.num_seconds()
            ),
        ),
        _ => check(
            true,
            format!("replicated by Litestream, up to date: {newest}"),
        ),
    }
}

/// When a save last reached the file: its WAL's time. Not the file's own, which a
/// checkpoint changes long after the save (Litestream's copy every minute); and not an
/// empty WAL's, which a truncating checkpoint or a new reader leaves. Litestream keeps
/// the WAL open while it runs, so without one there is nothing it has not shipped.
fn last_change(db: &Path) -> Option<DateTime<Utc>> {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let meta = std::fs::metadata(Path::new(&wal)).ok()?;
    (meta.len() > 0)
        .then(|| meta.modified().ok())
        .flatten()
        .map(DateTime::<Utc>::from)
}
