//! How to find the door: building, staircase, floor, door and access code, labelled.

use crate::domain::parse::fold_keep_spaces;
use crate::i18n::Lang;
use crate::store::Tenant;

/// "bât. A", "esc. 2", "étage 3", "porte 12", "code 4B21" — each part the tenant has.
/// A landlord's file often writes the label already ("Bât. A", "5e étage"): then the
/// value is shown as it is, not as "bât. Bât. A".
pub fn access_parts(lang: Lang, t: &Tenant) -> Vec<String> {
    [
        ("card.building", &t.building),
        ("card.staircase", &t.staircase),
        ("card.floor", &t.floor),
        ("card.door", &t.door),
        ("card.access_code", &t.access_code),
    ]
    .into_iter()
    .filter(|(_, value)| !value.trim().is_empty())
    .map(|(key, value)| {
        let labelled = lang.f(key, &[("v", value)]);
        let label = fold_keep_spaces(&lang.f(key, &[("v", "")]));
        if !label.is_empty() && fold_keep_spaces(value).contains(&label) {
            value.trim().to_string()
        } else {
            labelled
        }
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(building: &str, floor: &str, code: &str) -> Tenant {
        Tenant {
            building: building.into(),
            floor: floor.into(),
            access_code: code.into(),
            ..Default::default()
        }
    }

    #[test]
    fn labels_are_not_written_twice() {
        let t = tenant("Bât. A", "5e étage", "43A47");
        assert_eq!(
            access_parts(Lang::Fr, &t),
            ["Bât. A", "5e étage", "code 43A47"]
        );
        let t = tenant("A", "5", "");
        assert_eq!(access_parts(Lang::Fr, &t), ["bât. A", "étage 5"]);
    }
}
