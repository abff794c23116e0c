//! `veille settings show|set`.

use anyhow::Result;

use super::Context;
use crate::access::Need;
use crate::cli::SettingsCommand;
use crate::domain::rules::SETTINGS_HELP;

pub fn run(ctx: &Context, cmd: &SettingsCommand) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        SettingsCommand::Show => {
            ctx.act(&store, None, Need::Operator)?;
            let r = store.rules()?;
            say!("calling_hours          {}", r.hours.display());
            say!("timezone               {}", r.tz);
            say!("lease_minutes          {}", r.lease.num_minutes());
            say!("retry_minutes          {}", r.retry_after.num_minutes());
            say!("max_attempts_per_day   {}", r.max_attempts_per_day);
            say!("callback_grace_minutes {}", r.callback_grace.num_minutes());
            say!("ladder_attempts_per_day {}", r.ladder.attempts_per_day);
            say!("ladder_days            {}", r.ladder.days);
            say!(
                "unknown_lives_alone_counts_as_alone {}",
                super::yes_no(r.ladder.unknown_counts_as_alone)
            );
            say!(
                "emergency_alert_minutes {}",
                r.emergency_unassigned_alert.num_minutes()
            );
            say!(
                "emergency_callback_minutes {}",
                r.emergency_callback.num_minutes()
            );
            say!(
                "import_ages            {}-{}",
                r.import_ages.0,
                r.import_ages.1
            );
        }
        SettingsCommand::Set { key, value, by } => {
            let by = ctx.act(&store, by.operator.as_deref(), Need::Coordinator)?;
            if !SETTINGS_HELP.iter().any(|(k, _, _)| k == key) {
                let keys: Vec<String> = SETTINGS_HELP
                    .iter()
                    .map(|(k, fr, en)| crate::tr!("  {k} : {fr}", "  {k}: {en}"))
                    .collect();
                anyhow::bail!(crate::tr!(
                    "le réglage « {key} » n'existe pas. Les réglages sont :\n{}",
                    "unknown setting '{key}'. The settings are:\n{}",
                    keys.join("\n")
                ));
            }
            // Check the value before keeping it, so a typo never stops the program.
            let mut rules = store.rules()?;
            rules.apply(key, value).map_err(anyhow::Error::msg)?;
            store.change_setting(key, value.trim(), by.id(), ctx.clock.now())?;
            say!("{key} = {value}");
        }
    }
    Ok(())
}
