//! `veille purge --older-than MONTHS`: retention of free text and health details.

use anyhow::{Result, bail};

use super::Context;
use crate::access::Need;

pub fn run(ctx: &Context, months: u32, dry_run: bool, operator: Option<&str>) -> Result<()> {
    if months == 0 {
        bail!(crate::tr!(
            "--older-than vaut au moins 1 mois",
            "--older-than must be at least 1 month"
        ));
    }
    let mut store = ctx.open()?;
    let by = ctx.act(&store, operator, Need::Coordinator)?.id();
    let now = ctx.clock.now();
    let before = now
        .checked_sub_months(chrono::Months::new(months))
        .ok_or_else(|| {
            anyhow::anyhow!(crate::tr!(
                "--older-than {months} remonte trop loin",
                "--older-than {months} goes too far back"
            ))
        })?;
    let p = store.purge_before(before, by, dry_run, now)?;
    let rules = store.rules()?;
    let day = before.with_timezone(&rules.tz).format("%d/%m/%Y");
    let (calls, needs, referrals, interventions, events) = (
        p.call_notes,
        p.need_details,
        p.referral_notes,
        p.intervention_details,
        p.event_notes,
    );
    if dry_run {
        tell!(
            "Textes écrits avant le {day} qui seraient effacés : {calls} notes d'appel, {needs} précisions de besoin, {referrals} notes d'orientation, {interventions} précisions d'intervention, {events} notes d'historique.",
            "Would wipe text written before {day}: {calls} call notes, {needs} need details, {referrals} referral notes, {interventions} intervention details, {events} history notes."
        );
        tell!(
            "Rien n'a été changé (essai à blanc).",
            "Nothing was changed (dry run)."
        );
        return Ok(());
    }
    tell!(
        "Textes écrits avant le {day} effacés : {calls} notes d'appel, {needs} précisions de besoin, {referrals} notes d'orientation, {interventions} précisions d'intervention, {events} notes d'historique.",
        "Wiped text written before {day}: {calls} call notes, {needs} need details, {referrals} referral notes, {interventions} intervention details, {events} history notes."
    );
    if p.journal_emptied {
        tell!(
            "Les textes effacés ne sont plus ni dans le fichier ni dans son journal.",
            "The wiped texts are gone from the file and its journal."
        );
    } else {
        tell!(
            "Les textes effacés ne sont plus dans le fichier, mais son journal (le fichier -wal) \
             n'a pas pu être vidé pendant qu'un autre programme le lit : arrêtez Litestream, \
             relancez la purge, puis redémarrez Litestream (docs/DEPLOY.md, Retention).",
            "The wiped texts are gone from the file, but its journal (the -wal file) could not \
             be emptied while another program reads it: stop Litestream, run the purge again, \
             then start Litestream (docs/DEPLOY.md, Retention)."
        );
    }
    Ok(())
}
