//! `veille doctor`: is the database file healthy, well placed, and replicated?

use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::Context;
use crate::cli::DoctorArgs;
use crate::replication::Litestream;
use crate::store::Store;
use crate::store::doctor::Check;
use crate::tr;

/// How far the file may run ahead of its replica before replication counts as stopped:
/// Litestream ships every second, and a busy minute is already a minute of calls at risk.
const REPLICA_LAG_LIMIT: chrono::Duration = chrono::Duration::seconds(60);

pub fn run(ctx: &Context, args: &DoctorArgs) -> Result<()> {
    // Before opening: opening may create an empty WAL, which is not a change.
    let changed = last_change(&ctx.db);
    let store = Store::open_existing(&ctx.db)?;
    let mut checks = store.doctor()?;
    checks.push(access(&ctx.db, &store));
    // What follows reads files the user names and runs Litestream: not with a setgid
    // veille's group.
    crate::process::drop_group_rights()?;
    let litestream = Litestream {
        config: args.litestream_config.clone(),
    };
    checks.push(replication(&ctx.db, changed, &litestream));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&checks)?);
    } else {
        let db = super::printable(&ctx.db.display().to_string());
        tell!("Base : {db}", "Database: {db}");
        for c in &checks {
            say!("{}", line(c));
        }
    }
    if checks.iter().all(|c| c.ok) {
        Ok(())
    } else {
        anyhow::bail!(tr!(
            "des vérifications ont échoué (voir ci-dessus)",
            "some checks failed (see above)"
        ))
    }
}

/// "ok   integrity    ok", a check's name in the user's language; JSON keeps the code.
pub(super) fn line(c: &Check) -> String {
    let name = match (crate::i18n::cli_lang(), c.name) {
        (crate::i18n::Lang::En, name) => name,
        (_, "integrity") => "intégrité",
        (_, "schema") => "schéma",
        (_, "file system") => "fichiers",
        (_, "free disk") => "disque libre",
        (_, "backup") => "sauvegarde",
        (_, "records") => "fiches",
        (_, "access") => "accès",
        (_, "replication") => "réplication",
        (_, name) => name,
    };
    let mark = if c.ok { "ok  " } else { &tr!("ÉCHEC", "FAIL") };
    format!("{mark} {name:<12} {}", c.detail)
}

/// Whether operators reach the file only through veille: in the recommended deployment
/// the binary is setgid to the data's group, which no operator is in (docs/DEPLOY.md).
fn access(db: &Path, store: &Store) -> Check {
    use std::os::unix::fs::MetadataExt;
    let check = |ok, detail: String| Check {
        name: "access",
        ok,
        detail,
    };
    let file = match std::fs::metadata(db) {
        Ok(m) => m,
        Err(e) => {
            return check(
                false,
                tr!(
                    "la base ne peut pas être examinée : {e}",
                    "the database cannot be examined: {e}"
                ),
            );
        }
    };
    if file.mode() & 0o007 != 0 {
        return check(
            false,
            tr!(
                "tous les comptes du serveur peuvent lire la base : faites-lui chmod 660 (docs/DEPLOY.md)",
                "every account on the server can read the database: chmod 660 it (docs/DEPLOY.md)"
            ),
        );
    }
    let binary = std::env::current_exe().and_then(std::fs::metadata);
    let Some(group) = binary
        .ok()
        .filter(|m| m.mode() & 0o2000 != 0)
        .map(|m| m.gid())
    else {
        return check(
            true,
            tr!(
                "les opérateurs du groupe de la base peuvent la lire et la changer sans veille \
                 (sqlite3) : installez veille setgid sur un groupe à lui (docs/DEPLOY.md)",
                "operators in the database's group can read and change it without veille \
                 (sqlite3): install veille setgid to a group of its own (docs/DEPLOY.md)"
            ),
        );
    };
    let name = group_name(group);
    let folder = db.parent().map(std::fs::metadata);
    match folder {
        Some(Ok(f)) if f.gid() == group && f.mode() & 0o7777 == 0o2770 => {}
        _ => {
            return check(
                false,
                tr!(
                    "le dossier de la base doit être en mode 2770 et du groupe {name} (docs/DEPLOY.md)",
                    "the database's folder must be mode 2770 and group {name} (docs/DEPLOY.md)"
                ),
            );
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut path = db.as_os_str().to_owned();
        path.push(suffix);
        if let Ok(m) = std::fs::metadata(Path::new(&path))
            && (m.gid() != group || m.mode() & 0o007 != 0)
        {
            return check(
                false,
                tr!(
                    "{} doit être du groupe {name} et illisible des autres (chgrp {name}, chmod 660)",
                    "{} must be group {name} and unreadable by others (chgrp {name}, chmod 660)",
                    super::printable(&Path::new(&path).display().to_string())
                ),
            );
        }
    }
    let accounts: Vec<String> = store
        .operators()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|o| o.unix_account)
        .collect();
    let inside: Vec<String> = accounts
        .into_iter()
        .filter(|a| in_group(a, group))
        .collect();
    if !inside.is_empty() {
        return check(
            false,
            tr!(
                "des opérateurs du groupe {name} ouvrent le fichier sans veille : {} ; retirez-les \
                 du groupe (gpasswd -d COMPTE {name})",
                "operators in the group {name} open the file without veille: {}; take them out \
                 of it (gpasswd -d ACCOUNT {name})",
                super::printable(&inside.join(", "))
            ),
        );
    }
    check(
        true,
        tr!(
            "les opérateurs n'atteignent la base que par veille (setgid sur {name})",
            "operators reach the database only through veille (setgid to {name})"
        ),
    )
}

