//! A small popup that asks for one choice and a note: the next status of a referral,
//! the field team of an intervention request, how an intervention ended, the answer to
//! "has it started?" during a call. It only reports the answer, with the `Purpose` it
//! was opened for; the screen that opened it acts on it.

use ratatui::Frame;
use ratatui::layout::{Rect, Size};

use super::{Reply, form_area, frame_box};
use crate::domain::ReferralStatus;
use crate::tui::action::Action;
use crate::tui::app::Ui;
use crate::tui::rows::{FormRows, Rows, clip};
use crate::tui::text_field::TextField;

/// What the answer is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// The next status of a referral (follow-up screen).
    ReferralStatus { id: i64, to: Vec<ReferralStatus> },
    /// A field team (ids in choice order) and the planned time (the note).
    Assign { id: i64, teams: Vec<i64> },
    /// How an intervention ended.
    Close { id: i64 },
    /// During a call: has this referral started? `None` keeps it as it is. The
    /// referrals still to check come after it.
    Check {
        id: i64,
        to: Vec<Option<ReferralStatus>>,
        next: Vec<i64>,
    },
    /// Why the operator takes a break (choices in `BreakReason::ALL` order).
    Break,
}

/// What the operator answered, for the screen that asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub purpose: Purpose,
    /// The index of the choice.
    pub choice: usize,
    /// The note, trimmed.
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Choice,
    Note,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceForm {
    pub purpose: Purpose,
    pub title: String,
    /// What it is about: the tenant and the request.
    pub subject: String,
    pub choices: Vec<String>,
    pub choice: usize,
    /// Translation key of the choice's label.
    pub choice_label: &'static str,
    pub note_label: String,
    pub note_hint: String,
    pub note: TextField,
    pub on_note: bool,
    pub problem: Option<String>,
}

impl ChoiceForm {
    pub fn new(purpose: Purpose, title: &str, subject: &str, choices: Vec<String>) -> ChoiceForm {
        ChoiceForm {
            purpose,
            title: title.to_string(),
            subject: subject.to_string(),
            choices,
            choice: 0,
            choice_label: "choice.answer",
            note_label: String::new(),
            note_hint: String::new(),
            note: TextField::default(),
            on_note: false,
            problem: None,
        }
    }

    /// Puts the form back with why its answer was refused.
    pub fn refused(&mut self, why: String) {
        self.problem = Some(why);
        self.on_note = true;
    }

    pub fn typing(&self) -> bool {
        self.on_note
    }

    /// Keys: digits pick (and move on to the note), arrows move, Tab switches,
    /// Enter answers, Esc cancels.
    pub fn apply(&mut self, action: Action) -> Reply<Answer> {
        match action {
            Action::Back | Action::Interrupt => return Reply::Cancel,
            Action::Confirm => {
                return if self.choices.is_empty() {
                    Reply::Cancel
                } else {
                    Reply::Done(Answer {
                        purpose: self.purpose.clone(),
                        choice: self.choice,
                        note: self.note.value().trim().to_string(),
                    })
                };
            }
            Action::NextField | Action::PrevField => self.on_note = !self.on_note,
            Action::Pick(n) => {
                let i = usize::from(n.saturating_sub(1));
                if i < self.choices.len() {
                    self.choice = i;
                    self.on_note = true;
                }
            }
            Action::Up | Action::ScrollUp if !self.on_note => {
                self.choice = self.choice.saturating_sub(1);
            }
            Action::Down | Action::ScrollDown if !self.on_note => {
                self.choice = (self.choice + 1).min(self.choices.len().saturating_sub(1));
            }
            Action::Up | Action::ScrollUp => self.on_note = false,
            Action::Down | Action::ScrollDown => {}
            a if a.edits_text() && self.on_note => {
                self.note.edit(action);
            }
            _ => {}
        }
        Reply::Keep
    }

    fn rows(&self, ui: &Ui, width: u16) -> Rows<Target> {
        let th = ui.theme;
        let mut b = FormRows::new(th, width as usize, 14);
        b.rows.row();
        b.rows.push(
            clip(&format!(" {}", self.subject), width as usize),
            th.bold(),
            None,
        );
        b.blank();
        b.list(
            ui.lang.t(self.choice_label),
            !self.on_note,
            false,
            &self.choices,
            self.choice,
            Target::Choice,
            |_| Target::Choice,
        );
        if self.choices.is_empty() {
            b.rows.row();
            b.rows
                .push(format!(" {}", ui.lang.t("choice.none")), th.error(), None);
        }
        b.blank();
        b.text(
            &self.note_label,
            self.on_note,
            self.problem.is_some(),
            &self.note,
            &self.note_hint,
            Target::Note,
        );
        if let Some(p) = &self.problem {
            b.problem(p, Target::Note);
        }
        b.blank();
        b.rows.row();
        b.rows.push(ui.lang.t("choice.footer"), th.muted(), None);
        b.rows
    }

    pub fn area(&self, ui: &Ui, size: Size) -> Rect {
        let probe = form_area(size, usize::from(size.height));
        let inner = ratatui::widgets::Block::bordered().inner(probe);
        form_area(size, self.rows(ui, inner.width).rows.len())
    }

    pub fn render(&self, ui: &Ui, size: Size, frame: &mut Frame) {
        let area = self.area(ui, size);
        let inner = frame_box(ui, &self.title, area, frame);
        let rows = self.rows(ui, inner.width);
        let scroll = rows.scroll_for(inner.height as usize);
        rows.render(inner, frame.buffer_mut(), scroll);
        if let Some(p) = rows.cursor_position(inner, scroll) {
            frame.set_cursor_position(p);
        }
    }
}
