//! `veille restore REPLICA OUTPUT`: a replica brought back as a working database on a new
//! machine, checked, with the time it reflects.

use std::time::Instant;

use anyhow::{Context as _, Result, bail};

use super::printable;
use crate::cli::RestoreArgs;
use crate::replication::Litestream;
use crate::store::Store;

pub fn run(args: &RestoreArgs) -> Result<()> {
    let output = &args.output;
    // Nothing may stand at the new file's name: not a file, not a link (it would be
    // written through), and not a journal left by another database, which SQLite would
    // apply to the restored file when opening it.
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut path = output.as_os_str().to_owned();
        path.push(suffix);
        let path = std::path::PathBuf::from(path);
        if std::fs::symlink_metadata(&path).is_ok() {
            bail!(crate::tr!(
                "{} existe déjà : restaurez sous un nouveau nom de fichier, vérifiez-le, puis \
                 mettez-le en place (docs/DEPLOY.md)",
                "{} already exists: restore into a new file name, check it, then put it in \
                 place (docs/DEPLOY.md)",
                printable(&path.display().to_string())
            ));
        }
    }
    let at = args
        .at
        .as_deref()
        .map(|text| {
            chrono::DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&chrono::Utc))
                .with_context(|| {
                    crate::tr!(
                        "--at « {text} » n'est pas une heure comme 2026-12-03T10:00:00Z",
                        "--at '{text}' is not a time like 2026-12-03T10:00:00Z"
                    )
                })
        })
        .transpose()?;
    let started = Instant::now();
    let litestream = Litestream {
        config: args.litestream_config.clone(),
    };
    litestream.restore(&args.replica, output, at)?;
    // Health information: owner and group only, as `veille init` makes it.
    crate::store::make_private(output)?;
    let took = started.elapsed().as_secs_f64();

    let store = Store::open_existing(output)?;
    let checks = store.doctor()?;
    let contents = store.contents()?;
    let rules = store.rules()?;
    let shown = printable(&output.display().to_string());
    tell!(
        "{shown} restauré en {took:.1} s.",
        "Restored {shown} in {took:.1} s."
    );
    for c in checks
        .iter()
        .filter(|c| matches!(c.name, "integrity" | "schema"))
    {
        say!("{}", super::doctor::line(c));
    }
    let (tenants, calls) = (contents.tenants, contents.calls);
    let as_of = contents.last_write.map_or_else(
        || {
            crate::tr!(
                "sa création (rien n'y a été écrit)",
                "its creation (nothing was written in it)"
            )
        },
        |t| {
            t.with_timezone(&rules.tz)
                .format("%d/%m/%Y %H:%M:%S (%Z)")
                .to_string()
        },
    );
    tell!(
        "{tenants} locataires, {calls} appels. Le fichier montre le programme tel qu'il était à {as_of}.",
        "{tenants} tenants, {calls} calls. The file reflects the program as of {as_of}."
    );
    if contents.open_claims > 0 {
        let (n, lease) = (contents.open_claims, rules.lease.num_minutes());
        tell!(
            "{n} locataires étaient en cours d'appel : leur prise en charge finit avec son bail \
             ({lease} minutes), et ils reviennent d'eux-mêmes dans la file.",
            "{n} tenants were being called: their claims end with their lease ({lease} minutes), \
             and they come back to the queue by themselves."
        );
    }
    tell!(
        "Les appels saisis après ce moment sont dans les brouillons des opérateurs : le veille \
         de chacun les lui propose à son prochain démarrage, et un appel déjà dans le fichier \
         n'est pas enregistré deux fois.",
        "Calls typed after that time are in the operators' drafts: each operator's veille \
         offers theirs again at its next start, and a call already in the file is not saved twice."
    );
    if checks
        .iter()
        .any(|c| matches!(c.name, "integrity" | "schema") && !c.ok)
    {
        bail!(crate::tr!(
            "le fichier restauré n'a pas passé ses vérifications (voir ci-dessus) ; essayez un --at plus ancien",
            "the restored file failed its checks (see above); try an earlier --at"
        ));
    }
    tell!(
        "Pour l'utiliser : arrêtez tous les veille, mettez-le à la place de la base (supprimez \
         les anciens fichiers -wal et -shm), et lancez `veille doctor`.",
        "To use it: stop every veille, put it in place of the database (remove the old -wal \
         and -shm files), and run `veille doctor`."
    );
    Ok(())
}
