//! `veille import tenants|operators FILE [--cohort NAME] [--skip-invalid] [--dry-run]`.
//!
//! The file is read and checked in full first (`crate::import`); then the good rows
//! are written in one transaction, or nothing is written if any row is bad (unless
//! --skip-invalid). The report says what was read, what was wrong and where, and
//! what the import did or would do.

use std::path::Path;

use anyhow::{Context as _, Result, bail};

use super::Context;
use crate::access::Need;
use crate::cli::{ImportArgs, ImportCommand};
use crate::domain::parse::fold;
use crate::i18n::count;
use crate::import::{self, Layout, Problem};
use crate::store::{Cohort, ImportCounts, Store};
use crate::tr;

/// Tenants of the database missing from the file that the report names.
const ABSENT_SHOWN: usize = 10;

pub fn run(ctx: &Context, cmd: &ImportCommand) -> Result<()> {
    match cmd {
        ImportCommand::Tenants(args) => tenants(ctx, args),
        ImportCommand::Operators(args) => operators(ctx, args),
    }
}

fn tenants(ctx: &Context, args: &ImportArgs) -> Result<()> {
    let mut store = open_existing(ctx)?;
    let by = ctx.act(&store, args.by.operator.as_deref(), Need::Coordinator)?;
    // The list reads the file again for each pass over its rows: an import holds a row
    // at a time, whatever the file's size.
    let input = open_file(&args.file)?;
    let mut list = import::tenants::read_from(input).map_err(|e| file_error(&args.file, &e))?;
    let rules = store.rules()?;
    let cohorts = store.cohorts()?;
    let Some(first) = cohorts.first() else {
        bail!(tr!(
            "la base n'a pas encore de cohorte, et chaque locataire appartient à une : créez-en \
             une avec `veille cohorts add NOM` (par exemple `veille cohorts add \"isolés 70+\"`), \
             puis importez de nouveau",
            "the database has no cohort yet, and every tenant belongs to one: create one with \
             `veille cohorts add NAME` (for example `veille cohorts add \"isolated 70+\"`), then \
             import again"
        ));
    };
    let chosen = match &args.cohort {
        Some(name) => Some(find_cohort(&cohorts, name)?),
        None => None,
    };
    let new_cohort = chosen.unwrap_or(first);
    list.check(
        rules.local_date(ctx.clock.now()),
        rules.import_ages,
        &cohorts,
    )
    .map_err(|e| file_error(&args.file, &e))?;
    print_layout(&args.file, &list.layout);
    print_lost_letters(&list.lost_letters, list.layout.encoding);
    print_problems(&list.problems, list.bad_rows());
    let run = Run::new(args, list.bad_rows(), list.good_rows())?;

    let absent: Vec<(String, String)> = store
        .external_refs()?
        .into_iter()
        .filter(|(reference, _)| !list.mentions(reference))
        .collect();
    let counts = if list.good_rows() == 0 {
        ImportCounts::default()
    } else {
        let done = store.import_tenants(
            &list.imports(&cohorts, chosen.map(|c| c.id)),
            &list.columns,
            new_cohort.id,
            args.dry_run,
            ctx.clock.now(),
            by.id(),
        )?;
        ImportCounts::of(&done)
    };
    let mut where_to = match chosen {
        Some(c) => tr!(
            "les locataires sont mis dans la cohorte « {} »",
            "tenants are put in cohort '{}'",
            c.name
        ),
        None => tr!(
            "les nouveaux locataires vont dans la cohorte « {} », ceux déjà connus gardent la leur",
            "new tenants go to cohort '{}', tenants already known keep theirs",
            new_cohort.name
        ),
    };
    if list.names_cohorts() {
        where_to.push_str(&tr!(
            " ; les lignes qui nomment une cohorte y vont",
            "; rows naming a cohort go to it"
        ));
    }
    run.print_counts(counts, &format!(" ({where_to})"));
    print_absent(&absent, args.dry_run);
    run.end()
}

