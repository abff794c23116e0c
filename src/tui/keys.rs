//! Key bindings as data: one table gives the action of a key on each screen, the hints
//! of the status bar and the lines of the help overlay, so the three always agree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use crate::i18n::Lang;

/// Where keys are read: a screen or the popup above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    SignIn,
    Queue,
    Call,
    ReferralForm,
    InterventionForm,
    LeaveCall,
    EndShift,
    ResumeDraft,
    Help,
    QuickSearch,
    QuickKind,
    FollowUp,
    Dispatch,
    ChoiceForm,
    /// The coordinator's program report.
    Report,
    /// Writing the handover note (end of shift).
    HandoverNote,
    /// Choosing who gets the callbacks kept for oneself (end of shift).
    HandOver,
    /// Reading the handover notes of the day (queue).
    HandoverNotes,
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

/// One line of the help: keys, what they do, where.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [(Key, Action)],
    /// Translation key of what the keys do.
    pub label: &'static str,
    /// Translation key of the keys' name when it is better than listing them.
    pub shown: Option<&'static str>,
    pub scopes: &'static [Scope],
    /// Shown in the status bar (in table order, as many as fit).
    pub bar: bool,
}

use Action as A;
use KeyCode as C;
use Scope as S;

const fn k(code: KeyCode) -> Key {
    Key::Code(code)
}

const LISTS: &[Scope] = &[S::SignIn, S::Queue];
const FORMS: &[Scope] = &[S::Call, S::ReferralForm, S::InterventionForm, S::ChoiceForm];
const EVERYWHERE_BUT_HELP: &[Scope] = &[
    S::SignIn,
    S::Queue,
    S::Call,
    S::ReferralForm,
    S::InterventionForm,
    S::LeaveCall,
    S::EndShift,
    S::ResumeDraft,
    S::QuickSearch,
    S::QuickKind,
    S::FollowUp,
    S::Dispatch,
    S::ChoiceForm,
    S::Report,
    S::HandoverNote,
    S::HandOver,
    S::HandoverNotes,
];
/// Screens where the quick entry opens (and is shown in the status bar).
const QUICK: &[Scope] = &[S::Queue, S::FollowUp, S::Dispatch];
const TRACKING: &[Scope] = &[S::FollowUp, S::Dispatch];

