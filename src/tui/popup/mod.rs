//! Popups above a screen: adding a referral or an intervention request, confirming
//! that a call is left, resuming a draft left by a crash, handing over to the next shift.

pub mod choice;
mod confirm;
pub mod handover;
mod intervention;
pub mod name;
pub mod quick_entry;
mod referral;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Rect, Size};
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear};

pub use handover::{HandOverPicker, HandoverNoteForm, NotesView};
pub use intervention::{IntField, InterventionForm};
pub use referral::{RefField, ReferralForm};

use super::action::Action;
use super::app::{App, Screen};
use super::keys::Scope;

#[derive(Debug, Clone)]
pub enum Popup {
    /// Esc on a call: save what was entered (or "no answer" when nothing was), drop,
    /// or go back.
    LeaveCall {
        entered: bool,
    },
    /// A draft was found; discarding asks twice.
    ResumeDraft {
        confirm_discard: bool,
    },
    Referral(ReferralForm),
    Intervention(InterventionForm),
    Quick(Box<quick_entry::QuickEntry>),
    Choice(Box<choice::ChoiceForm>),
    /// End of shift: the note for the next shift.
    HandoverNote(HandoverNoteForm),
    /// End of shift: who gets the callbacks kept for oneself.
    HandOver(HandOverPicker),
    /// Queue: the handover notes of the day.
    HandoverNotes(NotesView),
    /// A coordinator corrects the tenant's name (call screen).
    Name(Box<name::NameForm>),
}

/// What a popup form answers after an action: stay open, close, or close with a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply<T> {
    Keep,
    Cancel,
    Done(T),
}

impl Popup {
    pub fn scope(&self) -> (Scope, bool) {
        match self {
            Popup::LeaveCall { entered: false } => (Scope::LeaveCall, false),
            Popup::LeaveCall { entered: true } => (Scope::LeaveEnteredCall, false),
            Popup::ResumeDraft { .. } => (Scope::ResumeDraft, false),
            Popup::Referral(f) => (Scope::ReferralForm, f.typing()),
            Popup::Intervention(f) => (Scope::InterventionForm, f.typing()),
            Popup::Quick(q) => q.scope(),
            Popup::Choice(f) => (Scope::ChoiceForm, f.typing()),
            Popup::HandoverNote(_) => (Scope::HandoverNote, true),
            Popup::HandOver(_) => (Scope::HandOver, true),
            Popup::HandoverNotes(_) => (Scope::HandoverNotes, false),
            Popup::Name(_) => (Scope::NameForm, true),
        }
    }
}

/// Applies `action` to the popup taken out of `app` (put back unless it closes).
pub fn update(app: &mut App, popup: Popup, action: Action, now: DateTime<Utc>) {
    let size = app.size;
    match popup {
        // "No answer" is offered only on an empty form: never an outcome the operator
        // did not pick over what they entered.
        Popup::LeaveCall { entered } => match action {
            Action::Save if entered => super::call::save(app, now),
            Action::QuickNoAnswer if !entered => super::call::save_no_answer(app, now),
            Action::Abandon => super::call::abandon(app, now),
            Action::Back | Action::Interrupt => {}
            _ => app.popup = Some(Popup::LeaveCall { entered }),
        },
        Popup::ResumeDraft { confirm_discard } => match action {
            Action::Confirm => confirm::resume(app, now),
            Action::DiscardDraft if confirm_discard => confirm::discard(app, now),
            Action::DiscardDraft => {
                app.popup = Some(Popup::ResumeDraft {
                    confirm_discard: true,
                });
            }
            Action::Back if confirm_discard => {
                app.popup = Some(Popup::ResumeDraft {
                    confirm_discard: false,
                });
            }
            Action::Back | Action::Interrupt => {}
            _ => app.popup = Some(Popup::ResumeDraft { confirm_discard }),
        },
        Popup::Referral(mut form) => {
            let ui = app.ui();
            let area = form.area(&app.services, &ui, size);
            match form.apply(action, &app.services, ui.today(), area, ui) {
                Reply::Keep => app.popup = Some(Popup::Referral(form)),
                Reply::Cancel => {}
                Reply::Done(entry) => {
                    if let Screen::Call(call) = &mut app.screen {
                        // A referral for a need ticks that need.
                        if let Some(n) = call.form.need_mut(entry.category) {
                            n.checked = true;
                        }
                        match form.editing {
                            Some(i) if i < call.form.referrals.len() => {
                                call.form.referrals[i] = entry;
                            }
                            _ => call.form.referrals.push(entry),
                        }
                    }
                }
            }
        }
        Popup::Intervention(mut form) => {
            let ui = app.ui();
            let area = form.area(&ui, size);
            match form.apply(action, &app.rules, area, ui) {
                Reply::Keep => app.popup = Some(Popup::Intervention(form)),
                Reply::Cancel => {}
                Reply::Done(entry) => {
                    if let Screen::Call(call) = &mut app.screen {
                        match form.editing {
                            Some(i) if i < call.form.interventions.len() => {
                                call.form.interventions[i] = entry;
                            }
                            _ => call.form.interventions.push(entry),
                        }
                    }
                }
            }
        }
        Popup::Quick(q) => quick_entry::update(app, q, action, now),
        Popup::Choice(mut form) => match form.apply(action) {
            Reply::Keep => app.popup = Some(Popup::Choice(form)),
            Reply::Cancel => {}
            Reply::Done(answer) => match answer_screen(app, &answer, now) {
                Ok(effect) => app.apply(effect),
                Err(why) => {
                    form.refused(why);
                    app.popup = Some(Popup::Choice(form));
                }
            },
        },
        Popup::HandoverNote(mut form) => {
            let reply = form.apply(action);
            handover_reply(app, reply, Popup::HandoverNote(form), now);
        }
        Popup::HandOver(mut picker) => {
            let reply = picker.apply(action);
            handover_reply(app, reply, Popup::HandOver(picker), now);
        }
        Popup::HandoverNotes(view) => handover::update_notes(app, view, action),
        Popup::Name(mut form) => match form.apply(action) {
            Reply::Keep => app.popup = Some(Popup::Name(form)),
            Reply::Cancel => {}
            Reply::Done(()) => super::call::correct_name(app, form, now),
        },
    }
}

