//! What `veille demo` must know about a file before it replaces it: whether the demo
//! made it, and whether anyone has worked in it since. Read without changing the file.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::Result;

/// What an existing file is, as far as `veille demo` is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoFile {
    /// Not made by `veille demo` (a real program's database, or not a database at all).
    NotDemo,
    Demo(DemoWork),
}

/// Work people did in a demo database after it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DemoWork {
    /// Calls saved by operators (the demo's own calls are not counted).
    pub calls: i64,
    /// Times an operator took a tenant to call.
    pub claims: i64,
}

impl DemoWork {
    pub fn is_empty(&self) -> bool {
        self.calls == 0 && self.claims == 0
    }
}

/// The prefix of the `save_id` of the calls the demo makes up.
pub const DEMO_SAVE_ID_PREFIX: &str = "demo-";

/// Looks at the file at `path` without writing to it. Anything that cannot be read as
/// a demo database counts as `NotDemo`, except a lock held by another process.
pub fn inspect_demo_file(path: &Path) -> Result<DemoFile> {
    // Opened for writing though only read: a read-only connection to a WAL database
    // would leave its -wal and -shm files behind, where a writer's last close removes them.
    let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .or_else(|_| Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY))
    else {
        return Ok(DemoFile::NotDemo);
    };
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    match read_demo(&conn) {
        Ok(found) => Ok(found),
        Err(e) if e.is_busy() => Err(e),
        Err(_) => Ok(DemoFile::NotDemo),
    }
}

fn read_demo(conn: &Connection) -> Result<DemoFile> {
    let flag: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = 'demo'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if flag.as_deref() != Some("1") {
        return Ok(DemoFile::NotDemo);
    }
    let (calls, claims) = conn.query_row(
        "SELECT (SELECT count(*) FROM calls WHERE substr(save_id, 1, length(?1)) <> ?1),
                (SELECT count(*) FROM claims)",
        [DEMO_SAVE_ID_PREFIX],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(DemoFile::Demo(DemoWork { calls, claims }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn a_fresh_database_is_not_a_demo_until_marked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.db");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(inspect_demo_file(&path).unwrap(), DemoFile::NotDemo);
        store.set_setting("demo", "1").unwrap();
        assert_eq!(
            inspect_demo_file(&path).unwrap(),
            DemoFile::Demo(DemoWork::default())
        );
    }

    #[test]
    fn other_files_are_not_demos() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.db");
        std::fs::write(&text, "shopping list: milk, bread").unwrap();
        assert_eq!(inspect_demo_file(&text).unwrap(), DemoFile::NotDemo);
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, "").unwrap();
        assert_eq!(inspect_demo_file(&empty).unwrap(), DemoFile::NotDemo);
        assert_eq!(std::fs::read(&text).unwrap(), b"shopping list: milk, bread");
    }
}
