//! `veille backup FILE`: a consistent copy while operators work.

use std::path::Path;

use anyhow::{Result, bail};

use super::Context;
use crate::store::Store;

pub fn run(ctx: &Context, file: &Path, force: bool) -> Result<()> {
    if file.exists() && !force {
        bail!(
            "{} already exists; choose another name or add --force to replace it",
            file.display()
        );
    }
    if std::fs::canonicalize(file).ok() == std::fs::canonicalize(&ctx.db).ok() && file.exists() {
        bail!("the backup cannot be the database itself");
    }
    let mut store = Store::open_existing(&ctx.db)?;
    let size = store.backup_to(file, ctx.clock.now())?;
    println!("Backup written: {} ({} KiB)", file.display(), size / 1024);
    Ok(())
}
