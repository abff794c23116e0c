//! The queue (home screen): the operator's next tenants in queue order, the selected
//! tenant's card beside them, and, when nobody is due, why.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::action::Action;
use super::app::{App, Ui};
use super::effect::{Ctx, Effect};
use super::popup::Popup;
use super::rows::{clip, pad, width};
use super::widgets::list::ListView;
use super::widgets::tenant_card::{age_text, card_lines, household};
use crate::domain::Rules;
use crate::domain::period::Period;
use crate::store::{Claim, HandoverNote, QueueEntry, Store, StoreError, TenantCard};

/// How many tenants of the queue are shown.
const SHOWN: usize = 50;

/// Why the queue is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Empty {
    /// Outside calling hours: calls resume at this instant.
    OutsideHours { resume_at: DateTime<Utc> },
    /// Everyone due has been called this round; the next ones fall due then.
    AllCalled { next_due: Option<DateTime<Utc>> },
}

#[derive(Debug, Clone, Default)]
pub struct QueueState {
    pub entries: Vec<QueueEntry>,
    pub selected: usize,
    pub card: Option<TenantCard>,
    pub empty: Option<Empty>,
    /// The handover notes of the day, for the next shift.
    pub handover_notes: Vec<HandoverNote>,
}

impl QueueState {
    pub fn load(
        store: &Store,
        operator: i64,
        now: DateTime<Utc>,
        rules: &Rules,
        keep: Option<(i64, usize)>,
    ) -> Result<QueueState, StoreError> {
        let entries = store.queue(operator, now, rules, SHOWN)?;
        let empty = if !entries.is_empty() {
            None
        } else if !rules.hours.is_open(now, rules.tz) {
            Some(Empty::OutsideHours {
                resume_at: rules.hours.next_open(now, rules.tz),
            })
        } else {
            Some(Empty::AllCalled {
                next_due: store.next_due_at(now)?,
            })
        };
        // The same tenant stays selected; if they left the queue, the same place.
        let selected = match keep {
            Some((id, index)) => entries
                .iter()
                .position(|e| e.tenant.id == id)
                .unwrap_or(index.min(entries.len().saturating_sub(1))),
            None => 0,
        };
        let handover_notes = store.handover_notes(Period::day(rules.local_date(now)), rules.tz)?;
        let mut q = QueueState {
            entries,
            selected,
            card: None,
            empty,
            handover_notes,
        };
        q.load_card(store)?;
        Ok(q)
    }

    fn load_card(&mut self, store: &Store) -> Result<(), StoreError> {
        self.card = match self.entries.get(self.selected) {
            Some(e) => Some(store.tenant_card(e.tenant.id)?),
            None => None,
        };
        Ok(())
    }

    pub fn selected_tenant(&self) -> Option<i64> {
        self.entries.get(self.selected).map(|e| e.tenant.id)
    }

    /// The selected tenant and their place, to keep across a reload.
    pub fn selection(&self) -> Option<(i64, usize)> {
        self.selected_tenant().map(|id| (id, self.selected))
    }

    fn select(&mut self, index: usize, store: &Store) -> Result<(), StoreError> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let index = index.min(self.entries.len() - 1);
        if index != self.selected || self.card.is_none() {
            self.selected = index;
            self.load_card(store)?;
        }
        Ok(())
    }
}

