//! The names, streets and texts of `assets/demo.toml`, read once.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::domain::NeedCategory;

const SOURCE: &str = include_str!("../../assets/demo.toml");

#[derive(Debug, Deserialize)]
pub struct Inputs {
    pub landlord: String,
    pub association: String,
    pub operator: Vec<OperatorInput>,
    pub field_team: Vec<FieldTeamInput>,
    pub names: Names,
    pub language: Vec<Language>,
    pub arrondissement: Vec<Arrondissement>,
    pub texts: Texts,
    pub needs: NeedTexts,
    pub referral_notes: ReferralNotes,
    pub interventions: InterventionTexts,
}

#[derive(Debug, Deserialize)]
pub struct OperatorInput {
    pub login: String,
    pub name: String,
    /// "landlord" or "association".
    pub organisation: String,
    pub role: crate::domain::Role,
}

#[derive(Debug, Deserialize)]
pub struct FieldTeamInput {
    pub name: String,
    pub members: String,
    pub postcodes: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Names {
    pub women: Vec<String>,
    pub men: Vec<String>,
    pub last: Vec<String>,
}

/// Tenants who prefer another language, with names that go with it.
#[derive(Debug, Deserialize)]
pub struct Language {
    pub code: String,
    /// Share of the tenants.
    pub share: f64,
    pub note: String,
    pub women: Vec<String>,
    pub men: Vec<String>,
    pub last: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Arrondissement {
    pub postcode: String,
    pub weight: u32,
    pub streets: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Texts {
    pub tenant_notes: Vec<String>,
    pub reached: Vec<String>,
    pub worried: Vec<String>,
    pub urgent: Vec<String>,
    pub unanswered: Vec<String>,
    pub callback: Vec<String>,
    pub hospitalised: Vec<String>,
    pub refused: Vec<String>,
    pub wrong_number: Vec<String>,
    pub deceased: Vec<String>,
    pub handover: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct NeedTexts {
    pub health: Vec<String>,
    pub food: Vec<String>,
    pub transport: Vec<String>,
    pub isolation: Vec<String>,
    pub medication: Vec<String>,
    pub home: Vec<String>,
    pub financial: Vec<String>,
    pub other: Vec<String>,
}

impl NeedTexts {
    pub fn of(&self, category: NeedCategory) -> &[String] {
        match category {
            NeedCategory::Health => &self.health,
            NeedCategory::Food => &self.food,
            NeedCategory::Transport => &self.transport,
            NeedCategory::Isolation => &self.isolation,
            NeedCategory::Medication => &self.medication,
            NeedCategory::Home => &self.home,
            NeedCategory::Financial => &self.financial,
            NeedCategory::Other => &self.other,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ReferralNotes {
    pub sent: Vec<String>,
    pub in_progress: Vec<String>,
    pub done: Vec<String>,
    pub declined: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct InterventionTexts {
    pub places: Vec<String>,
    pub accompaniment: Vec<String>,
    pub welfare_visit: Vec<String>,
    pub emergency: Vec<String>,
    pub delivery: Vec<Delivery>,
    pub done_accompaniment: Vec<String>,
    pub done_welfare_visit: Vec<String>,
    pub cancelled: Vec<String>,
}

/// Something a field team delivers, and the note it closes the request with.
#[derive(Debug, Deserialize)]
pub struct Delivery {
    pub details: String,
    pub done: String,
}

/// The parsed inputs. The file is part of the program, so a mistake in it is reported
/// as a broken installation rather than something the user did.
pub fn inputs() -> anyhow::Result<&'static Inputs> {
    static PARSED: OnceLock<Result<Inputs, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| toml::from_str(SOURCE).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| anyhow::anyhow!("the demo's built-in data (assets/demo.toml) is broken: {e}"))
}

/// Fills the markers of a text for a woman or a man (see the head of `assets/demo.toml`).
pub fn for_person(text: &str, woman: bool) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let (e, ne, il, lui) = if woman {
        ("e", "ne", "elle", "elle")
    } else {
        ("", "", "il", "lui")
    };
    text.replace("{e}", e)
        .replace("{ne}", ne)
        .replace("{il}", il)
        .replace("{lui}", lui)
}

/// One entry of a list, picked at random ("" for an empty list).
pub fn pick<'a>(rng: &mut fastrand::Rng, list: &'a [String]) -> &'a str {
    if list.is_empty() {
        ""
    } else {
        &list[rng.usize(..list.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asset_reads_and_covers_the_twenty_arrondissements() {
        let i = inputs().unwrap();
        let mut postcodes: Vec<&str> = i
            .arrondissement
            .iter()
            .map(|a| a.postcode.as_str())
            .collect();
        postcodes.sort_unstable();
        let expected: Vec<String> = (1..=20).map(|n| format!("750{n:02}")).collect();
        assert_eq!(postcodes, expected);
        assert!(
            i.arrondissement
                .iter()
                .all(|a| a.weight > 0 && !a.streets.is_empty())
        );
        assert_eq!(
            i.operator
                .iter()
                .filter(|o| o.role == crate::domain::Role::Coordinator)
                .count(),
            1
        );
        for team in &i.field_team {
            assert!(
                team.postcodes
                    .iter()
                    .all(|p| postcodes.contains(&p.as_str()))
            );
        }
        for category in NeedCategory::ALL {
            assert!(!i.needs.of(*category).is_empty(), "{category}");
        }
    }

    #[test]
    fn every_marker_is_replaced() {
        let i = inputs().unwrap();
        let texts = i
            .texts
            .tenant_notes
            .iter()
            .chain(&i.interventions.done_welfare_visit);
        for text in texts {
            for woman in [true, false] {
                let said = for_person(text, woman).replace("{mobile}", "");
                assert!(!said.contains('{'), "{said}");
            }
        }
        assert_eq!(
            for_person("Ancien{ne} gardien{ne}, trouvé{e} chez {lui}", true),
            "Ancienne gardienne, trouvée chez elle"
        );
        assert_eq!(
            for_person("Malentendant{e}, {il} dort", false),
            "Malentendant, il dort"
        );
    }
}
