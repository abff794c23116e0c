//! `veille operators [link|unlink]`: who can sign in, and from which Unix account.

use anyhow::Result;

use super::{Context, printable};
use crate::access::Need;
use crate::cli::{JsonFlag, OperatorsArgs, OperatorsCommand};

pub fn run(ctx: &Context, args: &OperatorsArgs) -> Result<()> {
    match &args.command {
        None => list(ctx, &args.list),
        Some(OperatorsCommand::Link { login, account, by }) => {
            link(ctx, login, Some(account), by.operator.as_deref())
        }
        Some(OperatorsCommand::Unlink { login, by }) => {
            link(ctx, login, None, by.operator.as_deref())
        }
    }
}

fn list(ctx: &Context, args: &JsonFlag) -> Result<()> {
    let store = ctx.open()?;
    ctx.act(&store, None, Need::Operator)?;
    let ops = store.operators()?;
    if args.json {
        let list: Vec<_> = ops
            .iter()
            .map(|o| serde_json::json!({"id": o.id, "login": o.login, "name": o.name, "organisation": o.organisation, "role": o.role, "unix_account": o.unix_account}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    if ops.is_empty() {
        tell!(
            "Aucun opérateur pour l'instant : importez-les avec `veille import operators FICHIER`.",
            "No operator yet: import them with `veille import operators FILE`."
        );
    }
    for o in ops {
        let line = format!(
            "{:>4}  {:<16} {:<28} {:<12} {:<16} {}",
            o.id,
            o.login,
            o.name,
            match o.role {
                crate::domain::Role::Coordinator => crate::tr!("coordinateur", "coordinator"),
                crate::domain::Role::Operator => crate::tr!("opérateur", "operator"),
            },
            o.unix_account.as_deref().unwrap_or("-"),
            o.organisation
        );
        say!("{}", printable(&line));
    }
    Ok(())
}

fn link(ctx: &Context, login: &str, account: Option<&str>, by: Option<&str>) -> Result<()> {
    let mut store = ctx.open()?;
    let by = ctx.act(&store, by, Need::Coordinator)?;
    let op = store.operator(login)?;
    if let Some(account) = account
        && !crate::import::operators::is_account(account)
    {
        anyhow::bail!(crate::tr!(
            "« {} » n'est pas un nom de compte Unix (lettres, chiffres, '.', '_', '-')",
            "'{}' is not a Unix account name (letters, digits, '.', '_', '-')",
            printable(account)
        ));
    }
    store.link_account(op.id, account, by.id(), ctx.clock.now())?;
    let line = match account {
        Some(a) => crate::tr!(
            "{} ({}) est lié·e au compte « {a} » : veille agit en son nom pour ce compte seulement.",
            "{} ({}) is linked to the account '{a}': veille acts as them for that account only.",
            op.name,
            op.login
        ),
        None => crate::tr!(
            "{} ({}) n'est plus lié·e à un compte.",
            "{} ({}) is no longer linked to an account.",
            op.name,
            op.login
        ),
    };
    say!("{}", printable(&line));
    Ok(())
}
