//! What one call attempt records.

use serde::{Deserialize, Serialize};

/// Declares a closed list of values stored in the database as snake_case codes.
/// The code is what SQL, CSV, JSON and the translation files use.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::from_code(s).ok_or_else(|| {
                    let codes: Vec<&str> = Self::ALL.iter().map(|v| v.code()).collect();
                    format!("unknown value '{s}' (expected one of: {})", codes.join(", "))
                })
            }
        }
    };
}
pub(crate) use coded_enum;

coded_enum! {
    /// How a call attempt ended.
    Outcome {
        Reached = "reached",
        NoAnswer = "no_answer",
        Busy = "busy",
        Voicemail = "voicemail",
        WrongNumber = "wrong_number",
        Refused = "refused",
        CallbackRequested = "callback_requested",
        Hospitalised = "hospitalised",
        DeceasedReported = "deceased_reported",
    }
}

impl Outcome {
    /// The tenant was not spoken to and should be tried again soon.
    pub fn is_unanswered(self) -> bool {
        matches!(self, Outcome::NoAnswer | Outcome::Busy | Outcome::Voicemail)
    }
}

coded_enum! {
    /// How the operator judged the tenant's state during the call.
    Wellbeing {
        Fine = "fine",
        Worried = "worried",
        Urgent = "urgent",
    }
}

coded_enum! {
    /// What a call found the tenant needs. Also the category of a referral.
    NeedCategory {
        Health = "health",
        Food = "food",
        Transport = "transport",
        Isolation = "isolation",
        Medication = "medication",
        Home = "home",
        Financial = "financial",
        Other = "other",
    }
}

/// One need found during a call, with the operator's details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub category: NeedCategory,
    pub details: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_no_answer_busy_and_voicemail_are_tried_again_soon() {
        let unanswered: Vec<Outcome> = Outcome::ALL
            .iter()
            .copied()
            .filter(|o| o.is_unanswered())
            .collect();
        assert_eq!(
            unanswered,
            [Outcome::NoAnswer, Outcome::Busy, Outcome::Voicemail]
        );
    }
}
