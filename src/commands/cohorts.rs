//! `veille cohorts list|add|set`.

use anyhow::Result;

use super::Context;
use crate::access::Need;
use crate::cli::CohortsCommand;
use crate::domain::parse;
use crate::store::NewCohort;
use crate::tr;

pub fn run(ctx: &Context, cmd: &CohortsCommand) -> Result<()> {
    let mut store = ctx.open()?;
    let now = ctx.clock.now();
    let today = store.rules()?.local_date(now);
    let date = |text: &Option<String>| -> Result<Option<chrono::NaiveDate>> {
        text.as_deref()
            .map(parse::date)
            .transpose()
            .map_err(anyhow::Error::msg)
    };
    match cmd {
        CohortsCommand::List(flag) => {
            ctx.act(&store, None, Need::Operator)?;
            let cohorts = store.cohorts()?;
            if flag.json {
                println!("{}", serde_json::to_string_pretty(&cohorts)?);
            } else if cohorts.is_empty() {
                tell!(
                    "Pas encore de cohorte : ajoutez-en une avec `veille cohorts add NOM`.",
                    "No cohort yet: add one with `veille cohorts add NAME`."
                );
            } else {
                print_cohorts(&cohorts);
            }
        }
        CohortsCommand::Add {
            name,
            priority,
            cadence,
            starts,
            by,
        } => {
            let by = ctx.act(&store, by.operator.as_deref(), Need::Coordinator)?;
            let priority = match priority {
                Some(p) => *p,
                None => {
                    store
                        .cohorts()?
                        .iter()
                        .map(|c| c.priority)
                        .max()
                        .unwrap_or(0)
                        + 1
                }
            };
            let starts_on = date(starts)?.unwrap_or(today);
            store.add_cohort(
                &NewCohort {
                    name: name.clone(),
                    priority,
                    cadence_days: *cadence,
                    starts_on,
                },
                by.id(),
                now,
            )?;
            tell!(
                "Cohorte « {name} » ajoutée : priorité {priority}, tous les {cadence} jours, \
                 appelée à partir du {}.",
                "Cohort '{name}' added: priority {priority}, every {cadence} days, called from {}.",
                starts_on.format("%d/%m/%Y")
            );
        }
        CohortsCommand::Set {
            name,
            priority,
            cadence,
            starts,
            pause,
            resume,
            by,
        } => {
            let by = ctx.act(&store, by.operator.as_deref(), Need::Coordinator)?;
            let active = if *pause {
                Some(false)
            } else if *resume {
                Some(true)
            } else {
                None
            };
            let c = store.update_cohort(
                name,
                *priority,
                *cadence,
                date(starts)?,
                active,
                by.id(),
                now,
            )?;
            tell!(
                "Cohorte « {} » : priorité {}, tous les {} jours, à partir du {}, {}.",
                "Cohort '{}': priority {}, every {} days, from {}, {}.",
                c.name,
                c.priority,
                c.cadence_days,
                c.starts_on.format("%d/%m/%Y"),
                called(c.active)
            );
        }
    }
    Ok(())
}

/// Whether a cohort is called, in the user's language.
fn called(active: bool) -> String {
    if active {
        tr!("appelée", "called")
    } else {
        tr!("en pause", "paused")
    }
}

/// The cohorts as a table, headers in the user's language.
fn print_cohorts(cohorts: &[crate::store::Cohort]) {
    let [priority, name, cadence, from, tenants, state] = match crate::i18n::cli_lang() {
        crate::i18n::Lang::Fr => ["priorité", "nom", "rythme", "depuis", "locataires", "état"],
        crate::i18n::Lang::En => ["priority", "name", "cadence", "from", "tenants", "state"],
    };
    say!("{priority:>8}  {name:<24} {cadence:>8} {from:>10} {tenants:>10}  {state}");
    for c in cohorts {
        say!(
            "{:>8}  {:<24} {:>7}{} {:>10} {:>10}  {}",
            c.priority,
            c.name,
            c.cadence_days,
            tr!("j", "d"),
            c.starts_on.format("%d/%m/%Y"),
            c.tenants,
            called(c.active)
        );
    }
}
