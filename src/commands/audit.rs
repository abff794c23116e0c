//! `veille audit`: who did what, newest first.

use anyhow::Result;

use super::Context;
use crate::access::Need;
use crate::cli::AuditArgs;
use crate::domain::parse;

pub fn run(ctx: &Context, args: &AuditArgs) -> Result<()> {
    let store = ctx.open()?;
    ctx.act(&store, None, Need::Coordinator)?;
    let rules = store.rules()?;
    let since = match &args.since {
        Some(text) => {
            let day = parse::date(text).map_err(anyhow::Error::msg)?;
            Some(crate::domain::hours::local_instant(day, 0, rules.tz))
        }
        None => None,
    };
    let operator = args
        .operator
        .as_deref()
        .map(|o| store.operator(o))
        .transpose()?
        .map(|o| o.id);
    let tenant = args
        .tenant
        .as_deref()
        .map(|t| store.find_tenant(t))
        .transpose()?
        .map(|t| t.id);
    let entries = store.audit_entries(since, operator, tenant, args.limit)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(());
    }
    if entries.is_empty() {
        tell!(
            "Rien dans le journal d'audit pour cette sélection.",
            "Nothing in the audit log for this selection."
        );
    }
    for e in entries {
        let line = format!(
            "{}  {:<12} {:<12} {:<28} {:<10} {}",
            e.at.with_timezone(&rules.tz).format("%d/%m/%Y %H:%M:%S"),
            e.operator.as_deref().unwrap_or("-"),
            e.unix_account.as_deref().unwrap_or("-"),
            super::named("audit_action", &e.action),
            e.tenant_ref.as_deref().unwrap_or(""),
            e.details
        );
        say!("{}", super::printable(&line));
    }
    Ok(())
}
