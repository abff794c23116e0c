//! Every text of the operator screens exists in French and English.

use std::collections::BTreeSet;
use std::path::Path;

use veille::domain::{
    InterventionKind, InterventionStatus, NeedCategory, Outcome, ReferralStatus, TenantStatus,
    Urgency, Wellbeing,
};
use veille::i18n::{self, Lang};

#[test]
fn both_files_parse_and_have_the_same_keys() {
    for lang in Lang::ALL {
        assert_eq!(i18n::parse_error(lang), None, "{lang:?}");
    }
    let fr: BTreeSet<_> = i18n::keys(Lang::Fr).into_iter().collect();
    let en: BTreeSet<_> = i18n::keys(Lang::En).into_iter().collect();
    assert!(fr.len() > 100, "the files are read");
    let only_fr: Vec<_> = fr.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&fr).collect();
    assert!(
        only_fr.is_empty() && only_en.is_empty(),
        "only in fr.toml: {only_fr:?}; only in en.toml: {only_en:?}"
    );
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.insert(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

#[test]
fn both_languages_fill_the_same_placeholders_and_no_text_is_empty() {
    for key in i18n::keys(Lang::Fr) {
        let fr = Lang::Fr.lookup(key).unwrap_or_default();
        let en = Lang::En.lookup(key).unwrap_or_default();
        assert!(
            !fr.trim().is_empty() && !en.trim().is_empty(),
            "{key} is empty"
        );
        assert_eq!(placeholders(fr), placeholders(en), "{key}");
    }
}

#[test]
fn every_domain_code_is_translated() {
    let kinds: Vec<(&str, Vec<&str>)> = vec![
        ("outcome", Outcome::ALL.iter().map(|v| v.code()).collect()),
        (
            "wellbeing",
            Wellbeing::ALL.iter().map(|v| v.code()).collect(),
        ),
        ("need", NeedCategory::ALL.iter().map(|v| v.code()).collect()),
        ("urgency", Urgency::ALL.iter().map(|v| v.code()).collect()),
        (
            "intervention_kind",
            InterventionKind::ALL.iter().map(|v| v.code()).collect(),
        ),
        (
            "intervention_status",
            InterventionStatus::ALL.iter().map(|v| v.code()).collect(),
        ),
        (
            "referral_status",
            ReferralStatus::ALL.iter().map(|v| v.code()).collect(),
        ),
        (
            "tenant_status",
            TenantStatus::ALL.iter().map(|v| v.code()).collect(),
        ),
    ];
    for lang in Lang::ALL {
        for (kind, codes) in &kinds {
            for code in codes {
                assert!(
                    lang.lookup(&format!("{kind}.{code}")).is_some(),
                    "{lang:?}: {kind}.{code}"
                );
            }
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// String literals that look like translation keys ("table.key").
fn key_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in source.split('"').skip(1).step_by(2) {
        let mut halves = part.splitn(2, '.');
        let (Some(table), Some(rest)) = (halves.next(), halves.next()) else {
            continue;
        };
        let ok = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        };
        if ok(table) && ok(rest) {
            out.push(part.to_string());
        }
    }
    out
}

/// Keys passed directly to `.t("…")` or `.f("…", …)`.
fn called_keys(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for call in [".t(\"", ".f(\"", ".f(\n"] {
        let mut rest = source;
        while let Some(i) = rest.find(call) {
            let after = rest[i + call.len()..].trim_start_matches([' ', '\n', '"']);
            if let Some(end) = after.find('"') {
                out.push(after[..end].to_string());
            }
            rest = &rest[i + call.len()..];
        }
    }
    out
}

#[test]
fn every_key_the_screens_use_exists() {
    let tables: BTreeSet<String> = i18n::keys(Lang::Fr)
        .iter()
        .filter_map(|k| k.split('.').next().map(String::from))
        .collect();
    let mut files = Vec::new();
    rust_files(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/tui")),
        &mut files,
    );
    assert!(files.len() > 10);
    let (mut checked, mut called) = (0, 0);
    for file in files {
        let source = std::fs::read_to_string(&file).expect("read");
        // Every key handed to t() or f(), whatever its table ...
        for key in called_keys(&source) {
            called += 1;
            for lang in Lang::ALL {
                assert!(
                    lang.lookup(&key).is_some(),
                    "{} asks for \"{key}\", missing in {lang:?}",
                    file.display()
                );
            }
        }
        // ... and every literal that looks like a key of a known table (labels of
        // the key table, problems found by validation).
        for key in key_literals(&source) {
            let table = key.split('.').next().unwrap_or_default();
            if !tables.contains(table) {
                continue;
            }
            checked += 1;
            for lang in Lang::ALL {
                assert!(
                    lang.lookup(&key).is_some(),
                    "{} uses \"{key}\", missing in {lang:?}",
                    file.display()
                );
            }
        }
    }
    assert!(
        checked > 150,
        "only {checked} keys found: the scan is broken"
    );
    assert!(
        called > 150,
        "only {called} t()/f() calls found: the scan is broken"
    );
}

#[test]
fn every_key_binding_has_its_words() {
    use veille::tui::keys::{self, Scope};
    for b in Scope::ALL.iter().flat_map(|&s| keys::bindings(s)) {
        for lang in Lang::ALL {
            assert!(lang.lookup(b.label).is_some(), "{}", b.label);
            if let Some(shown) = b.shown {
                assert!(lang.lookup(shown).is_some(), "{shown}");
            }
        }
    }
}

#[test]
fn the_french_text_says_vous() {
    for key in ["errors.outcome_required", "call.claim_lost", "signin.intro"] {
        let fr = Lang::Fr.lookup(key).unwrap_or_default().to_lowercase();
        assert!(
            !fr.contains(" tu ") && !fr.contains(" ton ") && !fr.contains(" ta "),
            "{key}: {fr}"
        );
    }
    for step in veille::tui::call::script::steps(Lang::Fr) {
        let t = format!(" {} ", step.text.to_lowercase());
        assert!(
            !t.contains(" tu ") && !t.contains(" t'"),
            "{}: tutoiement",
            step.id
        );
    }
}
