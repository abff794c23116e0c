//! What a screen or a popup asks for after an action. A screen changes only itself
//! and returns an `Effect`; the app alone applies it (see `App::apply`): it is the one
//! place where the current screen, the popup and the message line change.

use super::app::{Screen, Session, Ui};
use super::draft::Draft;
use super::popup::Popup;
use crate::domain::Rules;
use crate::store::{Store, StoreError};

#[derive(Debug, Default)]
pub enum Effect {
    #[default]
    None,
    /// Put this screen in place of the current one.
    Show(Screen),
    /// Open (or reload) the queue.
    Queue,
    Popup(Popup),
    /// Reload the current screen after a change made elsewhere.
    Reload,
    Info(String),
    Error(String),
    /// A store error, told in the operator's words.
    Fail(StoreError),
    /// End the shift and leave.
    EndShift,
    /// The signed-in coordinator takes this emergency (the alert stops for everyone).
    TakeEmergency(i64),
    /// Claim this tenant (or the next one due) and open the call.
    Claim(Option<i64>),
    /// Sign this operator in and open the queue.
    SignIn(Box<crate::store::Operator>),
    /// Leave the program (from the sign-in, where no shift is open).
    Quit,
    /// Check and save the call on the screen (a busy database keeps it waiting).
    SaveCall,
    /// Copy the number of the call on the screen, and run the dial command if any.
    Dial,
    /// Take the tenant of the call back after its claim was lost.
    Reclaim,
    /// End the signed-in operator's break, then this.
    EndBreak(Box<Effect>),
    /// Several effects, in order.
    Then(Vec<Effect>),
}

impl Effect {
    /// Shows a freshly loaded screen, or says why it could not be loaded.
    pub fn show<S>(loaded: Result<S, StoreError>, screen: impl FnOnce(S) -> Screen) -> Effect {
        match loaded {
            Ok(s) => Effect::Show(screen(s)),
            Err(e) => Effect::Fail(e),
        }
    }

    /// Puts a reloaded state in place of `state`, or says why it could not be loaded
    /// (the screen then stays as it was).
    pub fn replace<S>(state: &mut S, loaded: Result<S, StoreError>) -> Effect {
        match loaded {
            Ok(s) => {
                *state = s;
                Effect::None
            }
            Err(e) => Effect::Fail(e),
        }
    }

    /// Nothing when `result` is fine, its error otherwise.
    pub fn fail_on(result: Result<(), StoreError>) -> Effect {
        result.err().map_or(Effect::None, Effect::Fail)
    }
}

/// What a screen reads while it handles an action.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub rules: &'a Rules,
    pub session: Option<&'a Session>,
    /// A call left unsaved by a crash, not yet resumed or discarded.
    pub pending_draft: Option<&'a Draft>,
    pub ui: Ui,
    /// The terminal's size, for what scrolls by pages.
    pub size: ratatui::layout::Size,
    /// The clock, for screens that read on a thread of their own (the board).
    pub clock: crate::clock::Clock,
    /// The catalogue of services, for the referral form.
    pub services: &'a [crate::store::Service],
}

impl Ctx<'_> {
    /// The signed-in operator's id, and whether they coordinate.
    pub fn who(&self) -> Option<(i64, bool)> {
        self.session
            .map(|s| (s.operator.id, crate::access::may_coordinate(&s.operator)))
    }
}