pub const BINDINGS: &[Binding] = &[
    // The call: saving first, so that its key is always in the status bar.
    Binding {
        keys: &[(Key::Ctrl('s'), A::Save), (k(C::F(2)), A::Save)],
        label: "keys.save",
        shown: None,
        scopes: &[S::Call],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "keys.add",
        shown: None,
        scopes: &[S::ReferralForm, S::InterventionForm],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "keys.sign_in",
        shown: None,
        scopes: &[S::SignIn],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "keys.call_selected",
        shown: None,
        scopes: &[S::Queue],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('n')), A::ClaimNext)],
        label: "keys.call_next",
        shown: None,
        scopes: &[S::Queue],
        bar: true,
    },
    Binding {
        keys: &[
            (k(C::F(6)), A::QuickEntry),
            (k(C::Char('/')), A::QuickEntry),
        ],
        label: "quick.key",
        shown: None,
        scopes: QUICK,
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('f')), A::OpenFollowUp)],
        label: "followup.key",
        shown: None,
        scopes: &[S::Queue],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('d')), A::OpenDispatch)],
        label: "dispatch.key",
        shown: None,
        scopes: &[S::Queue],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "quick.key_choose",
        shown: None,
        scopes: &[S::QuickSearch],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Up), A::Up), (k(C::Down), A::Down)],
        label: "keys.move",
        shown: Some("key.up_down"),
        scopes: &[S::QuickSearch],
        bar: true,
    },
    Binding {
        keys: &[
            (k(C::Char('r')), A::AddReferral),
            (k(C::Char('o')), A::AddReferral),
        ],
        label: "quick.key_referral",
        shown: None,
        scopes: &[S::QuickKind],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('i')), A::AddIntervention)],
        label: "quick.key_intervention",
        shown: None,
        scopes: &[S::QuickKind],
        bar: true,
    },
    Binding {
        keys: &[(Key::Digits, A::Pick(0))],
        label: "keys.pick",
        shown: None,
        scopes: &[S::QuickKind],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back)],
        label: "keys.cancel",
        shown: None,
        scopes: &[S::QuickSearch, S::QuickKind, S::ChoiceForm],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "choice.key_save",
        shown: None,
        scopes: &[S::ChoiceForm],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "followup.key_change",
        shown: None,
        scopes: &[S::FollowUp],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Enter), A::Assign), (k(C::Char('a')), A::Assign)],
        label: "dispatch.key_assign",
        shown: None,
        scopes: &[S::Dispatch],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('c')), A::Close)],
        label: "dispatch.key_close",
        shown: None,
        scopes: &[S::Dispatch],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('s')), A::FilterStatus)],
        label: "followup.key_status",
        shown: None,
        scopes: &[S::FollowUp],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('c')), A::FilterCategory)],
        label: "followup.key_category",
        shown: None,
        scopes: &[S::FollowUp],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Char('u')), A::FilterUrgency)],
        label: "followup.key_urgency",
        shown: None,
        scopes: &[S::FollowUp],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Char('m')), A::FilterMine)],
        label: "followup.key_mine",
        shown: None,
        scopes: &[S::FollowUp],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back)],
        label: "followup.key_back",
        shown: None,
        scopes: TRACKING,
        bar: true,
    },
    Binding {
        keys: &[
            (k(C::Up), A::Up),
            (k(C::Char('k')), A::Up),
            (k(C::Down), A::Down),
            (k(C::Char('j')), A::Down),
            (k(C::PageUp), A::PageUp),
            (k(C::PageDown), A::PageDown),
        ],
        label: "keys.move",
        shown: Some("key.up_down_jk"),
        scopes: TRACKING,
        bar: false,
    },
    Binding {
        keys: &[(k(C::F(5)), A::Refresh)],
        label: "keys.refresh",
        shown: None,
        scopes: TRACKING,
        bar: false,
    },
    Binding {
        keys: &[(k(C::Char('1')), A::QuickNoAnswer)],
        label: "keys.save_no_answer",
        shown: None,
        scopes: &[S::LeaveCall],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('2')), A::Abandon)],
        label: "keys.abandon",
        shown: None,
        scopes: &[S::LeaveCall],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back)],
        label: "keys.back_to_call",
        shown: None,
        scopes: &[S::LeaveCall],
        bar: true,
    },
    Binding {
        keys: &[
            (k(C::Enter), A::Confirm),
            (k(C::Char('o')), A::Confirm),
            (k(C::Char('y')), A::Confirm),
        ],
        label: "keys.confirm_end_shift",
        shown: None,
        scopes: &[S::EndShift],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('h')), A::HandoverNote)],
        label: "summary.key_note",
        shown: None,
        scopes: &[S::EndShift],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('t')), A::HandOverCallbacks)],
        label: "summary.key_hand_over",
        shown: None,
        scopes: &[S::EndShift],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back), (k(C::Char('n')), A::Back)],
        label: "summary.key_back",
        shown: None,
        scopes: &[S::EndShift],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "handover.key_save",
        shown: None,
        scopes: &[S::HandoverNote],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "handover.key_hand_over",
        shown: None,
        scopes: &[S::HandOver],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Up), A::Up), (k(C::Down), A::Down)],
        label: "keys.move",
        shown: Some("key.up_down"),
        scopes: &[S::HandOver],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back)],
        label: "keys.cancel",
        shown: None,
        scopes: &[S::HandoverNote, S::HandOver],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back), (k(C::Enter), A::Back)],
        label: "handover.key_close",
        shown: None,
        scopes: &[S::HandoverNotes],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Left), A::Left), (k(C::Right), A::Right)],
        label: "report.key_weeks",
        shown: Some("key.left_right"),
        scopes: &[S::Report],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Char('c')), A::NextCohort)],
        label: "report.key_cohort",
        shown: None,
        scopes: &[S::Report],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back)],
        label: "report.key_back",
        shown: None,
        scopes: &[S::Report],
        bar: true,
    },
    Binding {
        keys: &[
            (k(C::Up), A::Up),
            (k(C::Down), A::Down),
            (k(C::PageUp), A::PageUp),
            (k(C::PageDown), A::PageDown),
        ],
        label: "summary.key_scroll",
        shown: Some("summary.keys_scroll"),
        scopes: &[S::EndShift, S::Report, S::HandoverNotes],
        bar: false,
    },
    Binding {
        keys: &[(k(C::F(5)), A::Refresh)],
        label: "report.key_refresh",
        shown: None,
        scopes: &[S::Report],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "keys.resume",
        shown: None,
        scopes: &[S::ResumeDraft],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Delete), A::DiscardDraft)],
        label: "keys.discard",
        shown: None,
        scopes: &[S::ResumeDraft],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back)],
        label: "keys.later",
        shown: None,
        scopes: &[S::ResumeDraft],
        bar: true,
    },
    Binding {
        keys: &[(k(C::F(3)), A::AddReferral)],
        label: "keys.add_referral",
        shown: None,
        scopes: &[S::Call],
        bar: true,
    },
    Binding {
        keys: &[(k(C::F(4)), A::AddIntervention)],
        label: "keys.add_intervention",
        shown: None,
        scopes: &[S::Call],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back)],
        label: "keys.leave_call",
        shown: None,
        scopes: &[S::Call],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back)],
        label: "keys.cancel",
        shown: None,
        scopes: &[S::ReferralForm, S::InterventionForm],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Tab), A::NextField), (k(C::BackTab), A::PrevField)],
        label: "keys.fields",
        shown: Some("key.tab_backtab"),
        scopes: FORMS,
        bar: false,
    },
    Binding {
        keys: &[(k(C::Up), A::Up), (k(C::Down), A::Down)],
        label: "keys.fields_or_list",
        shown: Some("key.up_down"),
        scopes: FORMS,
        bar: false,
    },
    Binding {
        keys: &[(k(C::Left), A::Left), (k(C::Right), A::Right)],
        label: "keys.options",
        shown: Some("key.left_right"),
        scopes: FORMS,
        bar: false,
    },
    Binding {
        keys: &[(Key::Digits, A::Pick(0))],
        label: "keys.pick",
        shown: None,
        scopes: FORMS,
        bar: false,
    },
    Binding {
        keys: &[(k(C::Char(' ')), A::Toggle)],
        label: "keys.toggle",
        shown: None,
        scopes: FORMS,
        bar: false,
    },
    Binding {
        keys: &[(k(C::Enter), A::Confirm)],
        label: "keys.next_field",
        shown: None,
        scopes: &[S::Call],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Delete), A::Delete)],
        label: "keys.remove",
        shown: None,
        scopes: &[S::Call],
        bar: false,
    },
    Binding {
        keys: &[(k(C::F(7)), A::CheckReferrals)],
        label: "check.key",
        shown: None,
        scopes: &[S::Call],
        bar: false,
    },
    Binding {
        keys: &[(k(C::F(6)), A::QuickEntry)],
        label: "quick.key",
        shown: None,
        scopes: &[S::Call],
        bar: false,
    },
    Binding {
        keys: &[(Key::Ctrl('r'), A::Reclaim)],
        label: "keys.reclaim",
        shown: None,
        scopes: &[S::Call],
        bar: false,
    },
    Binding {
        keys: &[
            (k(C::Up), A::Up),
            (k(C::Char('k')), A::Up),
            (k(C::Down), A::Down),
            (k(C::Char('j')), A::Down),
        ],
        label: "keys.move",
        shown: Some("key.up_down_jk"),
        scopes: &[S::Queue],
        // The arrows need no hint: the room goes to the quick entry and follow-up.
        bar: false,
    },
    Binding {
        keys: &[(k(C::Up), A::Up), (k(C::Down), A::Down)],
        label: "keys.move",
        shown: Some("key.up_down"),
        scopes: &[S::SignIn],
        bar: true,
    },
    Binding {
        keys: &[
            (k(C::PageUp), A::PageUp),
            (k(C::PageDown), A::PageDown),
            (k(C::Home), A::Home),
            (k(C::End), A::End),
        ],
        label: "keys.page",
        shown: Some("key.pages"),
        scopes: LISTS,
        bar: false,
    },
    Binding {
        keys: &[(k(C::Char('r')), A::ResumeDraft)],
        label: "keys.resume_draft",
        shown: None,
        scopes: &[S::Queue],
        bar: false,
    },
    Binding {
        keys: &[(k(C::F(5)), A::Refresh)],
        label: "keys.refresh",
        shown: None,
        scopes: &[S::Queue],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Char('m')), A::HandoverNotes)],
        label: "handover.key_read",
        shown: None,
        scopes: &[S::Queue],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Char('p')), A::ProgramReport)],
        label: "report.key_open",
        shown: None,
        scopes: &[S::Queue],
        bar: false,
    },
    Binding {
        keys: &[(k(C::Char('q')), A::EndShift), (k(C::F(10)), A::EndShift)],
        label: "keys.end_shift",
        shown: None,
        scopes: &[S::Queue],
        bar: true,
    },
    Binding {
        keys: &[(k(C::Esc), A::Back)],
        label: "keys.quit",
        shown: None,
        scopes: &[S::SignIn],
        bar: true,
    },
    Binding {
        keys: &[(Key::Ctrl('c'), A::Interrupt)],
        label: "keys.interrupt",
        shown: None,
        scopes: EVERYWHERE_BUT_HELP,
        bar: false,
    },
    Binding {
        keys: &[(k(C::F(1)), A::Help), (k(C::Char('?')), A::Help)],
        label: "keys.help",
        shown: None,
        scopes: EVERYWHERE_BUT_HELP,
        bar: true,
    },
    Binding {
        keys: &[
            (k(C::Esc), A::Back),
            (k(C::F(1)), A::Back),
            (k(C::Char('?')), A::Back),
            (k(C::Enter), A::Back),
        ],
        label: "keys.close_help",
        shown: None,
        scopes: &[S::Help],
        bar: true,
    },
];

