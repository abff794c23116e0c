//! Tenants and the people who call them.

use super::call::coded_enum;

coded_enum! {
    /// Where a tenant stands in the program. Only `Active` tenants (and paused or
    /// hospitalised ones whose date has passed) are in the queue.
    TenantStatus {
        Active = "active",
        Paused = "paused",
        Hospitalised = "hospitalised",
        Moved = "moved",
        Deceased = "deceased",
        Refuses = "refuses",
    }
}

// Written by hand: `coded_enum!` declares the variants and takes no `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for TenantStatus {
    fn default() -> Self {
        TenantStatus::Active
    }
}

coded_enum! {
    /// What a person may do in veille.
    Role {
        Operator = "operator",
        Coordinator = "coordinator",
    }
}

/// Age in whole years on `today`.
pub fn age_on(birth: chrono::NaiveDate, today: chrono::NaiveDate) -> Option<u32> {
    today.years_since(birth)
}

/// A landlord's reference as compared: without spaces and in capitals, so that "x-1",
/// "X-1" and "X 1" are one tenant. Capitals as SQLite's `upper` makes them (ASCII), so
/// that the index on the same expression finds it (schema version 13).
pub fn reference_key(reference: &str) -> String {
    reference
        .chars()
        .filter(|c| *c != ' ')
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The same comparison in SQL, on a column of references.
pub const REFERENCE_KEY_SQL: &str = "upper(replace(external_ref, ' ', ''))";

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn age_counts_whole_years_from_the_birthday() {
        assert_eq!(age_on(d("1941-04-03"), d("2026-04-02")), Some(84));
        assert_eq!(age_on(d("1941-04-03"), d("2026-04-03")), Some(85));
        assert_eq!(age_on(d("2026-11-28"), d("2026-11-28")), Some(0));
        assert_eq!(
            age_on(d("2026-11-29"), d("2026-11-28")),
            None,
            "born tomorrow"
        );
    }
}
