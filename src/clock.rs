//! The clock, passed in rather than read inside: tests and demos run on a chosen time.

use chrono::{DateTime, Duration, Utc};

/// The time as veille sees it: the system clock, possibly shifted to start at a
/// chosen instant (`--now`), or frozen (tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    System { offset: Duration },
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn system() -> Clock {
        Clock::System {
            offset: Duration::zero(),
        }
    }

    /// A clock that reads `start` now and then runs at normal speed.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock::System {
            offset: start - Utc::now(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System { offset } => Utc::now() + *offset,
            Clock::Fixed(t) => *t,
        }
    }
}
