//! Continuous replication of the program's file by Litestream, which veille does not
//! reimplement: it only asks the `litestream` command where the replica stands, and to
//! bring a replica back as a file (docs/DEPLOY.md sets the service up).

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};

/// How to reach Litestream: its command on `PATH`, and the configuration naming the
/// replicas (Litestream's own default, `/etc/litestream.yml`, when not given).
#[derive(Debug, Clone, Default)]
pub struct Litestream {
    pub config: Option<PathBuf>,
}

/// The newest transaction the replica holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaPosition {
    /// Litestream's transaction number, in hexadecimal as it prints it.
    pub txid: String,
    /// When Litestream wrote it to the replica.
    pub at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReplicationError {
    #[error(
        "the litestream command is not installed on this machine (or not on PATH); install it to replicate or restore the file (docs/DEPLOY.md)"
    )]
    NotInstalled,
    #[error("litestream {what} failed: {message}")]
    Failed { what: &'static str, message: String },
    #[error("litestream listed the replica in a form veille does not read: {0}")]
    Unreadable(String),
}

impl Litestream {
    /// Whether Litestream has been replicating `db`: it keeps its own state in a folder
    /// beside the file (`.veille.db-litestream`).
    pub fn has_replicated(db: &Path) -> bool {
        state_folder(db).is_some_and(|f| f.is_dir())
    }

    /// The newest transaction in `db`'s replica, as Litestream lists it; `None` when the
    /// replica holds nothing yet.
    pub fn replica_position(&self, db: &Path) -> Result<Option<ReplicaPosition>, ReplicationError> {
        let out = run(
            "ltx",
            Command::new("litestream")
                .args(["ltx", "-json", "-level", "all"])
                .args(self.config_args())
                .arg(db),
        )?;
        newest(&out)
    }

    /// Restores the replica `source` (a replica URL, or a database path named in the
    /// configuration) into the new file `output`, as it stood at `at` or at its newest.
    pub fn restore(
        &self,
        source: &str,
        output: &Path,
        at: Option<DateTime<Utc>>,
    ) -> Result<(), ReplicationError> {
        let mut cmd = Command::new("litestream");
        cmd.arg("restore")
            .args(self.config_args())
            .arg("-o")
            .arg(output);
        if let Some(at) = at {
            cmd.args(["-timestamp", &at.to_rfc3339()]);
        }
        cmd.arg(source);
        run("restore", &mut cmd).map(drop)
    }

    fn config_args(&self) -> Vec<&std::ffi::OsStr> {
        match &self.config {
            Some(c) => vec!["-config".as_ref(), c.as_os_str()],
            None => Vec::new(),
        }
    }
}

/// Runs a `litestream` command and gives back what it printed.
fn run(what: &'static str, cmd: &mut Command) -> Result<String, ReplicationError> {
    let out = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReplicationError::NotInstalled,
        _ => ReplicationError::Failed {
            what,
            message: e.to_string(),
        },
    })?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr);
        return Err(ReplicationError::Failed {
            what,
            message: last_line(&text),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `.NAME-litestream` beside the database `NAME`.
fn state_folder(db: &Path) -> Option<PathBuf> {
    let name = db.file_name()?.to_string_lossy();
    Some(db.with_file_name(format!(".{name}-litestream")))
}

/// Litestream's message, without its log prefix, and without control characters: it
/// may quote a path or a URL, which the user chose but a terminal must not obey.
fn last_line(text: &str) -> String {
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let line = line.find("msg=").map_or(line, |at| &line[at + 4..]);
    line.chars().filter(|c| !c.is_control()).take(300).collect()
}

/// The newest file of `litestream ltx -json`: a list of `{max_txid, timestamp, …}`.
fn newest(json: &str) -> Result<Option<ReplicaPosition>, ReplicationError> {
    #[derive(serde::Deserialize)]
    struct File {
        max_txid: String,
        timestamp: DateTime<Utc>,
    }
    let unreadable = |e: serde_json::Error| ReplicationError::Unreadable(e.to_string());
    let files: Option<Vec<File>> = serde_json::from_str(json).map_err(unreadable)?;
    Ok(files
        .unwrap_or_default()
        .into_iter()
        .max_by(|a, b| {
            a.max_txid
                .cmp(&b.max_txid)
                .then(a.timestamp.cmp(&b.timestamp))
        })
        .map(|f| ReplicaPosition {
            txid: f.max_txid,
            at: f.timestamp,
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_file_of_every_level_is_the_replicas_position() {
        let json = r#"[
            {"level":0,"min_txid":"0000000000000022","max_txid":"0000000000000022","size":192,"timestamp":"2026-12-03T06:32:40Z"},
            {"level":1,"min_txid":"0000000000000001","max_txid":"0000000000000023","size":9,"timestamp":"2026-12-03T06:32:41.5Z"},
            {"level":0,"min_txid":"0000000000000023","max_txid":"0000000000000023","size":103840,"timestamp":"2026-12-03T06:32:41Z"}
        ]"#;
        let p = newest(json).unwrap().unwrap();
        assert_eq!(p.txid, "0000000000000023");
        assert_eq!(
            p.at,
            "2026-12-03T06:32:41.5Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(newest("null").unwrap(), None);
        assert_eq!(newest("[]").unwrap(), None);
        assert!(matches!(
            newest("level  min_txid"),
            Err(ReplicationError::Unreadable(_))
        ));
    }

    #[test]
    fn litestreams_message_is_told_without_its_log_prefix_or_control_characters() {
        let stderr =
            "time=2026-12-03T06:31:47Z level=ERROR msg=\"no replica \u{1b}]52;c;x\u{7} found\"\n\n";
        assert_eq!(last_line(stderr), "\"no replica ]52;c;x found\"");
    }

    #[test]
    fn litestreams_state_sits_beside_the_file() {
        assert_eq!(
            state_folder(Path::new("/srv/veille/veille.db")).unwrap(),
            Path::new("/srv/veille/.veille.db-litestream")
        );
    }
}
