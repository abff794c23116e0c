//! Health checks of a database file, as `veille doctor` reports them.

use std::path::Path;

use super::{Result, SCHEMA_VERSION, Store};
use crate::tr;

/// One line of the doctor's report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// File systems on which SQLite's WAL (shared memory between processes) is unsafe.
const NETWORK_FS: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb3",
    "smbfs",
    "9p",
    "fuse.sshfs",
    "sshfs",
    "ceph",
    "glusterfs",
    "fuse.glusterfs",
    "afs",
    "lustre",
    "gpfs",
    "davfs",
    "fuse.rclone",
    "virtiofs",
];

impl Store {
    pub fn doctor(&self) -> Result<Vec<Check>> {
        let mut checks = Vec::new();
        let integrity: Vec<String> =
            super::rows(self.read(), "PRAGMA integrity_check", [], |r| r.get(0))?;
        checks.push(Check {
            name: "integrity",
            ok: integrity == ["ok"],
            detail: integrity.join("; "),
        });
        let version = self.schema_version()?;
        checks.push(Check {
            name: "schema",
            ok: version == SCHEMA_VERSION,
            detail: match version.cmp(&SCHEMA_VERSION) {
                std::cmp::Ordering::Equal => tr!("version {version} (à jour)", "version {version} (current)"),
                std::cmp::Ordering::Less => tr!(
                    "version {version}, ce veille écrit la {SCHEMA_VERSION} : elle est mise à jour au prochain `veille init` ou démarrage",
                    "version {version}, this veille writes {SCHEMA_VERSION}: it is upgraded on the next `veille init` or start"
                ),
                std::cmp::Ordering::Greater => tr!(
                    "la version {version} est plus récente que ce veille ({SCHEMA_VERSION}) : mettez veille à jour",
                    "version {version} is newer than this veille ({SCHEMA_VERSION}): update veille"
                ),
            },
        });
        let mode: String = self
            .read()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        checks.push(Check {
            name: "journal",
            ok: mode.eq_ignore_ascii_case("wal"),
            detail: tr!(
                "{mode} (veille utilise wal pour qu'aucune lecture n'attende un enregistrement)",
                "{mode} (veille uses wal so that readers never wait for a save)"
            ),
        });
        let fs = filesystem_of(self.path());
        let network = fs
            .as_deref()
            .is_some_and(|f| NETWORK_FS.contains(&f) || f.starts_with("nfs"));
        checks.push(Check {
            name: "file system",
            ok: !network,
            detail: match (&fs, network) {
                (Some(f), true) => tr!(
                    "{f} est un système de fichiers en réseau : le verrouillage WAL de SQLite n'y marche pas et le fichier peut être abîmé ; gardez la base sur un disque local du serveur et faites se connecter les opérateurs à ce serveur",
                    "{f} is a network file system: SQLite's WAL locking does not work there and the file can be corrupted; keep the database on a local disk of the server and let operators connect to that server"
                ),
                (Some(f), false) => tr!("{f} (local)", "{f} (local)"),
                (None, _) => tr!("inconnu", "unknown"),
            },
        });
        checks.push(match free_space(self.path()) {
            Some(bytes) => Check {
                name: "free disk",
                ok: bytes > 200 * 1024 * 1024,
                detail: {
                    let mib = bytes / (1024 * 1024);
                    if bytes > 200 * 1024 * 1024 {
                        tr!("{mib} Mio libres", "{mib} MiB free")
                    } else {
                        tr!(
                            "{mib} Mio libres : libérez vite de la place, les enregistrements échouent quand le disque est plein",
                            "{mib} MiB free: free some space soon, saves fail when the disk is full"
                        )
                    }
                },
            },
            None => Check {
                name: "free disk",
                ok: true,
                detail: tr!("inconnu", "unknown"),
            },
        });
        checks.push(match self.last_backup()? {
            Some((at, path)) => Check {
                name: "backup",
                ok: true,
                detail: {
                    let at = at.format("%d/%m/%Y %H:%M");
                    tr!(
                        "dernière faite le {at} UTC dans {path}",
                        "last made {at} UTC to {path}"
                    )
                },
            },
            None => Check {
                name: "backup",
                ok: true,
                detail: tr!(
                    "jamais faite : lancez `veille backup FICHIER` chaque jour (par exemple depuis cron)",
                    "never made: run `veille backup FILE` every day (e.g. from cron)"
                ),
            },
        });
        checks.push(self.records_check()?);
        Ok(checks)
    }

