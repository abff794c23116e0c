//! User-facing text in French and English, read from `assets/i18n/{fr,en}.toml`
//! (embedded in the binary and parsed once). Keys are dotted paths of the TOML tables:
//! `queue.title`, `outcome.no_answer`. Domain codes are translated under their kind
//! (`outcome.*`, `need.*`, `wellbeing.*`, `urgency.*`, `intervention_kind.*`, ...).

use std::collections::BTreeMap;
use std::sync::OnceLock;

const FR: &str = include_str!("../assets/i18n/fr.toml");
const EN: &str = include_str!("../assets/i18n/en.toml");

/// The language of the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// "fr", "en", and locale names such as "en_GB.UTF-8" or "fr_FR".
    pub fn from_code(text: &str) -> Option<Lang> {
        let t = text.trim().to_ascii_lowercase();
        if t.starts_with("en") {
            Some(Lang::En)
        } else if t.starts_with("fr") {
            Some(Lang::Fr)
        } else {
            None
        }
    }

    /// The language chosen by `--lang`, then the preferences file, then `LANG`
    /// (French unless `LANG` starts with "en": the operators are French-speaking).
    pub fn resolve(cli: Option<&str>, config: Option<&str>, env_lang: Option<&str>) -> Lang {
        cli.and_then(Lang::from_code)
            .or_else(|| config.and_then(Lang::from_code))
            .or_else(|| {
                env_lang
                    .filter(|l| l.to_ascii_lowercase().starts_with("en"))
                    .map(|_| Lang::En)
            })
            .unwrap_or(Lang::Fr)
    }

    /// The language of the person running veille: `--lang`, then their preferences
    /// file, then `LANG`.
    pub fn of_user(cli: Option<&str>) -> Lang {
        Lang::resolve(
            cli,
            crate::config::Config::load().language.as_deref(),
            std::env::var("LANG").ok().as_deref(),
        )
    }

    /// The program's two cohorts as `veille init` and the demo name them: isolated
    /// seniors, then those who live with someone.
    pub fn cohort_names(self) -> [&'static str; 2] {
        [self.t("cohort.isolated"), self.t("cohort.not_isolated")]
    }

    /// The text of `key`; the key itself when missing (a test keeps both files complete).
    pub fn t(self, key: &'static str) -> &'static str {
        self.lookup(key).unwrap_or(key)
    }

    /// The text of a key built at run time; "?" when missing.
    pub fn lookup(self, key: &str) -> Option<&'static str> {
        table(self).get(key).map(String::as_str)
    }

    /// The text of `key` with `{name}` placeholders replaced.
    pub fn f(self, key: &'static str, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// The name of a domain code, e.g. `code("outcome", "no_answer")`.
    pub fn code_name(self, kind: &str, code: &str) -> &'static str {
        self.lookup(&format!("{kind}.{code}")).unwrap_or("?")
    }
}

/// The language of the command line's messages, chosen once per run from `--lang`, the
/// preferences file and `LANG` (see `commands::run`). English until then.
static CLI_LANG: OnceLock<Lang> = OnceLock::new();

pub fn set_cli_lang(lang: Lang) {
    let _ = CLI_LANG.set(lang);
}

pub fn cli_lang() -> Lang {
    // A run of the program always says its language first (`commands::run`); the
    // library used on its own (its tests, a tool built on it) speaks English.
    CLI_LANG.get().copied().unwrap_or(Lang::En)
}

/// "1 ligne", "3 lignes" / "1 row", "3 rows", in the command line's language: a `tr!`
/// message with a count takes it as one argument, the same in both texts.
pub fn count(n: usize, [fr_one, fr_many]: [&str; 2], [en_one, en_many]: [&str; 2]) -> String {
    let word = match (cli_lang(), n) {
        (Lang::Fr, 0 | 1) => fr_one,
        (Lang::Fr, _) => fr_many,
        (Lang::En, 1) => en_one,
        (Lang::En, _) => en_many,
    };
    format!("{n} {word}")
}

/// A command-line message in the user's language, French then English, each a
/// `format!` string over the same arguments:
/// `tr!("{n} locataire(s) importé(s)", "{n} tenant(s) imported")`. The screens keep
/// their texts in `assets/i18n`; a command's message is written once, where it is said.
#[macro_export]
macro_rules! tr {
    ($fr:literal, $en:literal $(,)?) => {
        match $crate::i18n::cli_lang() {
            $crate::i18n::Lang::Fr => format!($fr),
            $crate::i18n::Lang::En => format!($en),
        }
    };
    ($fr:literal, $en:literal, $($arg:tt)*) => {
        match $crate::i18n::cli_lang() {
            $crate::i18n::Lang::Fr => format!($fr, $($arg)*),
            $crate::i18n::Lang::En => format!($en, $($arg)*),
        }
    };
}

/// Replaces `{name}` placeholders in `template`.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// Every key of a language's file, sorted.
pub fn keys(lang: Lang) -> Vec<&'static str> {
    table(lang).keys().map(String::as_str).collect()
}

/// Whether a language file parsed (an unparsable file shows keys instead of text).
pub fn parse_error(lang: Lang) -> Option<String> {
    let source = match lang {
        Lang::Fr => FR,
        Lang::En => EN,
    };
    source.parse::<toml::Table>().err().map(|e| e.to_string())
}

fn table(lang: Lang) -> &'static BTreeMap<String, String> {
    static TABLES: OnceLock<[BTreeMap<String, String>; 2]> = OnceLock::new();
    let tables = TABLES.get_or_init(|| [flatten_source(FR), flatten_source(EN)]);
    match lang {
        Lang::Fr => &tables[0],
        Lang::En => &tables[1],
    }
}

fn flatten_source(source: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Ok(table) = source.parse::<toml::Table>() {
        flatten("", &table, &mut out);
    }
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut BTreeMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => {
                out.insert(key, other.to_string());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_from_flag_then_config_then_lang() {
        assert_eq!(
            Lang::resolve(Some("en"), Some("fr"), Some("fr_FR")),
            Lang::En
        );
        assert_eq!(Lang::resolve(None, Some("en"), Some("fr_FR")), Lang::En);
        assert_eq!(Lang::resolve(None, None, Some("en_GB.UTF-8")), Lang::En);
        assert_eq!(Lang::resolve(None, None, Some("de_DE.UTF-8")), Lang::Fr);
        assert_eq!(Lang::resolve(None, None, None), Lang::Fr);
        assert_eq!(Lang::resolve(Some("klingon"), None, None), Lang::Fr);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            fill("{a} et {b}, {a}", &[("a", "un"), ("b", "deux")]),
            "un et deux, un"
        );
    }
}
