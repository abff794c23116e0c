//! `veille purge --older-than MONTHS`: retention of free text and health details.

use anyhow::{Result, bail};

use super::Context;
use crate::access::Need;

pub fn run(ctx: &Context, months: u32, dry_run: bool, operator: Option<&str>) -> Result<()> {
    if months == 0 {
        bail!("--older-than must be at least 1 month");
    }
    let mut store = ctx.open()?;
    let by = ctx.act(&store, operator, Need::Coordinator)?.id();
    let now = ctx.clock.now();
    let before = now
        .checked_sub_months(chrono::Months::new(months))
        .ok_or_else(|| anyhow::anyhow!("--older-than {months} goes too far back"))?;
    let p = store.purge_before(before, by, dry_run, now)?;
    let verb = if dry_run { "Would wipe" } else { "Wiped" };
    let rules = store.rules()?;
    say!(
        "{verb} text written before {}: {} call notes, {} need details, {} referral notes, {} intervention details, {} history notes.",
        before.with_timezone(&rules.tz).format("%d/%m/%Y"),
        p.call_notes,
        p.need_details,
        p.referral_notes,
        p.intervention_details,
        p.event_notes
    );
    if dry_run {
        say!("Nothing was changed (dry run).");
    } else if p.journal_emptied {
        say!("The wiped texts are gone from the file and its journal.");
    } else {
        say!(
            "The wiped texts are gone from the file, but its journal (the -wal file) could not \
             be emptied while another program reads it: stop Litestream, run the purge again, \
             then start Litestream (docs/DEPLOY.md, Retention)."
        );
    }
    Ok(())
}
