//! End of shift: what the operator did during the shift and what is left for the next
//! one (tenants still held, calls typed but not saved, callbacks kept for oneself),
//! listed first so that nothing is left silently. From here the operator writes the
//! handover note, hands their callbacks over, then ends the shift or goes back to work.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect, Size};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use std::fmt::Write as _;

use super::action::Action;
use super::app::{Screen, Session, Ui};
use super::effect::{Ctx, Effect};
use super::popup::{HandOverPicker, HandoverNoteForm, Popup};
use super::rows::wrap;
use super::text_field::TextField;
use super::widgets::figures::FigureLines;
use crate::domain::{Outcome, Urgency, Wellbeing};
use crate::i18n::Lang;
use crate::store::{DraftLine, ShiftSummary, Store, StoreError};

/// The two columns side by side from this inner width on; one column below it.
const WIDE: u16 = 100;
/// The figures' names, for the width of their column.
const LABELS: &[&str] = &[
    "summary.calls",
    "summary.reached",
    "summary.not_reached",
    "summary.refused",
    "summary.other_outcomes",
    "summary.callbacks",
    "summary.needs",
    "summary.referrals",
    "summary.interventions",
    "summary.emergencies",
    "summary.concern",
];

#[derive(Debug, Clone)]
pub struct SummaryState {
    pub summary: ShiftSummary,
    pub scroll: u16,
}

/// Shows the summary of the signed-in operator's shift.
pub fn open(ctx: &Ctx) -> Effect {
    match load(ctx) {
        Ok(Some(summary)) => Effect::Show(Screen::Summary(Box::new(SummaryState {
            summary,
            scroll: 0,
        }))),
        Ok(None) => Effect::None,
        Err(e) => Effect::Fail(e),
    }
}

/// The summary from the store, with the call typed but not saved (kept in a draft file).
fn load(ctx: &Ctx) -> Result<Option<ShiftSummary>, StoreError> {
    let Some(session) = ctx.session else {
        return Ok(None);
    };
    let mut summary = ctx.store.shift_summary(session.shift_id, ctx.ui.now)?;
    if let Some(d) = ctx.pending_draft {
        summary.unsaved_drafts.push(DraftLine {
            tenant_id: d.tenant_id,
            tenant_name: d.tenant_name.clone(),
            saved_at: Some(d.started_at),
        });
    }
    Ok(Some(summary))
}

/// What a handover popup reports to the summary that opened it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handover {
    /// The note for the next shift.
    Note(String),
    /// The callbacks kept for oneself go to a colleague (id, name), or the whole team.
    Callbacks(Option<(i64, String)>),
}

/// Writes what a handover popup reported; an error keeps the popup open.
pub fn hand_over(
    store: &mut Store,
    session: &Session,
    what: &Handover,
    l: Lang,
    now: DateTime<Utc>,
) -> Result<Effect, StoreError> {
    let op = session.operator.id;
    let text = match what {
        Handover::Note(note) => {
            store.write_handover_note(session.shift_id, op, note, now)?;
            l.t("summary.note_saved").to_string()
        }
        Handover::Callbacks(to) => {
            let tenants = store.hand_over_callbacks(op, to.as_ref().map(|t| t.0), now)?;
            let n = tenants.len().to_string();
            match to {
                Some((_, name)) => l.f("summary.handed_to", &[("n", &n), ("name", name)]),
                None => l.f("summary.handed_team", &[("n", &n)]),
            }
        }
    };
    Ok(Effect::Then(vec![Effect::Reload, Effect::Info(text)]))
}

impl SummaryState {
    /// The handover note written during this shift, empty if none.
    fn note(&self) -> &str {
        self.summary
            .shifts
            .first()
            .map_or("", |sh| sh.handover_note.as_str())
    }