/// The action of a key press in `scope`. While a text field has the focus
/// (`typing`), printable keys are typed instead.
pub fn resolve(scope: Scope, typing: bool, ev: &KeyEvent) -> Option<Action> {
    for b in BINDINGS.iter().filter(|b| b.scopes.contains(&scope)) {
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
    BINDINGS.iter().filter(move |b| b.scopes.contains(&scope))
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
pub fn hints(scope: Scope, typing: bool, lang: Lang) -> Vec<(String, &'static str)> {
    bindings(scope)
        .filter(|b| b.bar)
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
    fn leaving_a_call_offers_no_answer_first() {
        assert_eq!(
            resolve(S::LeaveCall, false, &press(C::Char('1'))),
            Some(A::QuickNoAnswer)
        );
        assert_eq!(
            resolve(S::LeaveCall, false, &press(C::Char('2'))),
            Some(A::Abandon)
        );
    }

    #[test]
    fn the_save_key_comes_first_in_the_call_status_bar() {
        for lang in Lang::ALL {
            let hints = hints(S::Call, true, lang);
            assert_eq!(hints[0].0, "Ctrl+S", "{hints:?}");
            assert!(!hints.iter().any(|(k, _)| k.contains('?')), "{hints:?}");
        }
    }

    #[test]
    fn every_scope_has_help_and_a_way_out() {
        for scope in [
            S::SignIn,
            S::Queue,
            S::Call,
            S::ReferralForm,
            S::InterventionForm,
            S::LeaveCall,
            S::EndShift,
            S::ResumeDraft,
            S::Help,
            S::Report,
            S::HandoverNote,
            S::HandOver,
            S::HandoverNotes,
        ] {
            assert!(
                resolve(scope, false, &press(C::Esc)).is_some()
                    || resolve(scope, false, &press(C::Char('q'))).is_some(),
                "{scope:?}"
            );
            assert!(bindings(scope).any(|b| b.bar), "{scope:?}");
        }
    }
}
