//! A small popup that asks for one choice and a note: the next status of a referral,
//! the field team of an intervention request, how an intervention ended, the answer to
//! "has it started?" during a call. What is done with the answer is its `Purpose`.

use ratatui::Frame;
use ratatui::layout::{Rect, Size};

use super::action::Action;
use super::app::Ui;
use super::popup::{Reply, form_area, frame_box};
use super::rows::{FormRows, Rows};
use super::text_field::TextField;
use crate::domain::ReferralStatus;

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

    pub fn typing(&self) -> bool {
        self.on_note
    }

    /// Keys: digits pick (and move on to the note), arrows move, Tab switches,
    /// Enter answers, Esc cancels.
    pub fn apply(&mut self, action: Action) -> Reply<(usize, String)> {
        match action {
            Action::Back | Action::Interrupt => return Reply::Cancel,
            Action::Confirm => {
                return match self.choices.is_empty() {
                    true => Reply::Cancel,
                    false => Reply::Done((self.choice, self.note.value().trim().to_string())),
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
                self.choice = self.choice.saturating_sub(1)
            }
            Action::Down | Action::ScrollDown if !self.on_note => {
                self.choice = (self.choice + 1).min(self.choices.len().saturating_sub(1))
            }
            Action::Up | Action::ScrollUp => self.on_note = false,
            Action::Down | Action::ScrollDown => {}
            Action::Char(c) if self.on_note => self.note.insert(c),
            Action::Backspace if self.on_note => self.note.backspace(),
            Action::Delete if self.on_note => self.note.delete(),
            Action::Left if self.on_note => self.note.left(),
            Action::Right if self.on_note => self.note.right(),
            Action::Home if self.on_note => self.note.home(),
            Action::End if self.on_note => self.note.end(),
            _ => {}
        }
        Reply::Keep
    }

    fn rows(&self, ui: &Ui, width: u16) -> Rows<Target> {
        let th = ui.theme;
        let mut b = FormRows::new(th, width as usize, 14);
        b.rows.row();
        b.rows.push(
            super::rows::clip(&format!(" {}", self.subject), width as usize),
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

/// Applies `action` to the choice popup taken out of `app`; an answer is written at
/// once, in its own transaction, and the screen below shows it.
pub fn update(
    app: &mut crate::tui::app::App,
    mut form: Box<ChoiceForm>,
    action: Action,
    now: chrono::DateTime<chrono::Utc>,
) {
    use crate::domain::lifecycle::InterventionOutcome;
    use crate::tui::popup::Popup;

    let (choice, note) = match form.apply(action) {
        Reply::Keep => {
            app.popup = Some(Popup::Choice(form));
            return;
        }
        Reply::Cancel => return,
        Reply::Done(answer) => answer,
    };
    let Some(by) = app.session.as_ref().map(|s| s.operator.id) else {
        return;
    };
    let l = app.lang;
    let ui = app.ui();
    let mut next: Vec<i64> = Vec::new();
    let result: Result<&'static str, String> = match &form.purpose {
        Purpose::ReferralStatus { id, to } => match to.get(choice) {
            Some(to) => move_referral(app, *id, *to, &note, by, now),
            None => Ok("choice.unchanged"),
        },
        Purpose::Check { id, to, next: rest } => {
            next = rest.clone();
            match to.get(choice).copied().flatten() {
                Some(to) => move_referral(app, *id, to, &note, by, now),
                None => Ok("choice.unchanged"),
            }
        }
        Purpose::Assign { id, teams } => {
            let planned = if note.is_empty() {
                Ok(None)
            } else {
                crate::tui::when::instant(&note, ui.today(), ui.tz, None)
                    .map(Some)
                    .map_err(|_| l.t("errors.date_invalid").to_string())
            };
            match (planned, teams.get(choice)) {
                (Err(e), _) => Err(e),
                (Ok(_), None) => Err(l.t("dispatch.no_team").to_string()),
                (Ok(at), Some(team)) => app
                    .store
                    .assign_intervention(*id, *team, at, by, now)
                    .map(|_| "choice.assigned")
                    .map_err(|e| app.store_error_text(&e)),
            }
        }
        Purpose::Close { id } => match InterventionOutcome::ALL.get(choice) {
            None => Ok("choice.unchanged"),
            Some(_) if note.is_empty() => Err(l.t("choice.note_required").to_string()),
            Some(outcome) => app
                .store
                .close_intervention(*id, *outcome, &note, by, now)
                .map(|_| "choice.closed")
                .map_err(|e| app.store_error_text(&e)),
        },
    };
    match result {
        Ok(done) => {
            crate::tui::quick::reload_screen(app, now);
            app.info(l.t(done).to_string());
            if let Some((first, rest)) = next.split_first() {
                app.popup = crate::tui::referral_check::form_for(app, *first, rest.to_vec());
            }
        }
        Err(why) => {
            form.problem = Some(why);
            form.on_note = true;
            app.popup = Some(Popup::Choice(form));
        }
    }
}

/// Moves a referral on, refusing in the operator's words what its lifecycle forbids.
fn move_referral(
    app: &mut crate::tui::app::App,
    id: i64,
    to: ReferralStatus,
    note: &str,
    by: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<&'static str, String> {
    use crate::domain::lifecycle::{TransitionError, referral_step};
    let l = app.lang;
    let from = app
        .store
        .referral(id)
        .map_err(|e| app.store_error_text(&e))?
        .status;
    referral_step(from, to, note).map_err(|e| match e {
        TransitionError::NoteRequired(_) => l.t("choice.note_required").to_string(),
        other => l.f("errors.other", &[("error", &other.to_string())]),
    })?;
    app.store
        .set_referral_status(id, to, note, by, now)
        .map(|_| "choice.status_saved")
        .map_err(|e| app.store_error_text(&e))
}