    /// Calls and requests written before schema version 15 that contradict themselves,
    /// and emergencies without their protocol (or protocols without an emergency) written
    /// before version 17 or by another writer: counted for the coordinators to review, not
    /// a fault of the file. An emergency's details and protocol texts are not looked at:
    /// erasure and purges blank them on purpose.
    fn records_check(&self) -> Result<Check> {
        let (wellbeing, needs, callback, emergency): (i64, i64, i64, i64) = self.read().query_row(
            "SELECT
               (SELECT count(*) FROM calls WHERE wellbeing IS NOT NULL AND outcome <> 'reached'),
               (SELECT count(DISTINCT c.id) FROM calls c JOIN needs n ON n.call_id = c.id
                WHERE c.outcome <> 'reached'),
               (SELECT count(*) FROM calls
                WHERE outcome = 'callback_requested' AND callback_at IS NULL),
               (SELECT count(*) FROM interventions
                WHERE urgency = 'emergency' AND wanted_at IS NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        // An emergency is an urgent wellbeing or an emergency request made during the call
        // (src/domain/consistency.rs); its protocol is its row of `emergencies`.
        let (unrecorded, unfounded): (i64, i64) = self.read().query_row(
            "SELECT
               (SELECT count(*) FROM (SELECT id FROM calls WHERE wellbeing = 'urgent'
                                      UNION SELECT call_id FROM interventions
                                      WHERE urgency = 'emergency' AND call_id IS NOT NULL) u
                WHERE NOT EXISTS (SELECT 1 FROM emergencies e WHERE e.call_id = u.id)),
               (SELECT count(*) FROM emergencies e JOIN calls c ON c.id = e.call_id
                WHERE c.wellbeing IS NOT 'urgent'
                  AND NOT EXISTS (SELECT 1 FROM interventions i
                                  WHERE i.call_id = e.call_id AND i.urgency = 'emergency'))",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let parts: Vec<String> = [
            (
                wellbeing,
                tr!(
                    "avec un état alors que personne n'a été joint",
                    "with a wellbeing though nobody was reached"
                ),
            ),
            (
                needs,
                tr!(
                    "avec des besoins alors que personne n'a été joint",
                    "with needs though nobody was reached"
                ),
            ),
            (
                callback,
                tr!("rappels sans heure", "callbacks without a time"),
            ),
            (
                emergency,
                tr!(
                    "demandes en urgence sans heure",
                    "emergency requests without a time"
                ),
            ),
            (
                unrecorded,
                tr!(
                    "urgences sans leur protocole",
                    "emergencies without their protocol"
                ),
            ),
            (
                unfounded,
                tr!(
                    "protocoles d'urgence sur des appels qui ne sont pas une urgence",
                    "emergency protocols on calls that are no emergency"
                ),
            ),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        Ok(Check {
            name: "records",
            ok: true,
            detail: if parts.is_empty() {
                tr!(
                    "chaque appel n'a que les champs de son résultat",
                    "every call holds only the fields of its outcome"
                )
            } else {
                tr!(
                    "écrits avant que veille ne les refuse : {} (gardés tels quels ; les chiffres les comptent)",
                    "written before veille refused them: {} (kept as they are; the figures count them)",
                    parts.join(", ")
                )
            },
        })
    }
}

/// The type of the file system holding `path`, from the longest matching mount point.
fn filesystem_of(path: &Path) -> Option<String> {
    let full = std::fs::canonicalize(path).ok()?;
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let _device = parts.next()?;
            let point = parts.next()?.replace("\\040", " ");
            let fstype = parts.next()?;
            full.starts_with(&point)
                .then(|| (point.len(), fstype.to_string()))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, fs)| fs)
}

pub(crate) fn free_space(path: &Path) -> Option<u64> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stat = nix::sys::statvfs::statvfs(dir).ok()?;
    Some(stat.blocks_available() as u64 * stat.fragment_size() as u64)
}