    /// Reads the summary again after a change, keeping the place.
    pub fn reload(&mut self, ctx: &Ctx) -> Effect {
        let summary = match load(ctx) {
            Ok(Some(summary)) => summary,
            Ok(None) => return Effect::None,
            Err(e) => return Effect::Fail(e),
        };
        self.summary = summary;
        Effect::None
    }

    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Effect {
        let (content, page) = scroll_room(self, &ctx.ui, ctx.size);
        let max = content.saturating_sub(page) as u16;
        let page = page as u16;
        match action {
            Action::Up | Action::ScrollUp => self.scroll = self.scroll.saturating_sub(1),
            Action::Down | Action::ScrollDown => self.scroll = (self.scroll + 1).min(max),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(page),
            Action::PageDown => self.scroll = (self.scroll + page).min(max),
            Action::Home => self.scroll = 0,
            Action::End => self.scroll = max,
            Action::Confirm => return Effect::EndShift,
            Action::Back | Action::Interrupt => return Effect::Queue,
            Action::HandoverNote => {
                return Effect::Popup(Popup::HandoverNote(HandoverNoteForm {
                    note: TextField::new(self.note()),
                }));
            }
            Action::HandOverCallbacks => return self.hand_over_picker(ctx),
            _ => {}
        }
        Effect::None
    }

    /// The picker of who gets the callbacks kept for oneself, if there are any.
    fn hand_over_picker(&self, ctx: &Ctx) -> Effect {
        let callbacks = self.summary.callbacks_kept_for_operator.len();
        if callbacks == 0 {
            return Effect::Info(ctx.ui.lang.t("summary.no_callbacks").to_string());
        }
        let me = self.summary.operator_id;
        match ctx.store.operators() {
            Ok(ops) => Effect::Popup(Popup::HandOver(HandOverPicker {
                colleagues: ops.into_iter().filter(|o| o.id != me).collect(),
                callbacks,
                ..HandOverPicker::default()
            })),
            Err(e) => Effect::Fail(e),
        }
    }
}

/// Where the summary is drawn: the scrolled text, and the question line below it.
fn areas(body: Rect) -> (Rect, Rect) {
    let inner = Block::bordered().inner(body);
    let [text, _, question] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    (text, question)
}

/// Lines of the longest column, and the rows shown at once.
fn scroll_room(s: &SummaryState, ui: &Ui, size: Size) -> (usize, usize) {
    let (text, _) = areas(super::view::body(size));
    let (left, right) = columns(s, ui, text);
    let n = match right {
        Some((_, r)) => left.1.len().max(r.len()),
        None => left.1.len(),
    };
    (n, text.height as usize)
}

type Column = (Rect, Vec<Line<'static>>);

/// One column (the loose ends first), or two side by side on a wide terminal.
fn columns(s: &SummaryState, ui: &Ui, text: Rect) -> (Column, Option<Column>) {
    if text.width >= WIDE {
        let [left, _, right] = Layout::horizontal([
            Constraint::Percentage(55),
            Constraint::Length(2),
            Constraint::Min(30),
        ])
        .areas(text);
        let mut l = shift_lines(s, ui);
        l.push(Line::from(""));
        l.extend(figure_lines(s, ui, left.width as usize));
        let mut r = before_leaving(s, ui, right.width as usize);
        r.push(Line::from(""));
        r.extend(note_lines(s, ui, right.width as usize));
        ((left, l), Some((right, r)))
    } else {
        let w = text.width as usize;
        let mut l = shift_lines(s, ui);
        l.push(Line::from(""));
        l.extend(before_leaving(s, ui, w));
        l.push(Line::from(""));
        l.extend(note_lines(s, ui, w));
        l.push(Line::from(""));
        l.extend(figure_lines(s, ui, w));
        ((text, l), None)
    }
}

fn hours(ui: &Ui, minutes: i64) -> String {
    if minutes >= 60 {
        ui.lang.f(
            "summary.hours",
            &[
                ("h", &(minutes / 60).to_string()),
                ("m", &format!("{:02}", minutes % 60)),
            ],
        )
    } else {
        ui.lang.f("summary.minutes", &[("m", &minutes.to_string())])
    }
}

/// "15:00" today, "02/12 15:00" another day.
fn when(ui: &Ui, at: DateTime<Utc>) -> String {
    if at.with_timezone(&ui.tz).date_naive() == ui.today() {
        ui.time(at)
    } else {
        format!("{} {}", ui.date(at), ui.time(at))
    }
}

fn shift_lines(s: &SummaryState, ui: &Ui) -> Vec<Line<'static>> {
    let l = ui.lang;
    let Some(shift) = s.summary.shifts.first() else {
        return Vec::new();
    };
    let end = shift.ended_at.unwrap_or(ui.now);
    vec![Line::from(Span::styled(
        l.f(
            "summary.shift",
            &[
                ("start", &when(ui, shift.started_at)),
                ("end", &ui.time(end)),
                ("length", &hours(ui, shift.minutes)),
            ],
        ),
        ui.theme.bold(),
    ))]
}