impl QueueState {
    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Effect {
        let pending = ctx.pending_draft.is_some();
        let list = list_rows(
            super::view::body(ctx.size),
            pending,
            !self.handover_notes.is_empty(),
        );
        let view = ListView::new(list, self.entries.len(), self.selected, ROW_HEIGHT);
        let per_page = view.room;
        let moved = match action {
            Action::Up | Action::ScrollUp => Some(self.selected.saturating_sub(1)),
            Action::Down | Action::ScrollDown => Some(self.selected + 1),
            Action::PageUp => Some(self.selected.saturating_sub(per_page)),
            Action::PageDown => Some(self.selected + per_page),
            Action::Home => Some(0),
            Action::End => Some(usize::MAX),
            Action::Click { x, y } => view.hit(x, y),
            _ => None,
        };
        if let Some(index) = moved {
            return Effect::fail_on(self.select(index, ctx.store));
        }
        // A call left unsaved is offered first: its draft is never overwritten by another.
        if pending
            && matches!(
                action,
                Action::Confirm | Action::ClaimNext | Action::ResumeDraft
            )
        {
            return Effect::Popup(Popup::ResumeDraft {
                confirm_discard: false,
            });
        }
        match action {
            Action::Confirm => self
                .selected_tenant()
                .map_or(Effect::None, |tenant| Effect::Claim(Some(tenant))),
            Action::ClaimNext => Effect::Claim(None),
            Action::Refresh => Effect::Queue,
            Action::EndShift | Action::Interrupt => super::summary::open(ctx),
            Action::HandoverNotes => Effect::Popup(Popup::HandoverNotes(super::popup::NotesView {
                notes: self.handover_notes.clone(),
                scroll: 0,
            })),
            Action::ProgramReport => super::report::open(ctx),
            Action::OpenBoard => super::board::open(ctx, ctx.clock),
            Action::TakeBreak => super::on_break::ask(ctx.ui.lang),
            _ => Effect::None,
        }
    }
}

/// Claims the chosen tenant (or the next due) and opens the call.
pub(super) fn claim(app: &mut App, now: DateTime<Utc>, tenant: Option<i64>) {
    let Some(op) = app.session.as_ref().map(|s| s.operator.id) else {
        return;
    };
    let result: Result<Option<Claim>, StoreError> = match tenant {
        Some(t) => app.store.claim_tenant(op, t, now, &app.rules).map(Some),
        None => app.store.claim_next(op, now, &app.rules),
    };
    match result {
        Ok(Some(claim)) => super::call::open(app, claim, None, now),
        Ok(None) => {
            app.open_queue(now);
            app.info(app.lang.t("queue.nobody_due").to_string());
        }
        Err(e) => {
            let text = app.store_error_text(&e);
            app.open_queue(now);
            app.error(text);
        }
    }
}

const ROW_HEIGHT: usize = 2;

/// The list and the card.
fn areas(body: Rect) -> (Rect, Rect) {
    let card_w = if body.width >= 110 {
        body.width * 42 / 100
    } else {
        body.width * 40 / 100
    };
    let [list, card] =
        Layout::horizontal([Constraint::Min(30), Constraint::Length(card_w)]).areas(body);
    (Block::bordered().inner(list), card)
}

/// Where the list's rows are: below the line about a call left unsaved and the line
/// about the day's handover notes, when they are shown. Drawing and mouse clicks both
/// use it, so a click lands on the row it points at.
fn list_rows(body: Rect, pending: bool, notes: bool) -> Rect {
    let mut list = areas(body).0;
    for shown in [pending, notes] {
        if shown {
            list.y += 1;
            list.height = list.height.saturating_sub(1);
        }
    }
    list
}

/// The second line of a queue row: what matters for this call, most important first.
fn details(ui: &Ui, e: &QueueEntry) -> String {
    let l = ui.lang;
    let t = &e.tenant;
    let mut parts = Vec::new();
    if let Some(at) = t.callback_at {
        let when = ui.day_time(at);
        // A promised callback a few minutes past is on time; later, it says how late.
        parts.push(if ui.now - at > chrono::Duration::minutes(5) {
            l.f(
                "queue.callback_late",
                &[("when", &when), ("late", &ui.elapsed(at))],
            )
        } else {
            l.f("queue.callback_at", &[("when", &when)])
        });
    }
    match (t.last_outcome, t.last_call_at) {
        // The callback time above already says it.
        (Some(crate::domain::Outcome::CallbackRequested), Some(_)) if t.callback_at.is_some() => {}
        (Some(o), Some(at)) => parts.push(format!(
            "{} {}",
            l.code_name("outcome", o.code()),
            ui.date(at)
        )),
        _ => parts.push(l.t("queue.never_called").to_string()),
    }
    if t.attempts_day == Some(ui.today()) && t.attempts_count > 0 {
        parts.push(l.f(
            "queue.attempts_today",
            &[("n", &t.attempts_count.to_string())],
        ));
    }
    parts.push(t.cohort.clone());
    if e.open_referrals > 0 {
        parts.push(l.f(
            "queue.open_referrals",
            &[("n", &e.open_referrals.to_string())],
        ));
    }
    if e.open_interventions > 0 {
        parts.push(l.f(
            "queue.open_interventions",
            &[("n", &e.open_interventions.to_string())],
        ));
    }
    parts.join(" · ")
}