/// Hands the answer of a choice popup to the screen that opened it, which does its
/// own write; a refusal (in the operator's words) goes back to the popup.
fn answer_screen(
    app: &mut App,
    answer: &choice::Answer,
    now: DateTime<Utc>,
) -> Result<super::effect::Effect, String> {
    let Some(by) = app.session.as_ref().map(|s| s.operator.id) else {
        return Ok(super::effect::Effect::None);
    };
    let ui = app.ui();
    let l = ui.lang;
    match &app.screen {
        Screen::FollowUp(_) => super::followup::answer(&mut app.store, answer, l, by, now),
        Screen::Dispatch(_) => super::dispatch::answer(&mut app.store, answer, &ui, by, now),
        Screen::Call(_) => super::referral_check::answer(&mut app.store, answer, l, by, now),
        Screen::Queue(_) => match app.session.as_ref().map(|s| s.shift_id) {
            Some(shift) => super::on_break::answer(&mut app.store, answer, shift, now),
            None => Ok(super::effect::Effect::None),
        },
        _ => Ok(super::effect::Effect::None),
    }
}

/// Keeps a handover popup open, closes it, or hands its result to the summary
/// (kept open when writing failed: what was typed is not lost).
fn handover_reply(
    app: &mut App,
    reply: Reply<super::summary::Handover>,
    popup: Popup,
    now: DateTime<Utc>,
) {
    match reply {
        Reply::Keep => app.popup = Some(popup),
        Reply::Cancel => {}
        Reply::Done(what) => {
            if !hand_over(app, &what, now) {
                app.popup = Some(popup);
            }
        }
    }
}

/// Hands what a handover popup reported to the summary, which does its own write;
/// false (and the error shown) when it could not be written.
fn hand_over(app: &mut App, what: &super::summary::Handover, now: DateTime<Utc>) -> bool {
    let (Screen::Summary(_), Some(session)) = (&app.screen, &app.session) else {
        return true;
    };
    match super::summary::hand_over(&mut app.store, session, what, app.lang, now) {
        Ok(effect) => {
            app.apply(effect);
            true
        }
        Err(e) => {
            app.store_error(&e);
            false
        }
    }
}

/// A box of at most `w`×`h` in the middle of the screen.
pub fn centered(size: Size, w: u16, h: u16) -> Rect {
    let w = w.min(size.width.saturating_sub(2));
    let h = h.min(size.height.saturating_sub(2));
    Rect::new((size.width - w) / 2, (size.height - h) / 2, w, h)
}

/// Where a popup form of `rows` rows is drawn (its border around them).
pub fn form_area(size: Size, rows: usize) -> Rect {
    centered(size, 84, rows as u16 + 2)
}

/// Draws the open popup above the screen.
pub fn render(app: &App, frame: &mut Frame) {
    let Some(popup) = &app.popup else {
        return;
    };
    let ui = app.ui();
    let size = Size::new(frame.area().width, frame.area().height);
    match popup {
        Popup::LeaveCall { entered } => confirm::render_leave_call(*entered, &ui, size, frame),
        Popup::ResumeDraft { confirm_discard } => {
            confirm::render_resume(app, *confirm_discard, &ui, size, frame);
        }
        Popup::Referral(f) => f.render(&app.services, &ui, f.area(&app.services, &ui, size), frame),
        Popup::Intervention(f) => f.render(&ui, f.area(&ui, size), frame),
        Popup::Quick(q) => quick_entry::render(q, app, &ui, size, frame),
        Popup::Choice(f) => f.render(&ui, size, frame),
        Popup::HandoverNote(f) => handover::render_note(f, &ui, size, frame),
        Popup::HandOver(p) => handover::render_hand_over(p, &ui, size, frame),
        Popup::HandoverNotes(v) => handover::render_notes(v, &ui, size, frame),
        Popup::Name(f) => f.render(&ui, size, frame),
    }
}

/// Clears `area` and draws a bordered box titled `title`; returns its inside.
pub fn frame_box(ui: &super::app::Ui, title: &str, area: Rect, frame: &mut Frame) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(Span::styled(format!(" {title} "), ui.theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}