fn operators(ctx: &Context, args: &ImportArgs) -> Result<()> {
    if args.cohort.is_some() {
        bail!(tr!(
            "--cohort sert aux locataires : les opérateurs n'appartiennent à aucune cohorte",
            "--cohort is for tenants: operators do not belong to a cohort"
        ));
    }
    let mut store = open_existing(ctx)?;
    let by = ctx.act(&store, args.by.operator.as_deref(), Need::Coordinator)?;
    let bytes = read_file(&args.file)?;
    let known = store.operator_logins()?;
    let list = import::operators::read(&bytes, &known).map_err(|e| file_error(&args.file, &e))?;
    print_layout(&args.file, &list.layout);
    let made: Vec<String> = list
        .rows
        .iter()
        .filter(|r| r.login_made)
        .map(|r| format!("{} → {}", r.operator.name, r.operator.login))
        .collect();
    if !made.is_empty() {
        tell!(
            "Identifiants faits à partir des noms (le fichier n'en donne pas) :",
            "Logins made from the names (the file gives none):"
        );
        for line in &made {
            say!("  {line}");
        }
    }
    print_problems(&list.problems, list.bad_rows());
    let run = Run::new(args, list.bad_rows(), list.rows.len())?;

    let operators: Vec<_> = list.rows.into_iter().map(|r| r.operator).collect();
    let counts = if operators.is_empty() {
        ImportCounts::default()
    } else {
        let done = store.import_operators(
            &operators,
            &list.columns,
            args.dry_run,
            ctx.clock.now(),
            by.id(),
        )?;
        ImportCounts::of(&done)
    };
    run.print_counts(counts, "");
    run.end()
}

/// What the checked file allows: with bad rows and no --skip-invalid nothing is
/// written, and a dry run ends as the import would.
struct Run {
    bad: usize,
    good: usize,
    dry_run: bool,
    /// Bad rows stop the import.
    stopped: bool,
}

impl Run {
    /// Refuses a real import of a file with bad rows unless --skip-invalid.
    fn new(args: &ImportArgs, bad: usize, good: usize) -> Result<Run> {
        let stopped = bad > 0 && !args.skip_invalid;
        if stopped && !args.dry_run {
            bail!(tr!(
                "rien n'a été importé : {} (voir plus haut). Corrigez le fichier et importez-le \
                 de nouveau, ou ajoutez --skip-invalid pour importer {} et laisser les autres",
                "nothing was imported: {} (listed above). Correct them in the file and import \
                 again, or add --skip-invalid to import the {} and leave those out",
                count(
                    bad,
                    ["ligne est fausse", "lignes sont fausses"],
                    ["row is bad", "rows are bad"]
                ),
                count(
                    good,
                    ["la bonne ligne", "les bonnes lignes"],
                    ["good row", "good rows"]
                )
            ));
        }
        Ok(Run {
            bad,
            good,
            dry_run: args.dry_run,
            stopped,
        })
    }

    fn print_counts(&self, c: ImportCounts, about: &str) {
        say!();
        if self.dry_run {
            tell!(
                "Essai : rien n'a été écrit.",
                "Dry run: nothing was written."
            );
            // Bad rows would stop the import: say what leaving them out would do.
            let who = if self.stopped {
                tr!(
                    "Avec --skip-invalid, l'import",
                    "With --skip-invalid, the import"
                )
            } else {
                tr!("L'import", "The import")
            };
            tell!(
                "{who} ajouterait {}, mettrait à jour {} et laisserait {} inchangé(s){about}.",
                "{who} would add {}, update {} and leave {} unchanged{about}.",
                c.added,
                c.updated,
                c.unchanged
            );
        } else {
            tell!(
                "Importé : {} ajouté(s), {} mis à jour, {} inchangé(s){about}.",
                "Imported: {} added, {} updated, {} unchanged{about}.",
                c.added,
                c.updated,
                c.unchanged
            );
        }
        if self.bad > 0 && !self.stopped {
            tell!(
                "{} de côté (voir plus haut).",
                "{} left out (listed above).",
                count(
                    self.bad,
                    ["ligne fausse laissée", "lignes fausses laissées"],
                    ["bad row was", "bad rows were"]
                )
            );
        }
    }

    /// The exit: an error when bad rows mean nothing is (or would be) written.
    fn end(&self) -> Result<()> {
        if self.stopped {
            bail!(tr!(
                "tel quel, le fichier ne ferait rien écrire : {} (voir plus haut). Corrigez-les, \
                 ou ajoutez --skip-invalid pour n'importer que les bonnes lignes",
                "as the file stands, the import would write nothing: {} (listed above). \
                 Correct them, or add --skip-invalid to import the good rows only",
                count(
                    self.bad,
                    ["ligne est fausse", "lignes sont fausses"],
                    ["row is bad", "rows are bad"]
                )
            ));
        }
        if self.good == 0 && self.bad > 0 {
            bail!(tr!(
                "aucune ligne du fichier ne peut être importée : toutes sont fausses (voir plus haut)",
                "no row of the file can be imported: every row is bad (listed above)"
            ));
        }
        Ok(())
    }
}

/// The largest list read: 64 MiB, several times a landlord's whole list of tenants
/// (100,000 rows are about 15 MiB). A bigger file is not what the user meant to give.
const MAX_FILE: u64 = 64 << 20;

