//! Errors a store user can meet, each in words that say what to do.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database is busy: another operator is saving; try again in a moment")]
    Busy,
    #[error(
        "the database {0} cannot be written (read-only file or folder); ask whoever manages the server to give you write access"
    )]
    ReadOnly(PathBuf),
    #[error("{0} is not a veille database (not a SQLite file); check the --db path")]
    NotADatabase(PathBuf),
    #[error(
        "{path} was written by a newer version of veille (schema {found}, this version knows up to {supported}); update veille"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("there is no database at {0}; create it with `veille init`")]
    Missing(PathBuf),
    #[error("the folder {path} cannot be used: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the disk holding the database is full; free some space, nothing was saved")]
    DiskFull,
    #[error(
        "the disk holding {0} could not be written (input/output error); nothing was saved; run `veille doctor` and tell whoever manages the server"
    )]
    DiskIo(PathBuf),
    #[error(
        "the disk holding {0} did not confirm that the change was written (input/output error); what was typed is kept: try again, and run `veille doctor`"
    )]
    NotSynced(PathBuf),
    #[error(
        "your claim on this tenant was lost (it expired and another operator took the tenant); what you typed is kept"
    )]
    ClaimLost,
    #[error("{0} is calling this tenant right now")]
    HeldBy(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// A call or request whose fields contradict each other (its outcome, its urgency).
    #[error("{0}; nothing was saved")]
    Inconsistent(crate::domain::consistency::Contradiction),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("{0}")]
    Other(String),
}

impl StoreError {
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy)
    }

    /// Attaches the file path to errors that should name it, and tells a full disk
    /// from another input/output failure (SQLite reports both as I/O errors when the
    /// journal cannot grow).
    pub(crate) fn at(self, path: &Path) -> StoreError {
        match self {
            StoreError::Sqlite(e) => match code(&e) {
                // The commit was written but the disk did not confirm it: SQLite has not
                // published it, and the caller keeps what was typed to save it again.
                Some(ErrorCode::SystemIoFailure) if is_sync_failure(&e) => {
                    StoreError::NotSynced(path.to_path_buf())
                }
                Some(ErrorCode::SystemIoFailure) => {
                    if super::doctor::free_space(path).is_some_and(|free| free < 1024 * 1024) {
                        StoreError::DiskFull
                    } else {
                        StoreError::DiskIo(path.to_path_buf())
                    }
                }
                _ => StoreError::from_open(e, path),
            },
            StoreError::ReadOnly(_) => StoreError::ReadOnly(path.to_path_buf()),
            StoreError::NotADatabase(_) => StoreError::NotADatabase(path.to_path_buf()),
            other => other,
        }
    }

    pub(crate) fn from_open(e: rusqlite::Error, path: &Path) -> StoreError {
        match code(&e) {
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase(path.to_path_buf()),
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(path.to_path_buf()),
            Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
                if path.exists() {
                    StoreError::ReadOnly(path.to_path_buf())
                } else {
                    StoreError::Missing(path.to_path_buf())
                }
            }
            _ => StoreError::from(e),
        }
    }
}

/// A failed `fsync` of the journal or of its folder.
fn is_sync_failure(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_IOERR_FSYNC
                || f.extended_code == rusqlite::ffi::SQLITE_IOERR_DIR_FSYNC
    )
}

fn code(e: &rusqlite::Error) -> Option<ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match code(&e) {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(PathBuf::from("(shared file)")),
            Some(ErrorCode::NotADatabase) => {
                StoreError::NotADatabase(PathBuf::from("(shared file)"))
            }
            _ => StoreError::Sqlite(e),
        }
    }
}
