//! A break: the operator says why they step away (from the queue), the screen says since
//! when, and Enter brings them back to the queue. The coordinator's board shows it.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::action::Action;
use super::app::{Screen, Ui};
use super::effect::{Ctx, Effect};
use super::popup::Popup;
use super::popup::choice::{Answer, ChoiceForm, Purpose};
use crate::domain::shift::BreakReason;
use crate::i18n::Lang;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakState {
    pub since: DateTime<Utc>,
    pub reason: BreakReason,
    pub note: String,
}

/// Asks why the operator steps away.
pub fn ask(l: Lang) -> Effect {
    let reasons = BreakReason::ALL
        .iter()
        .map(|r| l.code_name("break_reason", r.code()).to_string())
        .collect();
    let mut form = ChoiceForm::new(
        Purpose::Break,
        l.t("break.title"),
        l.t("break.subject"),
        reasons,
    );
    form.choice_label = "break.reason";
    form.note_label = l.t("break.note").to_string();
    form.note_hint = l.t("break.note_hint").to_string();
    Effect::Popup(Popup::Choice(Box::new(form)))
}

/// Starts the break the operator answered for, and shows it.
pub fn answer(
    store: &mut Store,
    answer: &Answer,
    shift: i64,
    now: DateTime<Utc>,
) -> Result<Effect, String> {
    let Some(reason) = BreakReason::ALL.get(answer.choice).copied() else {
        return Ok(Effect::None);
    };
    Ok(match store.start_break(shift, reason, &answer.note, now) {
        Ok(()) => Effect::Show(Screen::Break(BreakState {
            since: now,
            reason,
            note: answer.note.clone(),
        })),
        Err(e) => Effect::Fail(e),
    })
}

/// Enter (or Esc) ends the break and goes back to the queue; ending the shift from a
/// break ends the break first, so that nobody reads as on a break after leaving.
pub fn update(action: Action, ctx: &Ctx) -> Effect {
    let then = match action {
        Action::Confirm | Action::Back => Effect::Queue,
        Action::EndShift | Action::Interrupt => super::summary::open(ctx),
        _ => return Effect::None,
    };
    Effect::EndBreak(Box::new(then))
}

pub fn render(s: &BreakState, ui: &Ui, body: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let block = Block::bordered().title(Span::styled(
        format!(" {} ", l.t("break.title")),
        th.title(),
    ));
    let inner = block.inner(body);
    frame.render_widget(block, body);
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled(
            format!(
                " {}",
                l.f(
                    "break.since",
                    &[
                        ("reason", l.code_name("break_reason", s.reason.code())),
                        ("time", &ui.time(s.since)),
                    ],
                )
            ),
            th.bold(),
        )),
    ];
    if !s.note.is_empty() {
        lines.push(Line::from(format!(" {}", s.note)));
    }
    lines.push(Line::default());
    lines.push(Line::from(format!(" {}", l.t("break.back"))));
    frame.set_cursor_position(Position::new(inner.x + 1, inner.y + 1));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