/// The file to import, opened with the user's own rights. A regular file is read again
/// for each pass; anything else (a pipe, a device) is read once into memory, up to
/// `MAX_FILE`.
fn open_file(path: &Path) -> Result<import::Input> {
    let (file, shown) = open(path)?;
    let meta = file
        .metadata()
        .with_context(|| tr!("impossible de lire {shown}", "cannot read {shown}"))?;
    if !meta.is_file() {
        return Ok(import::Input::Bytes(read_bounded(file, &shown)?));
    }
    if meta.len() > MAX_FILE {
        bail!(too_big(&shown));
    }
    Ok(import::Input::File(file))
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    let (file, shown) = open(path)?;
    read_bounded(file, &shown)
}

/// The file the user named, opened with their rights, and its name as it may be shown.
fn open(path: &Path) -> Result<(std::fs::File, String)> {
    let shown = super::printable(&path.display().to_string());
    let file = std::fs::File::open(path).with_context(|| {
        tr!(
            "impossible de lire {shown} ; vérifiez le nom du fichier",
            "cannot read {shown}; check the file name"
        )
    })?;
    Ok((file, shown))
}

/// Reads one byte past the limit rather than trust the size a special file reports.
fn read_bounded(file: std::fs::File, shown: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    file.take(MAX_FILE + 1)
        .read_to_end(&mut bytes)
        .with_context(|| tr!("impossible de lire {shown}", "cannot read {shown}"))?;
    if bytes.len() as u64 > MAX_FILE {
        bail!(too_big(shown));
    }
    Ok(bytes)
}

fn too_big(shown: &str) -> String {
    tr!(
        "{shown} dépasse {} Mio, plus que toute liste de locataires ou d'opérateurs : est-ce \
         le bon fichier ? Si oui, coupez-le en plusieurs fichiers",
        "{shown} is larger than {} MiB, more than any list of tenants or operators: is it \
         the right file? Split it into several files if it is",
        MAX_FILE >> 20
    )
}

fn file_error(path: &Path, e: &import::FileError) -> anyhow::Error {
    anyhow::anyhow!("{}: {e}", path.display())
}

/// The database must exist: an import into a mistyped path would make a new,
/// empty database and put the tenants there.
fn open_existing(ctx: &Context) -> Result<Store> {
    if !ctx.db.exists() {
        bail!(tr!(
            "il n'y a pas de base de données à {} ; créez-la avec `veille init` (ou vérifiez --db)",
            "there is no database at {}; create it with `veille init` (or check --db)",
            ctx.db.display()
        ));
    }
    ctx.open()
}

/// A cohort by name, case and accents ignored.
fn find_cohort<'c>(cohorts: &'c [Cohort], name: &str) -> Result<&'c Cohort> {
    let key = fold(name);
    if let Some(c) = cohorts.iter().find(|c| fold(&c.name) == key) {
        return Ok(c);
    }
    let names: Vec<String> = cohorts.iter().map(|c| format!("'{}'", c.name)).collect();
    bail!(tr!(
        "il n'y a pas de cohorte « {name} ». Les cohortes sont : {}. Donnez l'une d'elles à \
         --cohort, ou ajoutez une cohorte avec `veille cohorts add NOM`",
        "there is no cohort named '{name}'. The cohorts are: {}. Give one of these to --cohort, \
         or add a cohort with `veille cohorts add NAME`",
        names.join(", ")
    ))
}

/// What a column gives, in the user's language (the `import_field` table of
/// assets/i18n, keyed by the field's English name).
fn field_name(what: &str) -> &str {
    crate::i18n::cli_lang()
        .lookup(&format!(
            "import_field.{}",
            what.to_lowercase().replace(' ', "_")
        ))
        .unwrap_or(what)
}

fn print_layout(file: &Path, layout: &Layout) {
    tell!(
        "Lu {} : {}, colonnes séparées par {}, {}.",
        "Read {}: {}, columns separated by {}, {}.",
        file.display(),
        layout.encoding,
        layout.separator_name(),
        count(layout.rows, ["ligne", "lignes"], ["row", "rows"])
    );
    if !layout.title_lines.is_empty() {
        let titles: Vec<String> = layout
            .title_lines
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect();
        tell!(
            "Lignes au-dessus des en-têtes, non importées : {}.",
            "Lines above the header, not imported: {}.",
            titles.join(", ")
        );
    }
    tell!("Colonnes lues :", "Columns read:");
    for (header, what) in &layout.used {
        say!("  {header} → {}", field_name(what));
    }
    if !layout.ignored.is_empty() {
        tell!(
            "Colonnes ignorées (veille ne s'en sert pas) : {}.",
            "Columns ignored (veille does not use them): {}.",
            layout.ignored.join(", ")
        );
    }
    if !layout.repeated.is_empty() {
        let repeated: Vec<String> = layout
            .repeated
            .iter()
            .map(|(header, what)| {
                let what = field_name(what);
                tr!(
                    "{header} (le champ « {what} » est lu dans une autre colonne)",
                    "{header} (the {what} is read from another column)"
                )
            })
            .collect();
        tell!(
            "Colonnes ignorées : {}.",
            "Columns ignored: {}.",
            repeated.join(", ")
        );
    }
}

