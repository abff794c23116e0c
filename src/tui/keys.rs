//! Key bindings as data: one table gives the action of a key on each screen, the hints
//! of the status bar and the lines of the help overlay, so the three always agree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use crate::i18n::Lang;

/// Declares the scopes with their table and help intro, so that `Scope::ALL`, the
/// tables and the help intros cannot miss one.
macro_rules! scopes {
    ($($(#[$doc:meta])* $scope:ident => $rows:ident, $intro:literal;)+) => {
        /// Where keys are read: a screen or the popup above it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Scope {
            $($(#[$doc])* $scope,)+
        }

        impl Scope {
            pub const ALL: &[Scope] = &[$(Scope::$scope),+];

            fn rows(self) -> &'static [Row] {
                match self {
                    $(Scope::$scope => $rows,)+
                }
            }

            /// Translation key of the help overlay's first line.
            pub fn help_intro(self) -> &'static str {
                match self {
                    $(Scope::$scope => $intro,)+
                }
            }
        }
    };
}

#[rustfmt::skip]
scopes! {
    SignIn           => SIGN_IN,           "help.signin";
    Queue            => QUEUE,             "help.queue";
    Call             => CALL,              "help.call";
    ReferralForm     => REFERRAL_FORM,     "help.referral";
    InterventionForm => INTERVENTION_FORM, "help.intervention";
    LeaveCall        => LEAVE_CALL,        "help.popup";
    /// Leaving a call with something entered.
    LeaveEnteredCall => LEAVE_ENTERED_CALL, "help.popup";
    EndShift         => END_SHIFT,         "summary.help";
    ResumeDraft      => RESUME_DRAFT,      "help.popup";
    Help             => HELP,              "help.popup";
    QuickSearch      => QUICK_SEARCH,      "help.popup";
    QuickKind        => QUICK_KIND,        "help.popup";
    FollowUp         => FOLLOW_UP,         "help.popup";
    Dispatch         => DISPATCH,          "help.popup";
    ChoiceForm       => CHOICE_FORM,       "help.popup";
    /// The coordinator's program report.
    Report           => REPORT,            "report.help";
    /// Writing the handover note (end of shift).
    HandoverNote     => HANDOVER_NOTE,     "help.popup";
    /// Choosing who gets the callbacks kept for oneself (end of shift).
    HandOver         => HAND_OVER,         "help.popup";
    /// Reading the handover notes of the day (queue).
    HandoverNotes    => HANDOVER_NOTES,    "help.popup";
    /// The coordinator's live board.
    Board            => BOARD,             "board.help";
    /// An operator on a break.
    Break            => BREAK,             "break.help";
    /// A coordinator correcting a tenant's name.
    NameForm         => NAME_FORM,         "help.popup";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Code(KeyCode),
    Ctrl(char),
    /// Any digit 1–9 (gives `Action::Pick(n)`).
    Digits,
}

impl Key {
    /// Printable keys are typed into a focused text field instead of acting.
    fn is_printable(self) -> bool {
        matches!(self, Key::Code(KeyCode::Char(_)) | Key::Digits)
    }

    fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        match (self, ev.code) {
            (Key::Ctrl(c), KeyCode::Char(e)) => ctrl && e.eq_ignore_ascii_case(&c),
            (Key::Digits, KeyCode::Char('1'..='9')) => !ctrl && !alt,
            (Key::Code(k), e) => k == e && !ctrl && !alt,
            _ => false,
        }
    }

    pub fn label(self, lang: Lang) -> String {
        match self {
            Key::Ctrl(c) => format!("Ctrl+{}", c.to_ascii_uppercase()),
            Key::Digits => "1–9".to_string(),
            Key::Code(code) => match code {
                KeyCode::Enter => lang.t("key.enter").to_string(),
                KeyCode::Esc => lang.t("key.esc").to_string(),
                KeyCode::Tab => lang.t("key.tab").to_string(),
                KeyCode::BackTab => lang.t("key.backtab").to_string(),
                KeyCode::Char(' ') => lang.t("key.space").to_string(),
                KeyCode::Delete => lang.t("key.delete").to_string(),
                KeyCode::Backspace => lang.t("key.backspace").to_string(),
                KeyCode::Up => "↑".to_string(),
                KeyCode::Down => "↓".to_string(),
                KeyCode::Left => "←".to_string(),
                KeyCode::Right => "→".to_string(),
                KeyCode::PageUp => lang.t("key.page_up").to_string(),
                KeyCode::PageDown => lang.t("key.page_down").to_string(),
                KeyCode::Home => lang.t("key.home").to_string(),
                KeyCode::End => lang.t("key.end").to_string(),
                KeyCode::F(n) => format!("F{n}"),
                KeyCode::Char(c) => c.to_string(),
                _ => "?".to_string(),
            },
        }
    }
}

