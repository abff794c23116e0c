//! What every command and the operator screens need: the database path, the clock, the
//! language, and who is acting. It sits apart from `commands` and `tui` so that each can
//! use it without the other.

use std::path::PathBuf;

use anyhow::{Context as _, Result, bail};

use crate::access::{self, Actor, Caller, Need, Standing};
use crate::cli::Global;
use crate::clock::Clock;
use crate::store::Store;

/// The database path, the clock, the language and the Unix account a run works with.
#[derive(Debug, Clone)]
pub struct Context {
    pub db: PathBuf,
    pub clock: Clock,
    pub lang: Option<String>,
    /// The clock was set with `--now` / `VEILLE_NOW`: allowed on demo databases only.
    pub clock_set: bool,
    /// A setgid veille: `db` is the program's database, from the system configuration.
    pub setgid: bool,
    /// Where a setgid veille writes backups, from the system configuration.
    pub backups: Option<PathBuf>,
    pub caller: Caller,
}

impl Context {
    pub fn from_cli(global: &Global) -> Result<Context> {
        if crate::process::is_setgid() {
            return Self::setgid(global);
        }
        let clock = match &global.now {
            Some(text) => {
                let start = chrono::DateTime::parse_from_rfc3339(text).with_context(|| {
                    crate::tr!(
                        "--now « {text} » n'est pas une heure comme 2026-11-28T09:00:00Z",
                        "--now '{text}' is not a time like 2026-11-28T09:00:00Z"
                    )
                })?;
                Clock::starting_at(start.with_timezone(&chrono::Utc))
            }
            None => Clock::system(),
        };
        Ok(Context {
            db: global
                .db
                .clone()
                .unwrap_or_else(crate::config::default_db_path),
            clock,
            lang: global.lang.clone(),
            clock_set: global.now.is_some(),
            setgid: false,
            backups: None,
            caller: Caller::of_process(),
        })
    }

    /// The language this user reads: `--lang`, then their preferences file, then `LANG`.
    pub fn language(&self) -> crate::i18n::Lang {
        crate::i18n::Lang::of_user(self.lang.as_deref())
    }

    /// A setgid veille works on the program's database only, named by the system's
    /// configuration, on the system clock: the group's rights are for that file alone.
    fn setgid(global: &Global) -> Result<Context> {
        if global.db.is_some() {
            bail!(crate::tr!(
                "ce veille travaille sur la base du programme, fixée dans {} : --db n'est pas accepté",
                "this veille works on the program's database, set in {}: --db is not accepted",
                crate::config::SYSTEM_CONFIG
            ));
        }
        if global.now.is_some() {
            bail!(clock_on_program());
        }
        let system = crate::config::system_config()?;
        Ok(Context {
            db: system.database,
            backups: system.backups,
            clock: Clock::system(),
            lang: global.lang.clone(),
            clock_set: false,
            setgid: true,
            caller: Caller::of_process(),
        })
    }

    /// Opens (creating or upgrading) the database.
    pub fn open(&self) -> Result<Store> {
        if self.clock_set && !self.db.exists() {
            bail!(clock_on_program());
        }
        let store = self.checked(Store::open(&self.db)?)?;
        crate::process::drop_group_rights().context(crate::tr!(
            "en rendant les droits du groupe",
            "giving up the group's rights"
        ))?;
        Ok(store)
    }

    /// Opens a database that must exist already.
    pub fn open_existing(&self) -> Result<Store> {
        let store = self.open_keeping_group()?;
        crate::process::drop_group_rights().context(crate::tr!(
            "en rendant les droits du groupe",
            "giving up the group's rights"
        ))?;
        Ok(store)
    }

    /// Opens a database that must exist already, and keeps a setgid veille's group rights
    /// for what only the data's group may write (a backup in the configured folder): the
    /// caller gives them up (`process::drop_group_rights`) once done.
    pub fn open_keeping_group(&self) -> Result<Store> {
        self.checked(Store::open_existing(&self.db)?)
    }

    /// A program's database always runs on the system clock, for everyone: a clock set
    /// by hand would date audit rows at will, purge current notes, or take colleagues'
    /// tenants as if their claims had run out.
    ///
    /// A setgid veille gives up the group's rights once the file and its journal are open
    /// (`open`, `open_existing`): whatever else it opens, it opens with the user's own
    /// rights.
    fn checked(&self, store: Store) -> Result<Store> {
        // A read opens the journal (WAL) and its shared memory, while the rights last.
        let demo = store.is_demo()?;
        if self.clock_set && !demo {
            bail!(clock_on_program());
        }
        Ok(store)
    }

    /// Where the account running veille stands on this database.
    pub fn standing(&self, store: &Store) -> Result<Standing> {
        Ok(access::standing(store, &self.db, &self.caller)?)
    }

    /// Checks that the account running veille may do an action needing `need`, as the
    /// operator `named` if one is named, and says who acts.
    pub fn act(&self, store: &Store, named: Option<&str>, need: Need) -> Result<Actor> {
        let standing = self.standing(store)?;
        Ok(access::authorize(
            store,
            &self.caller,
            &standing,
            named,
            need,
        )?)
    }
}

fn clock_on_program() -> String {
    crate::tr!(
        "--now (ou VEILLE_NOW) ne règle l'horloge que sur une base de démonstration \
         (veille demo) ; la base d'un programme suit toujours l'horloge du système",
        "--now (or VEILLE_NOW) sets the clock only on a demo database \
         (veille demo); a program's database always runs on the system clock"
    )
}