/// Names and addresses where a `?` stands for a letter the file could not hold. They
/// are imported as written; the report says how to keep the letters next time.
fn print_lost_letters(lost: &[Problem], encoding: import::Encoding) {
    const SHOWN: usize = 20;
    if lost.is_empty() {
        return;
    }
    let rows = lost
        .iter()
        .map(|p| p.line)
        .collect::<std::collections::BTreeSet<u64>>()
        .len();
    say!();
    tell!(
        "Lettres perdues avant la lecture du fichier, sur {} : un « ? » est \
         à la place d'une lettre que le logiciel qui l'a enregistré ne savait pas écrire \
         (ễ, ł, ş…).",
        "Letters lost before veille read the file, on {}: a '?' stands where the \
         software that saved it could not write a letter (ễ, ł, ş…).",
        crate::i18n::count(rows, ["ligne", "lignes"], ["row", "rows"])
    );
    if matches!(encoding, import::Encoding::Windows1252) {
        tell!(
            "Enregistrez la liste en « CSV UTF-8 » (LibreOffice : Texte CSV, jeu de \
             caractères Unicode (UTF-8) ; Excel : CSV UTF-8) et importez-la de nouveau pour \
             les garder.",
            "Save the list as \"CSV UTF-8\" (LibreOffice: Text CSV, character set \
             Unicode (UTF-8); Excel: CSV UTF-8) and import it again to keep them."
        );
    } else {
        tell!(
            "Le fichier est en {encoding} : les lettres étaient perdues avant qu'il soit \
             fait. Corrigez-les dans la liste du bailleur, ou un coordinateur les corrige \
             dans veille (`veille tenants name`) : l'import suivant ne défait pas une \
             correction.",
            "The file is {encoding}: the letters were lost before it was made. Correct \
             them in the landlord's list, or a coordinator corrects them in veille \
             (`veille tenants name`): the next import does not undo a correction."
        );
    }
    for p in lost.iter().take(SHOWN) {
        tell!(
            "  ligne {}, colonne « {} » : {}",
            "  line {}, column \"{}\": {}",
            p.line,
            p.column,
            p.reason
        );
    }
    if lost.len() > SHOWN {
        tell!("  … et {} de plus.", "  … and {} more.", lost.len() - SHOWN);
    }
    tell!(
        "Ces lignes sont importées telles quelles.",
        "These rows are imported as written."
    );
}

fn print_problems(problems: &[Problem], bad: usize) {
    use std::io::Write;
    if problems.is_empty() {
        return;
    }
    // A wrong file can have a problem on every one of 100,000 rows: one buffered write.
    let mut err = std::io::BufWriter::new(std::io::stderr().lock());
    let _ = writeln!(err);
    let bad = count(
        bad,
        ["ligne fausse", "lignes fausses"],
        ["bad row", "bad rows"],
    );
    let _ = writeln!(err, "{}", tr!("{bad} :", "{bad}:"));
    for p in problems {
        let _ = writeln!(err, "  {p}");
    }
    let _ = err.flush();
}

fn print_absent(absent: &[(String, String)], dry_run: bool) {
    if absent.is_empty() {
        return;
    }
    let shown: Vec<String> = absent
        .iter()
        .take(ABSENT_SHOWN)
        .map(|(reference, name)| format!("{reference} {}", name.trim()))
        .collect();
    let more = absent.len().saturating_sub(ABSENT_SHOWN);
    let n = absent.len();
    let text = match crate::i18n::cli_lang() {
        crate::i18n::Lang::Fr => format!(
            "{} de la base {} pas dans ce fichier. {} gardés (un import ne supprime personne) ; \
             changez leur statut s'ils ont déménagé ou sont décédés :",
            count(n, ["locataire", "locataires"], ["", ""]),
            if n == 1 { "ne figure" } else { "ne figurent" },
            if dry_run { "Ils seraient" } else { "Ils sont" }
        ),
        crate::i18n::Lang::En => format!(
            "{} in the database {} not in this file. {} kept (an import deletes nobody); change \
             their status if they have moved or died:",
            count(n, ["", ""], ["tenant", "tenants"]),
            if n == 1 { "is" } else { "are" },
            if dry_run { "They would be" } else { "They are" }
        ),
    };
    say!("{text}");
    for line in shown {
        say!("  {line}");
    }
    if more > 0 {
        tell!("  … et {more} de plus.", "  … and {more} more.");
    }
}
