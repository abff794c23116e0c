//! Drafts: the open call form kept on disk as it is filled, so that a crash or a killed
//! terminal loses nothing. One file per database and operator, in
//! `<data folder>/drafts/`, written atomically (temporary file, then rename) and
//! readable by its owner only: it may hold health details.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::call::form::CallForm;
use crate::store::Claim;

/// A call in progress, as written to disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    /// The database the call belongs to.
    pub db: PathBuf,
    pub operator_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    /// Kept across a crash so that a save that did land is not recorded twice.
    pub save_id: String,
    pub started_at: DateTime<Utc>,
    pub claim: Claim,
    pub form: CallForm,
}

/// How long a draft nobody wrote to is kept: a day, far beyond any claim's lease.
pub const KEPT_FOR: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The folder of drafts.
#[derive(Debug, Clone)]
pub struct Drafts {
    dir: PathBuf,
}

/// What was found where a draft should be.
#[derive(Debug)]
pub enum Found {
    None,
    Draft(Box<Draft>),
    /// The file could not be read; it was moved aside to this path (deleted a day later,
    /// like any draft left).
    Unreadable(PathBuf),
}

impl Drafts {
    pub fn new(dir: PathBuf) -> Drafts {
        Drafts { dir }
    }

    /// `$VEILLE_DATA_DIR/drafts`, or `drafts` in the platform data folder.
    pub fn default_dir() -> PathBuf {
        std::env::var_os("VEILLE_DATA_DIR")
            .filter(|v| !v.is_empty())
            .map_or_else(crate::config::data_dir, PathBuf::from)
            .join("drafts")
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The draft file of `operator` on the database at `db`.
    pub fn path(&self, db: &Path, operator: i64) -> PathBuf {
        let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
        let hash = fnv1a(db.to_string_lossy().as_bytes());
        self.dir.join(format!("{hash:016x}-{operator}.json"))
    }

    pub fn load(&self, db: &Path, operator: i64) -> Found {
        let path = self.path(db, operator);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Found::None;
        };
        match serde_json::from_str::<Draft>(&text) {
            Ok(mut d) => {
                d.form.normalise();
                Found::Draft(Box::new(d))
            }
            Err(_) => {
                let aside = path
                    .with_extension(format!("unreadable-{}", Utc::now().format("%Y%m%dT%H%M%S")));
                match std::fs::rename(&path, &aside) {
                    Ok(()) => Found::Unreadable(aside),
                    Err(_) => Found::Unreadable(path),
                }
            }
        }
    }

    /// Writes the draft: a temporary file made private, synced, then renamed over the
    /// previous one, so that the file on disk is always a whole draft.
    pub fn save(&self, draft: &Draft) -> std::io::Result<()> {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        let path = self.path(&draft.db, draft.operator_id);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let json = serde_json::to_vec_pretty(draft).map_err(std::io::Error::other)?;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        file.write_all(&json)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, &path)?;
        // The rename itself is made durable by syncing the folder.
        if let Ok(dir) = std::fs::File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// Deletes the drafts (and drafts set aside as unreadable) not written for `KEPT_FOR`:
    /// their claim ran out long ago and their tenant was called again, and they may hold
    /// health details. Files whose age cannot be read are left.
    pub fn forget_stale(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = std::time::SystemTime::now();
        for entry in entries.flatten() {
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|at| now.duration_since(at).ok())
                .is_some_and(|age| age > KEPT_FOR);
            if stale && entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Removes the draft (after a successful save or an explicit discard).
    pub fn remove(&self, db: &Path, operator: i64) -> std::io::Result<()> {
        match std::fs::remove_file(self.path(db, operator)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// FNV-1a: a hash that stays the same across Rust versions, for file names.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn draft(db: &Path) -> Draft {
        let at: DateTime<Utc> = "2026-11-28T09:42:00Z".parse().unwrap();
        Draft {
            db: db.to_path_buf(),
            operator_id: 3,
            tenant_id: 7,
            tenant_name: "Mme Hélène Lefèvre".into(),
            save_id: "x-1".into(),
            started_at: at,
            claim: Claim {
                id: 1,
                tenant_id: 7,
                operator_id: 3,
                claimed_at: at,
                expires_at: at,
            },
            form: CallForm::default(),
        }
    }

    #[test]
    fn a_draft_is_written_privately_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("veille.db");
        let drafts = Drafts::new(dir.path().join("data").join("drafts"));
        let mut d = draft(&db);
        d.form.notes.set("Fille prévenue");
        drafts.save(&d).unwrap();
        let path = drafts.path(&db, 3);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let dir_mode = std::fs::metadata(drafts.dir())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(dir_mode & 0o777, 0o700);
        match drafts.load(&db, 3) {
            Found::Draft(back) => assert_eq!(*back, d),
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(drafts.load(&db, 4), Found::None),
            "one per operator"
        );
        let other_db = dir.path().join("other.db");
        assert!(
            matches!(drafts.load(&other_db, 3), Found::None),
            "one per database"
        );
        let leftovers: Vec<_> = std::fs::read_dir(drafts.dir())
            .unwrap()
            .flatten()
            .filter(|e| e.path() != path)
            .collect();
        assert!(
            leftovers.is_empty(),
            "no temporary file left: {leftovers:?}"
        );
        drafts.remove(&db, 3).unwrap();
        drafts.remove(&db, 3).unwrap();
        assert!(matches!(drafts.load(&db, 3), Found::None));
    }

    #[test]
    fn drafts_untouched_for_a_day_are_deleted_and_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = Drafts::new(dir.path().join("drafts"));
        let (fresh_db, stale_db) = (dir.path().join("a.db"), dir.path().join("b.db"));
        drafts.save(&draft(&fresh_db)).unwrap();
        drafts.save(&draft(&stale_db)).unwrap();
        let stale = drafts.path(&stale_db, 3);
        let day_and_a_minute = KEPT_FOR + std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(std::time::SystemTime::now() - day_and_a_minute)
            .unwrap();
        drafts.forget_stale();
        assert!(!stale.exists(), "a day-old draft is gone");
        assert!(matches!(drafts.load(&fresh_db, 3), Found::Draft(_)));
    }

    #[test]
    fn an_unreadable_draft_is_set_aside_not_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("veille.db");
        let drafts = Drafts::new(dir.path().join("drafts"));
        drafts.save(&draft(&db)).unwrap();
        std::fs::write(drafts.path(&db, 3), "{ half a dra").unwrap();
        match drafts.load(&db, 3) {
            Found::Unreadable(aside) => {
                assert_eq!(std::fs::read_to_string(aside).unwrap(), "{ half a dra");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(drafts.load(&db, 3), Found::None));
    }
}
