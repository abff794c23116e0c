//! `veille backup FILE`: a consistent copy while operators work.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

use super::{Context, printable};
use crate::access::Need;

pub fn run(ctx: &Context, file: &Path, force: bool, by: Option<&str>) -> Result<()> {
    let dest = destination(ctx, file)?;
    let shown = printable(&dest.display().to_string());
    if dest.exists() && !force {
        bail!(crate::tr!(
            "{shown} existe déjà ; choisissez un autre nom ou ajoutez --force pour le remplacer",
            "{shown} already exists; choose another name or add --force to replace it"
        ));
    }
    if std::fs::canonicalize(&dest).ok() == std::fs::canonicalize(&ctx.db).ok() && dest.exists() {
        bail!(crate::tr!(
            "la sauvegarde ne peut pas être la base elle-même",
            "the backup cannot be the database itself"
        ));
    }
    // A setgid veille writes the copy with the data's group (it holds everything the
    // file holds), then gives the group up.
    let mut store = ctx.open_keeping_group()?;
    let written = ctx
        .act(&store, by, Need::Coordinator)
        .and_then(|by| Ok(store.backup_to(&dest, by.id(), ctx.clock.now())?));
    crate::process::drop_group_rights()?;
    let size = written?;
    let kib = size / 1024;
    tell!(
        "Sauvegarde écrite : {shown} ({kib} Kio)",
        "Backup written: {shown} ({kib} KiB)"
    );
    Ok(())
}

/// Where the copy goes: the path given; for a setgid veille, a file name inside the
/// folder the system's configuration names, and nowhere else.
fn destination(ctx: &Context, file: &Path) -> Result<PathBuf> {
    if !ctx.setgid {
        return Ok(file.to_path_buf());
    }
    let Some(folder) = &ctx.backups else {
        bail!(crate::tr!(
            "ce veille n'écrit de sauvegardes que dans le dossier nommé dans {} (backups = \
             \"/srv/veille/backups\"), et aucun n'y est nommé ; demandez à l'administrateur du serveur",
            "this veille writes backups only into the folder named in {} (backups = \
             \"/srv/veille/backups\"), and none is named; ask the server's administrator",
            crate::config::SYSTEM_CONFIG
        ));
    };
    let mut parts = file.components();
    match (parts.next(), parts.next()) {
        (Some(std::path::Component::Normal(name)), None) => Ok(folder.join(name)),
        _ => bail!(crate::tr!(
            "donnez à la sauvegarde un nom de fichier sans dossier : elle est écrite dans {}",
            "give the backup a file name without a folder: it is written into {}",
            printable(&folder.display().to_string())
        )),
    }
}
