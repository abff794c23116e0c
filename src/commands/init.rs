//! `veille init`: create or upgrade the database.

use anyhow::Result;

use super::Context;
use crate::store::Store;

pub fn run(ctx: &Context) -> Result<()> {
    let existed = ctx.db.exists();
    let mut store = ctx.open()?;
    if store.cohorts()?.is_empty() {
        default_cohorts(&mut store, ctx)?;
    }
    let (path, version) = (ctx.db.display(), store.schema_version()?);
    if existed {
        tell!(
            "Base de données vérifiée : {path} (schéma version {version})",
            "Database checked: {path} (schema version {version})"
        );
    } else {
        tell!(
            "Base de données créée : {path} (schéma version {version})",
            "Database created: {path} (schema version {version})"
        );
    }
    if store.operators()?.is_empty() {
        tell!(
            "Ensuite : importez les opérateurs et les locataires (veille import operators \
             FICHIER, veille import tenants FICHIER).",
            "Next: import operators and tenants (veille import operators FILE, veille import \
             tenants FILE)."
        );
    }
    Ok(())
}

/// The two cohorts of the program: isolated seniors first, then those who live with
/// someone; named in the program's language (`--lang`, the machine's setting, `LANG`).
pub fn default_cohorts(store: &mut Store, ctx: &Context) -> Result<()> {
    let now = ctx.clock.now();
    let today = store.rules()?.local_date(now);
    let names = ctx.language().cohort_names();
    for (name, priority) in names.into_iter().zip([1, 2]) {
        store.add_cohort(
            &crate::store::NewCohort {
                name: name.into(),
                priority,
                cadence_days: 7,
                starts_on: today,
            },
            None,
            now,
        )?;
    }
    Ok(())
}