/// Loose ends, each marked "!" (not by colour alone), or that nothing is left open.
fn before_leaving(s: &SummaryState, ui: &Ui, cols: usize) -> Vec<Line<'static>> {
    let l = ui.lang;
    let th = ui.theme;
    let sum = &s.summary;
    let mut out = vec![Line::from(Span::styled(
        l.t("summary.before_leaving"),
        th.title(),
    ))];
    let push = |out: &mut Vec<Line<'static>>, text: String, style: Style, first: &str| {
        for line in wrap(&text, cols, first, "    ") {
            out.push(Line::from(Span::styled(line, style)));
        }
    };
    if !sum.has_loose_ends() {
        push(
            &mut out,
            l.t("summary.nothing_open").to_string(),
            th.success(),
            "✓ ",
        );
    }
    if !sum.tenants_still_claimed.is_empty() {
        push(
            &mut out,
            l.t("summary.still_claimed").to_string(),
            th.error(),
            "! ",
        );
        for c in &sum.tenants_still_claimed {
            let text = l.f(
                "summary.claimed_line",
                &[("name", &c.tenant_name), ("time", &when(ui, c.claimed_at))],
            );
            push(&mut out, text, th.bold(), "  • ");
        }
    }
    if !sum.unsaved_drafts.is_empty() {
        push(
            &mut out,
            l.t("summary.unsaved").to_string(),
            th.error(),
            "! ",
        );
        for d in &sum.unsaved_drafts {
            push(&mut out, d.tenant_name.clone(), th.bold(), "  • ");
        }
    }
    if !sum.callbacks_kept_for_operator.is_empty() {
        let n = sum.callbacks_kept_for_operator.len().to_string();
        push(
            &mut out,
            l.f("summary.callbacks_kept", &[("n", &n)]),
            th.error(),
            "! ",
        );
        for c in &sum.callbacks_kept_for_operator {
            push(
                &mut out,
                format!("{} · {}", when(ui, c.callback_at), c.tenant_name),
                th.bold(),
                "  • ",
            );
        }
    }
    out
}

fn note_lines(s: &SummaryState, ui: &Ui, cols: usize) -> Vec<Line<'static>> {
    let l = ui.lang;
    let th = ui.theme;
    let mut out = vec![Line::from(Span::styled(l.t("summary.note"), th.title()))];
    let note = s.note();
    if note.is_empty() {
        for line in wrap(l.t("summary.no_note"), cols, "  ", "  ") {
            out.push(Line::from(line));
        }
    } else {
        for line in wrap(&format!("« {note} »"), cols, "  ", "  ") {
            out.push(Line::from(line));
        }
    }
    out
}

