//! Plain types and pure rules of the call program. Nothing here does I/O or reads
//! the clock: every function that depends on time takes `now` as an argument.

pub mod call;
pub mod consistency;
pub mod emergency;
pub mod forecast;
pub mod hours;
pub mod ladder;
pub mod lifecycle;
pub mod parse;
pub mod period;
pub mod phone;
pub mod queue;
pub mod referral;
pub mod rules;
pub mod schedule;
pub mod search;
pub mod shift;
pub mod tenant;

pub use call::{Need, NeedCategory, Outcome, Wellbeing};
pub use hours::CallingHours;
pub use referral::{InterventionKind, InterventionStatus, ReferralStatus, Urgency};
pub use rules::Rules;
pub use tenant::{Role, TenantStatus};