fn group_name(gid: u32) -> String {
    nix::unistd::Group::from_gid(nix::unistd::Gid::from_raw(gid))
        .ok()
        .flatten()
        .map_or_else(|| gid.to_string(), |g| g.name)
}

/// Whether a Unix account has `gid` as its own group or among its groups.
fn in_group(account: &str, gid: u32) -> bool {
    let gid = nix::unistd::Gid::from_raw(gid);
    let primary = nix::unistd::User::from_name(account)
        .ok()
        .flatten()
        .is_some_and(|u| u.gid == gid);
    let member = nix::unistd::Group::from_gid(gid)
        .ok()
        .flatten()
        .is_some_and(|g| g.mem.iter().any(|m| m == account));
    primary || member
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
                tr!(
                    "{} est donné, mais Litestream n'a jamais répliqué ce fichier : le service \
                     litestream tourne-t-il, et sa configuration nomme-t-elle ce fichier ?",
                    "{} is given, but Litestream has never replicated this file: is the \
                     litestream service running, and does its configuration name this file?",
                    super::printable(&config.display().to_string())
                ),
            );
        }
        return check(
            true,
            tr!(
                "non répliquée : un disque perdu perdrait tout ce qui a été enregistré depuis la \
                 dernière sauvegarde ; répliquez le fichier avec Litestream (docs/DEPLOY.md)",
                "not replicated: a lost disk would lose every save since the last backup; \
                 replicate the file with Litestream (docs/DEPLOY.md)"
            ),
        );
    }
    let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    let position = match litestream.replica_position(&db) {
        Ok(Some(p)) => p,
        Ok(None) => {
            return check(
                false,
                tr!(
                    "Litestream a répliqué ce fichier mais sa réplique ne contient rien : le \
                     service litestream tourne-t-il (systemctl status litestream) ?",
                    "Litestream has replicated this file but its replica holds nothing: is the \
                     litestream service running (systemctl status litestream)?"
                ),
            );
        }
        Err(e) => {
            return check(
                false,
                tr!(
                    "Litestream a répliqué ce fichier mais sa réplique ne peut pas être lue : {e}",
                    "Litestream has replicated this file but its replica cannot be read: {e}"
                ),
            );
        }
    };
    let (at, txid) = (
        position.at.format("%d/%m/%Y %H:%M:%S"),
        position.txid.trim_start_matches('0'),
    );
    let newest = tr!(
        "le changement le plus récent de la réplique a été écrit le {at} UTC (transaction {txid})",
        "the replica's newest change was written at {at} UTC (transaction {txid})"
    );
    match changed.map(|changed| changed - position.at) {
        Some(behind) if behind > REPLICA_LAG_LIMIT => check(
            false,
            tr!(
                "la réplication s'est arrêtée : le fichier a changé {} s après que {newest} ; \
                 démarrez le service litestream (systemctl status litestream) et vérifiez sa réplique",
                "replication has stopped: the file changed {} s after {newest}; start the \
                 litestream service (systemctl status litestream) and check its replica",
                behind.num_seconds()
            ),
        ),
        Some(behind) if behind > chrono::Duration::zero() => check(
            true,
            tr!(
                "répliquée par Litestream, {} s derrière le fichier : {newest}",
                "replicated by Litestream, {} s behind the file: {newest}",
                behind.num_seconds()
            ),
        ),
        _ => check(
            true,
            tr!(
                "répliquée par Litestream, à jour : {newest}",
                "replicated by Litestream, up to date: {newest}"
            ),
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