/// "Label ........ value" lines, then the details of each figure indented.
fn figure_lines(s: &SummaryState, ui: &Ui, cols: usize) -> Vec<Line<'static>> {
    let l = ui.lang;
    let sum = &s.summary;
    let mut out = FigureLines::new(ui, LABELS, cols, cols * 3 / 5, "  • ");
    let outcome = |o: Outcome| sum.calls_by_outcome.get(&o).copied().unwrap_or(0);
    out.figure("summary.calls", sum.calls_made.to_string());
    if sum.calls_incoming > 0 {
        out.detail(l.f(
            "summary.incoming",
            &[("n", &sum.calls_incoming.to_string())],
        ));
    }
    out.figure("summary.reached", sum.tenants_reached_unique.to_string());
    out.figure(
        "summary.not_reached",
        format!(
            "{} / {} / {}",
            outcome(Outcome::NoAnswer),
            outcome(Outcome::Busy),
            outcome(Outcome::Voicemail)
        ),
    );
    out.figure("summary.refused", outcome(Outcome::Refused).to_string());
    let others: Vec<String> = sum
        .calls_by_outcome
        .iter()
        .filter(|(o, n)| {
            **n > 0
                && !matches!(
                    o,
                    Outcome::Reached
                        | Outcome::NoAnswer
                        | Outcome::Busy
                        | Outcome::Voicemail
                        | Outcome::Refused
                )
        })
        .map(|(o, n)| format!("{} {n}", l.code_name("outcome", o.code())))
        .collect();
    if !others.is_empty() {
        out.figure("summary.other_outcomes", others.join(" · "));
    }
    out.figure(
        "summary.callbacks",
        sum.callbacks_promised.len().to_string(),
    );
    for c in &sum.callbacks_promised {
        let mut text = format!("{} · {}", when(ui, c.callback_at), c.tenant_name);
        if c.only_me {
            let _ = write!(text, " ({})", l.t("summary.kept_for_you"));
        }
        out.detail(text);
    }
    let needs: Vec<String> = sum
        .needs_by_category
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(c, n)| format!("{} {n}", l.code_name("need", c.code())))
        .collect();
    out.figure(
        "summary.needs",
        if needs.is_empty() {
            l.t("summary.none").to_string()
        } else {
            needs.join(" · ")
        },
    );
    out.figure("summary.referrals", sum.referrals_made.to_string());
    for r in &sum.referrals_by_service {
        let name = match l {
            crate::i18n::Lang::En => &r.service_name_en,
            crate::i18n::Lang::Fr => &r.service_name_fr,
        };
        out.detail(format!(
            "{} · {name} : {}",
            l.code_name("need", r.category.code()),
            r.referrals
        ));
    }
    out.figure(
        "summary.interventions",
        sum.interventions_requested.len().to_string(),
    );
    for i in &sum.interventions_requested {
        let urgency = l.code_name("urgency", i.urgency.code());
        let urgency = if i.urgency == Urgency::Routine {
            urgency.to_string()
        } else {
            format!("!! {}", urgency.to_uppercase())
        };
        out.detail(format!(
            "{urgency} · {} · {} ({})",
            l.code_name("intervention_kind", i.kind.code()),
            i.tenant_name,
            l.code_name("intervention_status", i.status.code())
        ));
    }
    out.figure("summary.emergencies", sum.emergencies.to_string());
    out.figure("summary.concern", sum.tenants_of_concern.len().to_string());
    for c in &sum.tenants_of_concern {
        let how = l.code_name("wellbeing", c.wellbeing.code());
        let how = if c.wellbeing == Wellbeing::Urgent {
            format!("!! {}", how.to_uppercase())
        } else {
            how.to_string()
        };
        out.detail(format!(
            "{how} · {} ({})",
            c.tenant_name,
            ui.time(c.call_ended_at)
        ));
    }
    out.lines
}

pub fn render(s: &SummaryState, ui: &Ui, body: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let title = l.f("summary.title", &[("name", &s.summary.operator_name)]);
    let (text, question) = areas(body);
    let ((left, left_lines), right) = columns(s, ui, text);
    let longest = match &right {
        Some((_, r)) => left_lines.len().max(r.len()),
        None => left_lines.len(),
    };
    let max = longest.saturating_sub(text.height as usize) as u16;
    let scroll = s.scroll.min(max);
    let mut block = Block::bordered().title(Span::styled(format!(" {title} "), th.title()));
    if scroll < max {
        block = block.title_bottom(Span::styled(
            format!(" {} ", l.t("summary.more")),
            th.bold(),
        ));
    }
    frame.render_widget(block, body);
    frame.render_widget(Paragraph::new(left_lines).scroll((scroll, 0)), left);
    if let Some((area, lines)) = right {
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
    }
    let ask = Line::from(vec![
        Span::styled(l.t("end_shift.question"), th.bold()),
        Span::raw(format!("  {}", l.t("summary.question_keys"))),
    ]);
    frame.render_widget(Paragraph::new(ask), question);
    frame.set_cursor_position(Position::new(question.x, question.y));
}
