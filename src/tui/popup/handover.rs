//! Handing over to the next shift: writing the handover note, choosing who gets the
//! callbacks kept for oneself, and reading the handover notes of the day.

use ratatui::Frame;
use ratatui::layout::{Position, Rect, Size};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::super::widgets::list::ListView;
use super::{Popup, Reply, centered, frame_box};
use crate::domain::parse::fold;
use crate::store::{HandoverNote, Operator};
use crate::tui::action::Action;
use crate::tui::app::{App, Ui};
use crate::tui::rows::{pad, wrap};
use crate::tui::summary::Handover;
use crate::tui::text_field::TextField;

/// The handover note being written; the shift's current note to start from.
#[derive(Debug, Clone, Default)]
pub struct HandoverNoteForm {
    pub note: TextField,
}

/// Who gets the callbacks: the whole team (first row) or a colleague, filtered by typing.
#[derive(Debug, Clone, Default)]
pub struct HandOverPicker {
    pub colleagues: Vec<Operator>,
    pub filter: TextField,
    /// Index in `rows()`: 0 is the whole team.
    pub selected: usize,
    /// How many callbacks are handed over.
    pub callbacks: usize,
}

impl HandOverPicker {
    /// The rows offered: `None` for the whole team, then the colleagues who match.
    pub fn rows(&self) -> Vec<Option<&Operator>> {
        let q = fold(self.filter.value());
        let mut out = vec![None];
        out.extend(
            self.colleagues
                .iter()
                .filter(|o| {
                    q.is_empty()
                        || fold(&o.name).contains(&q)
                        || fold(&o.login).contains(&q)
                        || fold(&o.organisation).contains(&q)
                })
                .map(Some),
        );
        out
    }

    /// The chosen receiver: `Some(None)` is the whole team.
    pub fn chosen(&self) -> Option<Option<&Operator>> {
        self.rows().get(self.selected).copied()
    }

    fn move_by(&mut self, delta: isize) {
        let n = self.rows().len() as isize;
        self.selected = (self.selected as isize + delta).clamp(0, n - 1) as usize;
    }
}

/// The handover notes of the day, as the queue shows them.
#[derive(Debug, Clone, Default)]
pub struct NotesView {
    pub notes: Vec<HandoverNote>,
    pub scroll: u16,
}

impl HandoverNoteForm {
    /// Edits the note; Enter reports it to the summary, which writes it.
    pub fn apply(&mut self, action: Action) -> Reply<Handover> {
        match action {
            Action::Back | Action::Interrupt => return Reply::Cancel,
            Action::Confirm => return Reply::Done(Handover::Note(self.note.value().to_string())),
            other => {
                self.note.edit(other);
            }
        }
        Reply::Keep
    }
}

impl HandOverPicker {
    /// Filters and moves; Enter reports the chosen receiver to the summary.
    pub fn apply(&mut self, action: Action) -> Reply<Handover> {
        match action {
            Action::Char(c) => {
                self.filter.insert(c);
                self.selected = 0;
            }
            Action::Backspace => {
                self.filter.backspace();
                self.selected = 0;
            }
            Action::Left => self.filter.left(),
            Action::Right => self.filter.right(),
            Action::Up | Action::ScrollUp | Action::PrevField => self.move_by(-1),
            Action::Down | Action::ScrollDown | Action::NextField => self.move_by(1),
            Action::PageUp => self.move_by(-10),
            Action::PageDown => self.move_by(10),
            Action::Home => self.selected = 0,
            Action::End => self.selected = usize::MAX / 2,
            Action::Back | Action::Interrupt => return Reply::Cancel,
            Action::Confirm => {
                if let Some(to) = self.chosen() {
                    let to = to.map(|o| (o.id, o.name.clone()));
                    return Reply::Done(Handover::Callbacks(to));
                }
            }
            _ => {}
        }
        let n = self.rows().len();
        self.selected = self.selected.min(n - 1);
        Reply::Keep
    }
}