pub fn render(q: &QueueState, pending: Option<&str>, ui: &Ui, body: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let t = ui.theme;
    let (mut line_at, card_area) = areas(body);
    line_at.height = 1;
    let list = list_rows(body, pending.is_some(), !q.handover_notes.is_empty());
    let outer = Rect {
        width: body.width - card_area.width,
        ..body
    };
    let title = l.f("queue.title", &[("n", &q.entries.len().to_string())]);
    frame.render_widget(
        Block::bordered().title(Span::styled(format!(" {title} "), t.title())),
        outer,
    );
    if let Some(name) = pending {
        frame.render_widget(
            Paragraph::new(Span::styled(
                clip(
                    &l.f("queue.pending_draft", &[("name", name)]),
                    list.width as usize,
                ),
                t.error(),
            )),
            line_at,
        );
        line_at.y += 1;
    }
    if let Some(last) = q.handover_notes.last() {
        let text = l.f(
            "handover.queue_line",
            &[
                ("n", &q.handover_notes.len().to_string()),
                ("name", &last.operator_name),
                ("note", &last.note),
            ],
        );
        frame.render_widget(
            Paragraph::new(Span::styled(clip(&text, list.width as usize), t.bold())),
            line_at,
        );
    }

    if let Some(empty) = q.empty {
        let text = match empty {
            Empty::OutsideHours { resume_at } => l.f(
                "queue.empty_outside_hours",
                &[("when", &ui.day_time(resume_at))],
            ),
            Empty::AllCalled {
                next_due: Some(next),
            } => l.f("queue.empty_all_called", &[("when", &ui.day_time(next))]),
            Empty::AllCalled { next_due: None } => l.t("queue.empty_nobody").to_string(),
        };
        let lines = vec![
            Line::from(Span::styled(l.t("queue.empty_title"), t.bold())),
            Line::from(""),
            Line::from(text),
            Line::from(""),
            Line::from(Span::styled(l.t("queue.empty_refresh"), t.muted())),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), list);
    } else {
        let view = ListView::new(list, q.entries.len(), q.selected, ROW_HEIGHT);
        let w = view.width();
        let mut lines = Vec::new();
        for (i, e) in q
            .entries
            .iter()
            .enumerate()
            .skip(view.first)
            .take(view.room)
        {
            let selected = i == q.selected;
            let style = if selected { t.focus() } else { t.normal() };
            let marker = if selected { "▶ " } else { "  " };
            let mut right = String::new();
            if let Some(age) = age_text(ui, e.tenant.birth_date) {
                right.push_str(&age);
                right.push_str(" · ");
            }
            right.push_str(household(ui, e.tenant.lives_alone));
            // The name is cut last: the age and household give way first.
            let name = e.tenant.full_name();
            let room = w.saturating_sub(3);
            let right = clip(&right, room.saturating_sub(width(&name)));
            let name_w = room.saturating_sub(width(&right));
            lines.push(Line::from(vec![Span::styled(
                pad(&format!("{marker}{} {right}", pad(&name, name_w)), w),
                style.patch(t.bold()),
            )]));
            lines.push(Line::from(Span::styled(
                pad(&format!("  {}", details(ui, e)), w),
                style,
            )));
            if let Some(at) = view.position(i).filter(|_| selected) {
                frame.set_cursor_position(at);
            }
        }
        frame.render_widget(Paragraph::new(lines), view.text);
        view.render_scrollbar(frame);
    }

    let block =
        Block::bordered().title(Span::styled(format!(" {} ", l.t("card.title")), t.title()));
    let inner = block.inner(card_area);
    frame.render_widget(block, card_area);
    if let Some(card) = &q.card {
        frame.render_widget(
            Paragraph::new(card_lines(card, ui, true, inner.width)),
            inner,
        );
    }
}
