//! Consistent copies of the shared file while operators work, and the audit log.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::{Result, Store, StoreError, rows, time};

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub operator: Option<String>,
    /// The Unix account of the process that acted (none before schema 13).
    pub unix_account: Option<String>,
    pub action: String,
    pub tenant_ref: Option<String>,
    pub details: String,
}

impl Store {
    /// Copies the database to `dest` with SQLite's online backup, in one read
    /// transaction: a consistent snapshot that does not stop anyone saving (WAL).
    /// The copy is written beside `dest` and renamed, so a half copy never has its name.
    pub fn backup_to(&mut self, dest: &Path, by: Option<i64>, now: DateTime<Utc>) -> Result<u64> {
        let tmp = dest.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        super::create_private_file(&tmp)?;
        {
            let mut target = Connection::open(&tmp).map_err(|e| StoreError::from_open(e, &tmp))?;
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut target)?;
            backup.step(-1)?;
        }
        std::fs::rename(&tmp, dest).map_err(|e| StoreError::Folder {
            path: dest.to_path_buf(),
            source: e,
        })?;
        let size = std::fs::metadata(dest).map_or(0, |m| m.len());
        let dest_text = dest.display().to_string();
        self.write(|tx| {
            for (k, v) in [
                ("last_backup_at", time::ts(now)),
                ("last_backup_path", dest_text.clone()),
            ] {
                tx.execute(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![k, v],
                )?;
            }
            super::shifts::audit(tx, now, by, "backup", None, &dest_text)
        })?;
        Ok(size)
    }

    /// When and where the last backup was made.
    pub fn last_backup(&self) -> Result<Option<(DateTime<Utc>, String)>> {
        let at = self.setting("last_backup_at")?;
        let path = self.setting("last_backup_path")?.unwrap_or_default();
        Ok(match at {
            Some(at) => Some((time::parse_ts(&at)?, path)),
            None => None,
        })
    }

    /// The audit log, newest first, optionally since an instant, for one operator or tenant.
    /// Writes in the audit log that `by` read a tenant's record outside a call.
    pub fn record_read(
        &mut self,
        by: Option<i64>,
        action: &str,
        tenant: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| super::shifts::audit(tx, now, by, action, Some(tenant), ""))
    }

    pub fn audit_entries(
        &self,
        since: Option<DateTime<Utc>>,
        operator: Option<i64>,
        tenant: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>> {
        rows(
            self.read(),
            "SELECT a.at, o.login, a.action, t.external_ref, a.details, a.unix_account FROM audit_log a
             LEFT JOIN operators o ON o.id = a.operator_id
             LEFT JOIN tenants t ON t.id = a.tenant_id
             WHERE (?1 IS NULL OR a.at >= ?1) AND (?2 IS NULL OR a.operator_id = ?2)
               AND (?3 IS NULL OR a.tenant_id = ?3)
             ORDER BY a.at DESC, a.id DESC LIMIT ?4",
            params![since.map(time::ts), operator, tenant, limit as i64],
            |r| {
                Ok(AuditEntry {
                    at: time::req_ts(r.get(0)?)?,
                    operator: r.get(1)?,
                    action: r.get(2)?,
                    tenant_ref: r.get(3)?,
                    details: r.get(4)?,
                    unix_account: r.get(5)?,
                })
            },
        )
    }
}