pub fn update_notes(app: &mut App, mut view: NotesView, action: Action) {
    match action {
        Action::Back | Action::Interrupt | Action::Confirm => return,
        Action::Up | Action::ScrollUp => view.scroll = view.scroll.saturating_sub(1),
        Action::Down | Action::ScrollDown => view.scroll = view.scroll.saturating_add(1),
        Action::PageUp => view.scroll = view.scroll.saturating_sub(10),
        Action::PageDown => view.scroll = view.scroll.saturating_add(10),
        Action::Home => view.scroll = 0,
        _ => {}
    }
    app.popup = Some(Popup::HandoverNotes(view));
}

pub fn render_note(form: &HandoverNoteForm, ui: &Ui, size: Size, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let area = centered(size, 78, 9);
    let inner = frame_box(ui, l.t("handover.note_title"), area, frame);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = wrap(l.t("handover.note_intro"), w, "", "")
        .into_iter()
        .map(Line::from)
        .collect();
    lines.push(Line::from(""));
    let field_y = inner.y + lines.len() as u16;
    let (shown, col) = form.note.visible(w.saturating_sub(1));
    lines.push(Line::from(Span::styled(pad(&shown, w), th.focus())));
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        l.t("handover.note_footer"),
        th.muted(),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
    frame.set_cursor_position(Position::new(inner.x + col as u16, field_y));
}

pub fn render_hand_over(picker: &HandOverPicker, ui: &Ui, size: Size, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let area = centered(size, 64, size.height.saturating_sub(4).min(18));
    let inner = frame_box(ui, l.t("handover.pick_title"), area, frame);
    let mut lines = vec![
        Line::from(l.f(
            "handover.pick_intro",
            &[("n", &picker.callbacks.to_string())],
        )),
        Line::from(format!(
            "{} {}",
            l.t("handover.pick_filter"),
            picker.filter.value()
        )),
        Line::from(""),
    ];
    let cursor_x =
        inner.x + (l.t("handover.pick_filter").chars().count() + 1 + picker.filter.cursor()) as u16;
    let filter_y = inner.y + 1;
    let list = Rect {
        y: inner.y + 3,
        height: inner.height.saturating_sub(3),
        ..inner
    };
    let rows = picker.rows();
    let view = ListView::new(list, rows.len(), picker.selected, 1);
    let w = view.width();
    for (i, row) in rows.iter().enumerate().skip(view.first).take(view.room) {
        let selected = i == picker.selected;
        let text = match row {
            None => l.t("handover.whole_team").to_string(),
            Some(o) => format!("{} ({})", o.name, o.organisation),
        };
        let marker = if selected { "▶ " } else { "  " };
        lines.push(Line::from(Span::styled(
            pad(&format!("{marker}{text}"), w),
            if selected { th.focus() } else { th.normal() },
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    view.render_scrollbar(frame);
    frame.set_cursor_position(Position::new(
        cursor_x.min(inner.right().saturating_sub(1)),
        filter_y,
    ));
}

pub fn render_notes(view: &NotesView, ui: &Ui, size: Size, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let area = centered(size, 78, size.height.saturating_sub(4));
    let inner = frame_box(ui, l.t("handover.notes_title"), area, frame);
    let lines = notes_lines(&view.notes, ui, inner.width as usize);
    let max = lines.len().saturating_sub(inner.height as usize) as u16;
    let mut lines = lines;
    if view.notes.is_empty() {
        lines.push(Line::from(Span::styled(
            l.t("handover.notes_none"),
            th.muted(),
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((view.scroll.min(max), 0)),
        inner,
    );
    frame.set_cursor_position(Position::new(inner.x, inner.y));
}

/// Each note under its author and shift times, wrapped to `cols`.
pub fn notes_lines(notes: &[HandoverNote], ui: &Ui, cols: usize) -> Vec<Line<'static>> {
    let th = ui.theme;
    let mut out = Vec::new();
    for n in notes {
        let end = match n.ended_at {
            Some(e) => ui.time(e),
            None => ui.lang.t("handover.still_on_shift").to_string(),
        };
        out.push(Line::from(Span::styled(
            format!("{}, {} – {}", n.operator_name, ui.time(n.started_at), end),
            th.bold(),
        )));
        for line in wrap(&n.note, cols, "  ", "  ") {
            out.push(Line::from(line));
        }
        out.push(Line::from(""));
    }
    out
}