/// One line of the help: keys, what they do.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [(Key, Action)],
    /// Translation key of what the keys do.
    pub label: &'static str,
    /// Translation key of the keys' name when it is better than listing them.
    pub shown: Option<&'static str>,
    /// Shown in the status bar (in table order, as many as fit).
    pub bar: bool,
    /// Offered (status bar, help) only to coordinators: an operator is not shown keys
    /// they cannot use.
    pub coordinators: bool,
}

/// A line of a scope's table: a binding, or bindings several scopes share.
enum Row {
    Key(Binding),
    Shared(&'static [Row]),
}

impl Row {
    /// Names the keys with one translated word ("↑/↓") instead of listing them.
    const fn shown(self, shown: &'static str) -> Row {
        match self {
            Row::Key(b) => Row::Key(Binding {
                shown: Some(shown),
                ..b
            }),
            Row::Shared(rows) => Row::Shared(rows),
        }
    }

    /// A binding only coordinators are offered.
    const fn coordinators(self) -> Row {
        match self {
            Row::Key(b) => Row::Key(Binding {
                coordinators: true,
                ..b
            }),
            Row::Shared(rows) => Row::Shared(rows),
        }
    }
}

/// A binding also hinted in the status bar.
const fn bar(keys: &'static [(Key, Action)], label: &'static str) -> Row {
    Row::Key(Binding {
        keys,
        label,
        shown: None,
        bar: true,
        coordinators: false,
    })
}

/// A binding listed only in the help.
const fn help(keys: &'static [(Key, Action)], label: &'static str) -> Row {
    Row::Key(Binding {
        keys,
        label,
        shown: None,
        bar: false,
        coordinators: false,
    })
}

use Action as A;

const fn ch(c: char) -> Key {
    Key::Code(KeyCode::Char(c))
}

const fn f(n: u8) -> Key {
    Key::Code(KeyCode::F(n))
}

const ENTER: Key = Key::Code(KeyCode::Enter);
const ESC: Key = Key::Code(KeyCode::Esc);
const TAB: Key = Key::Code(KeyCode::Tab);
const BACKTAB: Key = Key::Code(KeyCode::BackTab);
const DELETE: Key = Key::Code(KeyCode::Delete);
const UP: Key = Key::Code(KeyCode::Up);
const DOWN: Key = Key::Code(KeyCode::Down);
const LEFT: Key = Key::Code(KeyCode::Left);
const RIGHT: Key = Key::Code(KeyCode::Right);
const PAGE_UP: Key = Key::Code(KeyCode::PageUp);
const PAGE_DOWN: Key = Key::Code(KeyCode::PageDown);
const HOME: Key = Key::Code(KeyCode::Home);
const END: Key = Key::Code(KeyCode::End);

// Each scope's lines in the order of the help and of the status bar; a key bound twice in
// a scope would act on its first line (the tests forbid it).

#[rustfmt::skip]
const SIGN_IN: &[Row] = &[
    bar(&[(ENTER, A::Confirm)],                                                     "keys.sign_in"),
    bar(&[(UP, A::Up), (DOWN, A::Down)],                                            "keys.move").shown("key.up_down"),
    Row::Shared(PAGES),
    bar(&[(ESC, A::Back)],                                                          "keys.quit"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const QUEUE: &[Row] = &[
    bar(&[(ENTER, A::Confirm)],                                                     "keys.call_selected"),
    bar(&[(ch('n'), A::ClaimNext)],                                                 "keys.call_next"),
    bar(&[(f(6), A::QuickEntry), (ch('/'), A::QuickEntry)],                         "quick.key"),
    bar(&[(ch('f'), A::OpenFollowUp)],                                              "followup.key"),
    bar(&[(ch('d'), A::OpenDispatch)],                                              "dispatch.key").coordinators(),
    // The arrows need no hint: the room goes to the quick entry and follow-up.
    help(&[(UP, A::Up), (ch('k'), A::Up), (DOWN, A::Down), (ch('j'), A::Down)],    "keys.move").shown("key.up_down_jk"),
    Row::Shared(PAGES),
    help(&[(ch('r'), A::ResumeDraft)],                                              "keys.resume_draft"),
    help(&[(f(5), A::Refresh), (Key::Ctrl('l'), A::Refresh)],                        "keys.refresh"),
    help(&[(ch('m'), A::HandoverNotes)],                                            "handover.key_read"),
    bar(&[(ch('t'), A::OpenBoard)],                                                 "board.key_open").coordinators(),
    help(&[(ch('p'), A::ProgramReport)],                                            "report.key_open").coordinators(),
    help(&[(ch('b'), A::TakeBreak)],                                                "break.key_take"),
    bar(&[(ch('q'), A::EndShift), (f(10), A::EndShift)],                            "keys.end_shift"),
    Row::Shared(EVERYWHERE),
];

/// Saving comes first, so that its key is always in the status bar.
#[rustfmt::skip]
const CALL: &[Row] = &[
    bar(&[(Key::Ctrl('s'), A::Save), (f(2), A::Save)],                              "keys.save"),
    bar(&[(f(3), A::AddReferral), (Key::Ctrl('o'), A::AddReferral)],                "keys.add_referral"),
    bar(&[(f(4), A::AddIntervention), (Key::Ctrl('t'), A::AddIntervention)],        "keys.add_intervention"),
    bar(&[(ESC, A::Back)],                                                          "keys.leave_call"),
    Row::Shared(FORM),
    help(&[(ENTER, A::Confirm)],                                                    "keys.next_field"),
    help(&[(DELETE, A::Delete)],                                                    "keys.remove"),
    help(&[(f(7), A::CheckReferrals), (Key::Ctrl('k'), A::CheckReferrals)],        "check.key"),
    help(&[(f(8), A::ToggleHistory), (Key::Ctrl('p'), A::ToggleHistory)],          "call.key_history"),
    help(&[(f(9), A::DialNumber), (Key::Ctrl('n'), A::DialNumber)],                "call.key_dial"),
    help(&[(f(6), A::QuickEntry), (Key::Ctrl('f'), A::QuickEntry)],                "quick.key"),
    help(&[(Key::Ctrl('r'), A::Reclaim)],                                           "keys.reclaim"),
    help(&[(Key::Ctrl('e'), A::CorrectName)],                                       "name.key").coordinators(),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const REFERRAL_FORM: &[Row] = &[
    bar(&[(ENTER, A::Confirm)],                                                     "keys.add"),
    bar(&[(ESC, A::Back)],                                                          "keys.cancel"),
    Row::Shared(FORM),
    Row::Shared(EVERYWHERE),
];

const INTERVENTION_FORM: &[Row] = REFERRAL_FORM;

#[rustfmt::skip]
const CHOICE_FORM: &[Row] = &[
    bar(&[(ESC, A::Back)],                                                          "keys.cancel"),
    bar(&[(ENTER, A::Confirm)],                                                     "choice.key_save"),
    Row::Shared(FORM),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const LEAVE_CALL: &[Row] = &[
    bar(&[(ch('1'), A::QuickNoAnswer)],                                             "keys.save_no_answer"),
    bar(&[(ch('2'), A::Abandon)],                                                   "keys.abandon"),
    bar(&[(ESC, A::Back)],                                                          "keys.back_to_call"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const LEAVE_ENTERED_CALL: &[Row] = &[
    bar(&[(ch('1'), A::Save)],                                                      "keys.save_entered"),
    bar(&[(ch('2'), A::Abandon)],                                                   "keys.abandon"),
    bar(&[(ESC, A::Back)],                                                          "keys.back_to_call"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const RESUME_DRAFT: &[Row] = &[
    bar(&[(ENTER, A::Confirm)],                                                     "keys.resume"),
    bar(&[(DELETE, A::DiscardDraft)],                                               "keys.discard"),
    bar(&[(ESC, A::Back)],                                                          "keys.later"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const QUICK_SEARCH: &[Row] = &[
    bar(&[(ENTER, A::Confirm)],                                                     "quick.key_choose"),
    bar(&[(UP, A::Up), (DOWN, A::Down)],                                            "keys.move").shown("key.up_down"),
    bar(&[(ESC, A::Back)],                                                          "keys.cancel"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const QUICK_KIND: &[Row] = &[
    bar(&[(ch('r'), A::AddReferral), (ch('o'), A::AddReferral)],                    "quick.key_referral"),
    bar(&[(ch('i'), A::AddIntervention)],                                           "quick.key_intervention"),
    bar(&[(ch('a'), A::IncomingCall)],                                              "quick.key_incoming"),
    help(&[(Key::Digits, A::Pick(0))],                                              "keys.pick"),
    bar(&[(ESC, A::Back)],                                                          "keys.cancel"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const FOLLOW_UP: &[Row] = &[
    bar(&[(ch('/'), A::FilterList)],                                                "list.key_filter"),
    help(&[(f(6), A::QuickEntry), (Key::Ctrl('f'), A::QuickEntry)],                 "quick.key"),
    bar(&[(ENTER, A::Confirm)],                                                     "followup.key_change"),
    bar(&[(ch('s'), A::FilterStatus)],                                              "followup.key_status"),
    help(&[(ch('c'), A::FilterCategory)],                                           "followup.key_category"),
    help(&[(ch('u'), A::FilterUrgency)],                                            "followup.key_urgency"),
    help(&[(ch('m'), A::FilterMine)],                                               "followup.key_mine"),
    Row::Shared(TRACKING),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const DISPATCH: &[Row] = &[
    bar(&[(ch('/'), A::FilterList)],                                                "list.key_filter"),
    help(&[(f(6), A::QuickEntry), (Key::Ctrl('f'), A::QuickEntry)],                 "quick.key"),
    bar(&[(ENTER, A::Assign), (ch('a'), A::Assign)],                                "dispatch.key_assign"),
    bar(&[(ch('c'), A::Close)],                                                     "dispatch.key_close"),
    bar(&[(ch('p'), A::TakeEmergency)],                                             "dispatch.key_take"),
    Row::Shared(TRACKING),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const END_SHIFT: &[Row] = &[
    bar(&[(ENTER, A::Confirm), (ch('o'), A::Confirm), (ch('y'), A::Confirm)],       "keys.confirm_end_shift"),
    bar(&[(ch('h'), A::HandoverNote)],                                              "summary.key_note"),
    bar(&[(ch('t'), A::HandOverCallbacks)],                                         "summary.key_hand_over"),
    bar(&[(ESC, A::Back), (ch('n'), A::Back)],                                      "summary.key_back"),
    Row::Shared(SCROLL),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const REPORT: &[Row] = &[
    bar(&[(LEFT, A::Left), (RIGHT, A::Right)],                                      "report.key_weeks").shown("key.left_right"),
    bar(&[(ch('c'), A::NextCohort)],                                                "report.key_cohort"),
    bar(&[(ESC, A::Back)],                                                          "report.key_back"),
    Row::Shared(SCROLL),
    help(&[(f(5), A::Refresh), (Key::Ctrl('l'), A::Refresh)],                        "report.key_refresh"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const BOARD: &[Row] = &[
    bar(&[(ESC, A::Back)],                                                          "report.key_back"),
    bar(&[(f(5), A::Refresh), (Key::Ctrl('l'), A::Refresh)],                         "board.key_refresh"),
    help(&[(UP, A::Up), (DOWN, A::Down), (PAGE_UP, A::PageUp), (PAGE_DOWN, A::PageDown), (HOME, A::Home), (END, A::End)], "board.key_scroll").shown("summary.keys_scroll"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const BREAK: &[Row] = &[
    bar(&[(ENTER, A::Confirm), (ch('b'), A::Confirm), (ESC, A::Back)],              "break.key_end"),
    bar(&[(ch('q'), A::EndShift), (f(10), A::EndShift)],                            "keys.end_shift"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const NAME_FORM: &[Row] = &[
    bar(&[(Key::Ctrl('s'), A::Save)],                                               "keys.save"),
    bar(&[(ENTER, A::Confirm)],                                                     "name.key_next"),
    bar(&[(ESC, A::Back)],                                                          "keys.cancel"),
    help(&[(TAB, A::NextField), (BACKTAB, A::PrevField)],                           "keys.fields").shown("key.tab_backtab"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const HANDOVER_NOTE: &[Row] = &[
    bar(&[(ENTER, A::Confirm)],                                                     "handover.key_save"),
    bar(&[(ESC, A::Back)],                                                          "keys.cancel"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const HAND_OVER: &[Row] = &[
    bar(&[(ENTER, A::Confirm)],                                                     "handover.key_hand_over"),
    bar(&[(UP, A::Up), (DOWN, A::Down)],                                            "keys.move").shown("key.up_down"),
    bar(&[(ESC, A::Back)],                                                          "keys.cancel"),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const HANDOVER_NOTES: &[Row] = &[
    bar(&[(ESC, A::Back), (ENTER, A::Back)],                                        "handover.key_close"),
    Row::Shared(SCROLL),
    Row::Shared(EVERYWHERE),
];

#[rustfmt::skip]
const HELP: &[Row] = &[
    bar(&[(ESC, A::Back), (f(1), A::Back), (ch('?'), A::Back), (ENTER, A::Back)],   "keys.close_help"),
    bar(&[(UP, A::Up), (DOWN, A::Down)],                                            "keys.scroll_help").shown("key.up_down"),
];

// Lines several scopes share.

/// Every scope but the help itself.
#[rustfmt::skip]
const EVERYWHERE: &[Row] = &[
    help(&[(Key::Ctrl('c'), A::Interrupt)],                                         "keys.interrupt"),
    bar(&[(f(1), A::Help), (ch('?'), A::Help)],                                     "keys.help"),
];

/// The call and the forms of referrals, interventions and choices.
#[rustfmt::skip]
const FORM: &[Row] = &[
    help(&[(TAB, A::NextField), (BACKTAB, A::PrevField)],                           "keys.fields").shown("key.tab_backtab"),
    help(&[(UP, A::Up), (DOWN, A::Down)],                                           "keys.fields_or_list").shown("key.up_down"),
    help(&[(LEFT, A::Left), (RIGHT, A::Right)],                                     "keys.options").shown("key.left_right"),
    help(&[(Key::Digits, A::Pick(0))],                                              "keys.pick"),
    help(&[(ch(' '), A::Toggle)],                                                   "keys.toggle"),
];

/// The lists of sign-in and the queue.
#[rustfmt::skip]
const PAGES: &[Row] = &[
    help(&[(PAGE_UP, A::PageUp), (PAGE_DOWN, A::PageDown), (HOME, A::Home), (END, A::End)], "keys.page").shown("key.pages"),
];

/// Follow-up and dispatch.
#[rustfmt::skip]
const TRACKING: &[Row] = &[
    bar(&[(ESC, A::Back)],                                                          "followup.key_back"),
    help(&[(UP, A::Up), (ch('k'), A::Up), (DOWN, A::Down), (ch('j'), A::Down), (PAGE_UP, A::PageUp), (PAGE_DOWN, A::PageDown)], "keys.move").shown("key.up_down_jk"),
    help(&[(f(5), A::Refresh), (Key::Ctrl('l'), A::Refresh)],                        "keys.refresh"),
];

/// The end-of-shift summary, the report and the handover notes.
#[rustfmt::skip]
const SCROLL: &[Row] = &[
    help(&[(UP, A::Up), (DOWN, A::Down), (PAGE_UP, A::PageUp), (PAGE_DOWN, A::PageDown)], "summary.key_scroll").shown("summary.keys_scroll"),
];

/// The action of a key press in `scope`. While a text field has the focus
/// (`typing`), printable keys are typed instead.
pub fn resolve(scope: Scope, typing: bool, ev: &KeyEvent) -> Option<Action> {
    for b in bindings(scope) {
        for (key, action) in b.keys {
            if typing && key.is_printable() {
                continue;
            }
            if key.matches(ev) {
                return Some(match (key, ev.code) {
                    (Key::Digits, KeyCode::Char(d)) => Action::Pick(d as u8 - b'0'),
                    _ => *action,
                });
            }
        }
    }
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let alt = ev.modifiers.contains(KeyModifiers::ALT);
    match ev.code {
        KeyCode::Char(c) if typing && !ctrl && !alt => Some(Action::Char(c)),
        // Ctrl+U empties the field, as in a shell.
        KeyCode::Char('u' | 'U') if typing && ctrl => Some(Action::ClearField),
        KeyCode::Backspace => Some(Action::Backspace),
        KeyCode::Delete => Some(Action::Delete),
        KeyCode::Left => Some(Action::Left),
        KeyCode::Right => Some(Action::Right),
        KeyCode::Home => Some(Action::Home),
        KeyCode::End => Some(Action::End),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Tab => Some(Action::NextField),
        KeyCode::BackTab => Some(Action::PrevField),
        _ => None,
    }
}

/// The bindings that work in `scope`, in table order.
pub fn bindings(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    fn flatten(rows: &'static [Row], out: &mut Vec<&'static Binding>) {
        for row in rows {
            match row {
                Row::Key(b) => out.push(b),
                Row::Shared(rows) => flatten(rows, out),
            }
        }
    }
    let mut out = Vec::new();
    flatten(scope.rows(), &mut out);
    out.into_iter()
}

/// How a binding's keys are written: "Ctrl+S / F2".
pub fn keys_label(b: &Binding, lang: Lang, typing: bool) -> String {
    if let Some(shown) = b.shown {
        return lang.t(shown).to_string();
    }
    let mut labels: Vec<String> = Vec::new();
    for (key, _) in b.keys {
        if typing && key.is_printable() {
            continue;
        }
        let l = key.label(lang);
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    labels.join("/")
}

/// Status bar hints for `scope`: (first usable key, what it does). The help lists
/// every key.
pub fn hints(
    scope: Scope,
    typing: bool,
    coordinator: bool,
    lang: Lang,
) -> Vec<(String, &'static str)> {
    bindings(scope)
        .filter(|b| b.bar && (coordinator || !b.coordinators))
        .filter_map(|b| {
            let key = match b.shown {
                Some(shown) => Some(lang.t(shown).to_string()),
                None => b
                    .keys
                    .iter()
                    .find(|(k, _)| !(typing && k.is_printable()))
                    .map(|(k, _)| k.label(lang)),
            };
            key.map(|k| (k, lang.t(b.label)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use KeyCode as C;
    use Scope as S;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    #[test]
    fn letters_act_in_lists_but_are_typed_in_fields() {
        assert_eq!(
            resolve(S::Queue, false, &press(C::Char('j'))),
            Some(A::Down)
        );
        assert_eq!(
            resolve(S::Queue, false, &press(C::Char('n'))),
            Some(A::ClaimNext)
        );
        assert_eq!(
            resolve(S::Call, true, &press(C::Char('j'))),
            Some(A::Char('j'))
        );
        assert_eq!(
            resolve(S::Call, true, &press(C::Char('?'))),
            Some(A::Char('?'))
        );
        assert_eq!(resolve(S::Call, false, &press(C::Char('?'))), Some(A::Help));
        assert_eq!(
            resolve(S::SignIn, true, &press(C::Char('q'))),
            Some(A::Char('q'))
        );
    }

    #[test]
    fn digits_pick_options_unless_typing() {
        assert_eq!(
            resolve(S::Call, false, &press(C::Char('7'))),
            Some(A::Pick(7))
        );
        assert_eq!(
            resolve(S::Call, true, &press(C::Char('7'))),
            Some(A::Char('7'))
        );
        assert_eq!(resolve(S::Call, false, &press(C::Char('0'))), None);
    }

    #[test]
    fn save_works_even_while_typing() {
        assert_eq!(resolve(S::Call, true, &ctrl('s')), Some(A::Save));
        assert_eq!(resolve(S::Call, true, &ctrl('S')), Some(A::Save));
        assert_eq!(resolve(S::Call, true, &press(C::F(2))), Some(A::Save));
        assert_eq!(resolve(S::Call, true, &press(C::Esc)), Some(A::Back));
    }

    #[test]
    fn leaving_a_call_offers_no_answer_first_only_on_an_empty_form() {
        assert_eq!(
            resolve(S::LeaveCall, false, &press(C::Char('1'))),
            Some(A::QuickNoAnswer)
        );
        assert_eq!(
            resolve(S::LeaveEnteredCall, false, &press(C::Char('1'))),
            Some(A::Save)
        );
        for scope in [S::LeaveCall, S::LeaveEnteredCall] {
            assert_eq!(
                resolve(scope, false, &press(C::Char('2'))),
                Some(A::Abandon)
            );
        }
    }

    #[test]
    fn operators_are_offered_only_the_keys_they_can_use() {
        let keys = |coordinator| -> Vec<String> {
            hints(S::Queue, false, coordinator, Lang::Fr)
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        let operator = keys(false);
        assert!(!operator.contains(&"d".to_string()), "{operator:?}");
        assert!(!operator.contains(&"t".to_string()), "{operator:?}");
        let coordinator = keys(true);
        assert!(coordinator.contains(&"d".to_string()), "{coordinator:?}");
        assert!(coordinator.contains(&"t".to_string()), "{coordinator:?}");
    }

    #[test]
    fn every_function_key_has_a_key_outside_the_f_row() {
        for scope in Scope::ALL {
            for b in bindings(*scope) {
                let f_keys = b
                    .keys
                    .iter()
                    .filter(|(k, _)| matches!(k, Key::Code(C::F(_))));
                for (_, action) in f_keys {
                    assert!(
                        b.keys
                            .iter()
                            .any(|(k, a)| a == action && !matches!(k, Key::Code(C::F(_)))),
                        "{scope:?}: {action:?} only on a function key"
                    );
                }
            }
        }
    }

    #[test]
    fn the_save_key_comes_first_in_the_call_status_bar() {
        for lang in Lang::ALL {
            let hints = hints(S::Call, true, false, lang);
            assert_eq!(hints[0].0, "Ctrl+S", "{hints:?}");
            assert!(!hints.iter().any(|(k, _)| k.contains('?')), "{hints:?}");
        }
    }

    /// The presses a key stands for.
    fn presses(key: Key) -> Vec<KeyEvent> {
        match key {
            Key::Code(code) => vec![press(code)],
            Key::Ctrl(c) => vec![ctrl(c)],
            Key::Digits => ('1'..='9').map(|d| press(C::Char(d))).collect(),
        }
    }

    /// The action a press of `key` gives by its binding.
    fn bound(key: Key, action: Action, ev: &KeyEvent) -> Action {
        match (key, ev.code) {
            (Key::Digits, C::Char(d)) => A::Pick(d as u8 - b'0'),
            _ => action,
        }
    }

    #[test]
    fn every_scope_has_help_and_a_way_out() {
        for &scope in Scope::ALL {
            for lang in Lang::ALL {
                assert!(lang.lookup(scope.help_intro()).is_some(), "{scope:?}");
                for typing in [false, true] {
                    assert!(!hints(scope, typing, false, lang).is_empty(), "{scope:?}");
                }
            }
            assert!(
                resolve(scope, false, &press(C::Esc)).is_some()
                    || resolve(scope, false, &press(C::Char('q'))).is_some(),
                "{scope:?}"
            );
        }
    }

    #[test]
    fn no_key_gives_two_actions_in_a_scope() {
        for &scope in Scope::ALL {
            let keys: Vec<(Key, Action)> = bindings(scope)
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, &(key, action)) in keys.iter().enumerate() {
                for &(other, other_action) in &keys[i + 1..] {
                    for ev in presses(key).iter().filter(|ev| other.matches(ev)) {
                        assert_eq!(
                            bound(key, action, ev),
                            bound(other, other_action, ev),
                            "{scope:?}: {ev:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_key_of_the_help_and_the_hints_acts_in_its_scope() {
        for &scope in Scope::ALL {
            for b in bindings(scope) {
                for &(key, action) in b.keys {
                    for ev in presses(key) {
                        let want = Some(bound(key, action, &ev));
                        assert_eq!(resolve(scope, false, &ev), want, "{scope:?}: {ev:?}");
                        if !key.is_printable() {
                            assert_eq!(resolve(scope, true, &ev), want, "{scope:?}: {ev:?}");
                        }
                    }
                }
            }
        }
    }
}
