//! The call script: the steps an operator follows, read from `assets/script/{fr,en}.toml`
//! (a file coordinators can edit). Each step names the form fields it goes with, so
//! the step shown follows the focus of the form; `{placeholders}` are filled with the
//! tenant's details.

use std::sync::OnceLock;

use serde::Deserialize;

use super::form::Field;
use crate::domain::NeedCategory;
use crate::i18n::Lang;

const FR: &str = include_str!("../../../assets/script/fr.toml");
const EN: &str = include_str!("../../../assets/script/en.toml");

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Step {
    pub id: String,
    pub title: String,
    /// Form fields this step goes with: "outcome", "wellbeing", "need.food", "notes", ...
    #[serde(default)]
    pub fields: Vec<String>,
    pub text: String,
}

#[derive(Debug, Deserialize)]
struct ScriptFile {
    step: Vec<Step>,
}

/// The steps of the script in `lang`. An unreadable file gives an empty script (the
/// form still works; a test keeps the files readable).
pub fn steps(lang: Lang) -> &'static [Step] {
    static SCRIPTS: OnceLock<[Vec<Step>; 2]> = OnceLock::new();
    let s = SCRIPTS.get_or_init(|| [parse(FR), parse(EN)]);
    match lang {
        Lang::Fr => &s[0],
        Lang::En => &s[1],
    }
}

fn parse(source: &str) -> Vec<Step> {
    toml::from_str::<ScriptFile>(source)
        .map(|f| f.step)
        .unwrap_or_default()
}

/// Why a script file is unusable (for tests and `doctor`-like checks).
pub fn problems(lang: Lang) -> Vec<String> {
    let source = match lang {
        Lang::Fr => FR,
        Lang::En => EN,
    };
    match toml::from_str::<ScriptFile>(source) {
        Err(e) => vec![e.to_string()],
        Ok(f) => {
            let mut out = Vec::new();
            for key in all_field_keys() {
                if !f.step.iter().any(|s| s.fields.contains(&key)) {
                    out.push(format!("no step goes with the field '{key}'"));
                }
            }
            for s in &f.step {
                for k in &s.fields {
                    if !all_field_keys().contains(k) {
                        out.push(format!("step '{}' names an unknown field '{k}'", s.id));
                    }
                }
                for p in placeholders(&s.text) {
                    if !PLACEHOLDERS.contains(&p.as_str()) {
                        out.push(format!("step '{}' uses an unknown {{{p}}}", s.id));
                    }
                }
            }
            out
        }
    }
}

/// The placeholders a step's text may use.
pub const PLACEHOLDERS: &[&str] = &[
    "operator",
    "organisation",
    "title",
    "first_name",
    "last_name",
    "name",
    "age",
    "open_referrals",
    "last_call",
    "last_notes",
];

fn placeholders(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

fn all_field_keys() -> Vec<String> {
    let mut keys: Vec<String> = [
        "outcome",
        "callback",
        "hospitalised",
        "wellbeing",
        "emergency",
        "notes",
        "referrals",
        "interventions",
        "save",
    ]
    .iter()
    .map(std::string::ToString::to_string)
    .collect();
    keys.extend(
        NeedCategory::ALL
            .iter()
            .map(|c| format!("need.{}", c.code())),
    );
    keys
}

/// The script's name for a form field; `need_cursor` is the need highlighted in the
/// needs list.
pub fn field_key(field: Field, need_cursor: NeedCategory) -> String {
    match field {
        Field::Outcome => "outcome".into(),
        Field::CallbackAt | Field::CallbackOnlyMe => "callback".into(),
        Field::HospitalisedUntil => "hospitalised".into(),
        Field::Wellbeing => "wellbeing".into(),
        Field::EmergencyServices | Field::EmergencyDecision | Field::NoRequestReason => {
            "emergency".into()
        }
        Field::LivesAlone => "household".into(),
        Field::Needs => format!("need.{}", need_cursor.code()),
        Field::NeedDetails(c) => format!("need.{}", c.code()),
        Field::Notes => "notes".into(),
        Field::Referral(_) | Field::AddReferral => "referrals".into(),
        Field::Intervention(_) | Field::AddIntervention => "interventions".into(),
        Field::Save => "save".into(),
    }
}

/// The step that goes with the focused field (the first one if none does).
pub fn current_step(steps: &[Step], field: Field, need_cursor: NeedCategory) -> usize {
    let key = field_key(field, need_cursor);
    steps
        .iter()
        .position(|s| s.fields.contains(&key))
        .unwrap_or(0)
}

/// `text` with `{name}` placeholders replaced from `vars`.
pub fn fill(text: &str, vars: &[(&str, String)]) -> String {
    let args: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    crate::i18n::fill(text.trim(), &args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_scripts_are_complete_and_have_the_same_steps() {
        for lang in Lang::ALL {
            assert_eq!(problems(lang), Vec::<String>::new(), "{lang:?}");
            assert!(steps(lang).len() >= 8);
        }
        let ids = |l| steps(l).iter().map(|s| s.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(Lang::Fr), ids(Lang::En));
    }

    #[test]
    fn the_step_follows_the_form() {
        let s = steps(Lang::Fr);
        let step = |f| s[current_step(s, f, NeedCategory::Food)].id.clone();
        assert_eq!(step(Field::Outcome), "greeting");
        assert_eq!(step(Field::Wellbeing), "how_are_you");
        assert_eq!(step(Field::Needs), "food");
        assert_eq!(step(Field::NeedDetails(NeedCategory::Health)), "health");
        assert_eq!(step(Field::AddReferral), "follow_up");
        assert_eq!(step(Field::Notes), "closing");
    }
}
