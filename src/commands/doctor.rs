//! `veille doctor`: is the database file healthy and well placed?

use anyhow::Result;

use super::Context;
use crate::cli::JsonFlag;
use crate::store::Store;

pub fn run(ctx: &Context, args: &JsonFlag) -> Result<()> {
    let store = Store::open_existing(&ctx.db)?;
    let checks = store.doctor()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&checks)?);
    } else {
        println!("Database: {}", ctx.db.display());
        for c in &checks {
            println!(
                "{} {:<12} {}",
                if c.ok { "ok  " } else { "FAIL" },
                c.name,
                c.detail
            );
        }
    }
    if checks.iter().all(|c| c.ok) {
        Ok(())
    } else {
        anyhow::bail!("some checks failed (see above)")
    }
}
