//! Errors a store user can meet, each in words that say what to do.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use crate::tr;

/// What went wrong, said in the user's language (`Display`) where it reaches the command
/// line; the screens name each case from their own texts (`tui::app`).
#[derive(Debug)]
pub enum StoreError {
    Busy,
    ReadOnly(PathBuf),
    NotADatabase(PathBuf),
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    Missing(PathBuf),
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    DiskFull,
    DiskIo(PathBuf),
    NotSynced(PathBuf),
    ClaimLost,
    HeldBy(String),
    NotFound(String),
    Invalid(String),
    /// A call or request whose fields contradict each other (its outcome, its urgency).
    Inconsistent(crate::domain::consistency::Contradiction),
    Sqlite(rusqlite::Error),
    Other(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Control characters are taken out where the error is printed (`main`).
        let shown = |p: &Path| p.display().to_string();
        let text = match self {
            StoreError::Busy => tr!(
                "la base est occupée : un autre opérateur enregistre ; réessayez dans un instant",
                "the database is busy: another operator is saving; try again in a moment"
            ),
            StoreError::ReadOnly(p) => tr!(
                "la base {} ne peut pas être écrite (fichier ou dossier en lecture seule) ; demandez à qui gère le serveur de vous donner le droit d'écrire",
                "the database {} cannot be written (read-only file or folder); ask whoever manages the server to give you write access",
                shown(p)
            ),
            StoreError::NotADatabase(p) => tr!(
                "{} n'est pas une base veille (pas un fichier SQLite) ; vérifiez le chemin donné à --db",
                "{} is not a veille database (not a SQLite file); check the --db path",
                shown(p)
            ),
            StoreError::TooNew {
                path,
                found,
                supported,
            } => tr!(
                "{} a été écrite par une version plus récente de veille (schéma {found}, cette version connaît jusqu'au {supported}) ; mettez veille à jour",
                "{} was written by a newer version of veille (schema {found}, this version knows up to {supported}); update veille",
                shown(path)
            ),
            StoreError::Missing(p) => tr!(
                "il n'y a pas de base à {} ; créez-la avec `veille init`",
                "there is no database at {}; create it with `veille init`",
                shown(p)
            ),
            StoreError::Folder { path, source } => tr!(
                "le dossier {} ne peut pas être utilisé : {source}",
                "the folder {} cannot be used: {source}",
                shown(path)
            ),
            StoreError::DiskFull => tr!(
                "le disque qui porte la base est plein ; libérez de la place, rien n'a été enregistré",
                "the disk holding the database is full; free some space, nothing was saved"
            ),
            StoreError::DiskIo(p) => tr!(
                "le disque qui porte {} n'a pas pu être écrit (erreur d'entrée-sortie) ; rien n'a été enregistré ; lancez `veille doctor` et prévenez qui gère le serveur",
                "the disk holding {} could not be written (input/output error); nothing was saved; run `veille doctor` and tell whoever manages the server",
                shown(p)
            ),
            StoreError::NotSynced(p) => tr!(
                "le disque qui porte {} n'a pas confirmé que le changement était écrit (erreur d'entrée-sortie) ; ce qui a été saisi est gardé : réessayez, et lancez `veille doctor`",
                "the disk holding {} did not confirm that the change was written (input/output error); what was typed is kept: try again, and run `veille doctor`",
                shown(p)
            ),
            StoreError::ClaimLost => tr!(
                "votre prise en charge de ce locataire est perdue (elle a expiré et un autre opérateur l'a pris) ; ce que vous avez saisi est gardé",
                "your claim on this tenant was lost (it expired and another operator took the tenant); what you typed is kept"
            ),
            StoreError::HeldBy(name) => tr!(
                "{name} appelle ce locataire en ce moment",
                "{name} is calling this tenant right now"
            ),
            StoreError::NotFound(m) | StoreError::Invalid(m) | StoreError::Other(m) => m.clone(),
            StoreError::Inconsistent(c) => match crate::i18n::cli_lang() {
                // The screens' own sentence, which says nothing was saved.
                crate::i18n::Lang::Fr => crate::i18n::Lang::Fr
                    .lookup(&format!("errors.inconsistent_{}", c.code()))
                    .map_or_else(|| format!("{c} ; rien n'a été enregistré"), str::to_string),
                crate::i18n::Lang::En => format!("{c}; nothing was saved"),
            },
            StoreError::Sqlite(e) => tr!("erreur de la base : {e}", "database error: {e}"),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Folder { source, .. } => Some(source),
            StoreError::Sqlite(e) => Some(e),
            _ => None,
        }
    }
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
