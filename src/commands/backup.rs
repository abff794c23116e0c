//! `veille backup FILE`: a consistent copy while operators work.

use std::path::Path;

use anyhow::{Result, bail};

use super::Context;
use crate::access::Need;

pub fn run(ctx: &Context, file: &Path, force: bool, by: Option<&str>) -> Result<()> {
    if file.exists() && !force {
        bail!(
            "{} already exists; choose another name or add --force to replace it",
            file.display()
        );
    }
    if std::fs::canonicalize(file).ok() == std::fs::canonicalize(&ctx.db).ok() && file.exists() {
        bail!("the backup cannot be the database itself");
    }
    let mut store = ctx.open_existing()?;
    let by = ctx.act(&store, by, Need::Coordinator)?;
    let size = store.backup_to(file, by.id(), ctx.clock.now())?;
    say!("Backup written: {} ({} KiB)", file.display(), size / 1024);
    Ok(())
}
