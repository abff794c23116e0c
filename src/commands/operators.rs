//! `veille operators`: who can sign in.

use anyhow::Result;

use super::Context;
use crate::cli::JsonFlag;

pub fn run(ctx: &Context, args: &JsonFlag) -> Result<()> {
    let store = ctx.open()?;
    let ops = store.operators()?;
    if args.json {
        let list: Vec<_> = ops
            .iter()
            .map(|o| serde_json::json!({"id": o.id, "login": o.login, "name": o.name, "organisation": o.organisation, "role": o.role}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if ops.is_empty() {
        println!("No operator yet: import them with `veille import operators FILE`.");
    }
    for o in ops {
        println!(
            "{:>4}  {:<16} {:<28} {:<12} {}",
            o.id, o.login, o.name, o.role, o.organisation
        );
    }
    Ok(())
}
