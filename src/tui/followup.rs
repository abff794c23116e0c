//! The follow-up screen: open referrals and intervention requests, by follow-up date,
//! the overdue ones marked in words (readable without colour). An operator sees the
//! requests they made; a coordinator sees everyone's, or only theirs.

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use std::fmt::Write as _;

use super::action::Action;
use super::app::{App, Screen, Ui, store_error_text};
use super::effect::{Ctx, Effect};
use super::popup::Popup;
use super::popup::choice::{Answer, ChoiceForm, Purpose};
use super::rows::{clip, pad};
use super::widgets::list::ListView;
use crate::domain::lifecycle::{
    InterventionOutcome, TransitionError, emergency_waiting_too_long, referral_step,
};
use crate::domain::{InterventionStatus, NeedCategory, ReferralStatus, Rules, Urgency};
use crate::i18n::Lang;
use crate::store::{
    Event, InterventionFilter, InterventionRow, ReferralFilter, ReferralRow, Store, StoreError,
};

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Referral(ReferralRow),
    Intervention(InterventionRow),
}

/// Which statuses are shown: every open one, or one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Referral(ReferralStatus),
    Intervention(InterventionStatus),
}

const STATUSES: [StatusFilter; 5] = [
    StatusFilter::Referral(ReferralStatus::Proposed),
    StatusFilter::Referral(ReferralStatus::Sent),
    StatusFilter::Referral(ReferralStatus::InProgress),
    StatusFilter::Intervention(InterventionStatus::Requested),
    StatusFilter::Intervention(InterventionStatus::Assigned),
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub status: Option<StatusFilter>,
    pub category: Option<NeedCategory>,
    pub urgency: Option<Urgency>,
    /// Only the requests the signed-in operator made (always, for operators).
    pub mine: bool,
    /// What was typed after `/`: only the lines holding it (name, phone, service…).
    pub text: String,
}

/// `None`, then each value in turn, then `None` again.
fn cycle<T: Copy + PartialEq>(current: Option<T>, all: &[T]) -> Option<T> {
    match current {
        None => all.first().copied(),
        Some(c) => all
            .iter()
            .position(|x| *x == c)
            .and_then(|i| all.get(i + 1))
            .copied(),
    }
}

#[derive(Debug, Clone, Default)]
pub struct FollowUpState {
    pub items: Vec<Item>,
    pub selected: usize,
    pub filters: Filters,
    /// The history of the selected item, oldest first.
    pub history: Vec<Event>,
    pub coordinator: bool,
    /// Keys type into the `/` filter.
    pub typing: bool,
}

impl Item {
    pub fn tenant_name(&self) -> &str {
        match self {
            Item::Referral(r) => &r.tenant_name,
            Item::Intervention(i) => &i.tenant_name,
        }
    }

    /// The tenant's phone as it is dialled, or a dash.
    pub fn phone(&self) -> String {
        let stored = match self {
            Item::Referral(r) => r.phone.as_deref(),
            Item::Intervention(i) => i.phone.as_deref(),
        };
        stored.map_or_else(|| "-".to_string(), super::widgets::tenant_card::phone_text)
    }

    /// The day it is to be looked at again: the follow-up date of a referral, the
    /// planned (or wanted) day of an intervention.
    pub fn due(&self, rules: &Rules) -> Option<NaiveDate> {
        match self {
            Item::Referral(r) => r.follow_up_on,
            Item::Intervention(i) => i.planned_at.or(i.wanted_at).map(|t| rules.local_date(t)),
        }
    }

    /// Past its date, or an emergency left unassigned too long.
    pub fn overdue(&self, now: DateTime<Utc>, rules: &Rules) -> bool {
        match self {
            Item::Referral(r) => r.follow_up_on.is_some_and(|d| d < rules.local_date(now)),
            Item::Intervention(i) => {
                i.planned_at.or(i.wanted_at).is_some_and(|t| t < now)
                    || emergency_waiting_too_long(i.urgency, i.status, i.created_at, now, rules)
            }
        }
    }

    fn what(&self, l: Lang) -> String {
        match self {
            Item::Referral(r) => {
                let service = if l == Lang::En {
                    &r.service_en
                } else {
                    &r.service_fr
                };
                format!(
                    "{service} · {}",
                    l.code_name("referral_status", r.status.code())
                )
            }
            Item::Intervention(i) => format!(
                "{} · {} · {}",
                l.code_name("intervention_kind", i.kind.code()),
                l.code_name("urgency", i.urgency.code()),
                l.code_name("intervention_status", i.status.code())
            ),
        }
    }

    fn by(&self) -> &str {
        match self {
            Item::Referral(r) => &r.created_by,
            Item::Intervention(i) => &i.created_by,
        }
    }
}

impl FollowUpState {
    pub fn load(
        store: &Store,
        operator: i64,
        coordinator: bool,
        filters: Filters,
        rules: &Rules,
        keep: Option<usize>,
    ) -> Result<FollowUpState, StoreError> {
        let mine = (filters.mine || !coordinator).then_some(operator);
        let mut items = Vec::new();
        let want_referrals = filters.urgency.is_none()
            && !matches!(filters.status, Some(StatusFilter::Intervention(_)));
        let want_interventions = filters.category.is_none()
            && !matches!(filters.status, Some(StatusFilter::Referral(_)));
        if want_referrals {
            let status = match filters.status {
                Some(StatusFilter::Referral(s)) => Some(s),
                _ => None,
            };
            items.extend(
                store
                    .referrals(&ReferralFilter {
                        status,
                        category: filters.category,
                        operator: mine,
                        tenant: None,
                    })?
                    .into_iter()
                    .map(Item::Referral),
            );
        }
        if want_interventions {
            let status = match filters.status {
                Some(StatusFilter::Intervention(s)) => Some(s),
                _ => None,
            };
            items.extend(
                store
                    .interventions(&InterventionFilter {
                        status,
                        urgency: filters.urgency,
                        operator: mine,
                        tenant: None,
                    })?
                    .into_iter()
                    .map(Item::Intervention),
            );
        }
        // By due day, those without one last; the store's order holds among equals.
        items.sort_by_key(|i| (i.due(rules).is_none(), i.due(rules)));
        if !filters.text.trim().is_empty() {
            items.retain(|i| {
                let phone = i.phone();
                let what = i.what(crate::i18n::Lang::Fr) + " " + &i.what(crate::i18n::Lang::En);
                super::rows::filter_matches(
                    &filters.text,
                    &[
                        i.tenant_name(),
                        &phone,
                        &phone.replace(' ', ""),
                        &what,
                        i.by(),
                    ],
                )
            });
        }
        let mut s = FollowUpState {
            items,
            selected: 0,
            filters,
            history: Vec::new(),
            coordinator,
            typing: false,
        };
        s.selected = keep.unwrap_or(0).min(s.items.len().saturating_sub(1));
        s.load_history(store)?;
        Ok(s)
    }

    fn load_history(&mut self, store: &Store) -> Result<(), StoreError> {
        self.history = match self.items.get(self.selected) {
            Some(Item::Referral(r)) => store.referral_history(r.id)?,
            Some(Item::Intervention(i)) => store.intervention_history(i.id)?,
            None => Vec::new(),
        };
        Ok(())
    }

    pub fn selected_item(&self) -> Option<&Item> {
        self.items.get(self.selected)
    }
}

/// Opens the follow-up screen (a coordinator starts with everyone's requests).
pub fn open(ctx: &Ctx) -> Effect {
    let Some((operator, coordinator)) = ctx.who() else {
        return Effect::None;
    };
    let filters = Filters {
        mine: !coordinator,
        ..Filters::default()
    };
    Effect::show(
        FollowUpState::load(ctx.store, operator, coordinator, filters, ctx.rules, None),
        |s| Screen::FollowUp(Box::new(s)),
    )
}

impl FollowUpState {
    /// Reloads the list after a change, keeping the filters and the place.
    pub fn reload(&mut self, ctx: &Ctx) -> Effect {
        self.show(ctx, self.filters.clone(), Some(self.selected))
    }

    fn show(&mut self, ctx: &Ctx, filters: Filters, keep: Option<usize>) -> Effect {
        let Some((operator, coordinator)) = ctx.who() else {
            return Effect::None;
        };
        let loaded =
            FollowUpState::load(ctx.store, operator, coordinator, filters, ctx.rules, keep);
        Effect::replace(self, loaded)
    }

    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Effect {
        if let Some(i) = super::rows::moved_to(action, self.selected, self.items.len()) {
            self.selected = i;
            return Effect::fail_on(self.load_history(ctx.store));
        }
        let l = ctx.ui.lang;
        let mut filters = self.filters.clone();
        if self.typing {
            // Typing after `/`: the list narrows at each key; Enter keeps the filter,
            // Esc drops it.
            match action {
                Action::Char(c) => filters.text.push(c),
                Action::Backspace => {
                    filters.text.pop();
                }
                Action::ClearField => filters.text.clear(),
                Action::Back | Action::Interrupt => filters.text.clear(),
                _ => {}
            }
            let typing = !matches!(action, Action::Confirm | Action::Back | Action::Interrupt);
            let effect = self.show(ctx, filters, None);
            self.typing = typing;
            return effect;
        }
        match action {
            Action::FilterList => {
                self.typing = true;
                return Effect::None;
            }
            Action::Back | Action::Interrupt if !filters.text.is_empty() => filters.text.clear(),
            Action::Back | Action::Interrupt => return Effect::Queue,
            Action::Refresh => return self.reload(ctx),
            Action::FilterStatus => filters.status = cycle(filters.status, &STATUSES),
            Action::FilterCategory => {
                filters.category = cycle(filters.category, NeedCategory::ALL);
                filters.urgency = None;
            }
            Action::FilterUrgency => {
                filters.urgency = cycle(filters.urgency, Urgency::ALL);
                filters.category = None;
            }
            Action::FilterMine if self.coordinator => filters.mine = !filters.mine,
            Action::FilterMine => {
                return Effect::Info(l.t("followup.operators_see_theirs").to_string());
            }
            Action::Confirm => {
                return match self.selected_item() {
                    Some(item) => Effect::Popup(change_form(item, l)),
                    None => Effect::None,
                };
            }
            _ => return Effect::None,
        }
        self.show(ctx, filters, None)
    }
}

/// Acts on the answer of a popup this screen opened: moves a referral on, or closes
/// an intervention request. A refusal goes back to the popup, in the operator's words.
pub fn answer(
    store: &mut Store,
    answer: &Answer,
    l: Lang,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Effect, String> {
    let done = match &answer.purpose {
        Purpose::ReferralStatus { id, to } => match to.get(answer.choice) {
            Some(to) => move_referral(store, l, *id, *to, &answer.note, by, now)?,
            None => "choice.unchanged",
        },
        Purpose::Close { id } => close(store, l, *id, answer, by, now)?,
        _ => return Ok(Effect::None),
    };
    Ok(saved(l, done))
}

/// What follows a change saved from a popup: the screen shows it, and says so.
pub fn saved(l: Lang, done: &'static str) -> Effect {
    Effect::Then(vec![Effect::Reload, Effect::Info(l.t(done).to_string())])
}

/// Closes an intervention request with how it ended; the note is required.
pub fn close(
    store: &mut Store,
    l: Lang,
    id: i64,
    answer: &Answer,
    by: i64,
    now: DateTime<Utc>,
) -> Result<&'static str, String> {
    match InterventionOutcome::ALL.get(answer.choice) {
        None => Ok("choice.unchanged"),
        Some(_) if answer.note.is_empty() => Err(l.t("choice.note_required").to_string()),
        Some(outcome) => store
            .close_intervention(id, *outcome, &answer.note, by, now)
            .map(|()| "choice.closed")
            .map_err(|e| store_error_text(l, &e)),
    }
}

/// Moves a referral on, refusing in the operator's words what its lifecycle forbids.
pub fn move_referral(
    store: &mut Store,
    l: Lang,
    id: i64,
    to: ReferralStatus,
    note: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<&'static str, String> {
    let from = store
        .referral(id)
        .map_err(|e| store_error_text(l, &e))?
        .status;
    referral_step(from, to, note).map_err(|e| match e {
        TransitionError::NoteRequired(_) => l.t("choice.note_required").to_string(),
        other => l.f("errors.other", &[("error", &other.to_string())]),
    })?;
    store
        .set_referral_status(id, to, note, by, now)
        .map(|()| "choice.status_saved")
        .map_err(|e| store_error_text(l, &e))
}

/// The popup that moves `item` on: the next status of a referral, or how an
/// intervention request ended.
pub fn change_form(item: &Item, l: Lang) -> Popup {
    match item {
        Item::Referral(r) => {
            let to: Vec<ReferralStatus> = ReferralStatus::ALL
                .iter()
                .copied()
                .filter(|s| referral_step(r.status, *s, "x").is_ok())
                .collect();
            let choices = to
                .iter()
                .map(|s| l.code_name("referral_status", s.code()).to_string())
                .collect();
            let mut form = ChoiceForm::new(
                Purpose::ReferralStatus { id: r.id, to },
                l.t("followup.change_title"),
                &format!("{} · {}", r.tenant_name, item.what(l)),
                choices,
            );
            form.choice_label = "followup.new_status";
            form.note_label = l.t("followup.note").to_string();
            form.note_hint = l.t("followup.note_hint").to_string();
            Popup::Choice(Box::new(form))
        }
        Item::Intervention(i) => close_form(i, l),
    }
}

/// Closing an intervention request with its outcome and a note.
pub fn close_form(i: &InterventionRow, l: Lang) -> Popup {
    let choices = InterventionOutcome::ALL
        .iter()
        .map(|o| l.code_name("intervention_outcome", o.code()).to_string())
        .collect();
    let mut form = ChoiceForm::new(
        Purpose::Close { id: i.id },
        l.t("dispatch.close_title"),
        &format!(
            "{} · {}",
            i.tenant_name,
            Item::Intervention(i.clone()).what(l)
        ),
        choices,
    );
    form.choice_label = "dispatch.outcome";
    form.note_label = l.t("followup.note").to_string();
    form.note_hint = l.t("followup.note_required").to_string();
    Popup::Choice(Box::new(form))
}

/// The words shown for the filters.
fn filter_line(f: &FollowUpState, l: Lang) -> String {
    let status = match f.filters.status {
        None => l.t("followup.all_open").to_string(),
        Some(StatusFilter::Referral(s)) => l.code_name("referral_status", s.code()).to_string(),
        Some(StatusFilter::Intervention(s)) => {
            l.code_name("intervention_status", s.code()).to_string()
        }
    };
    let category = match f.filters.category {
        None => l.t("followup.any").to_string(),
        Some(c) => l.code_name("need", c.code()).to_string(),
    };
    let urgency = match f.filters.urgency {
        None => l.t("followup.any").to_string(),
        Some(u) => l.code_name("urgency", u.code()).to_string(),
    };
    let whose = if f.filters.mine || !f.coordinator {
        l.t("followup.mine")
    } else {
        l.t("followup.everyone")
    };
    let mut line = l.f(
        "followup.filters",
        &[
            ("status", &status),
            ("category", &category),
            ("urgency", &urgency),
            ("whose", whose),
        ],
    );
    if f.typing || !f.filters.text.is_empty() {
        line = format!(
            "{} · {line}",
            if f.typing {
                l.f("list.filter_typing", &[("text", &f.filters.text)])
            } else {
                l.f("list.filter", &[("text", &f.filters.text)])
            }
        );
    }
    line
}

/// The list beside the history on wide screens, above it on narrow ones (follow-up and
/// dispatch alike).
pub(super) fn areas(body: Rect) -> (Rect, Rect) {
    if body.width >= 110 {
        let [list, side] = Layout::horizontal([
            Constraint::Min(60),
            Constraint::Length(body.width * 36 / 100),
        ])
        .areas(body);
        (list, side)
    } else {
        let [list, side] =
            Layout::vertical([Constraint::Min(6), Constraint::Length(7)]).areas(body);
        (list, side)
    }
}

/// Reverse video and bold: what must not be missed, visible without colour.
pub fn alert_style() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

pub fn render(f: &FollowUpState, app: &App, ui: &Ui, body: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let (list_area, side) = areas(body);
    let title = l.f("followup.title", &[("n", &f.items.len().to_string())]);
    let block = Block::bordered().title(Span::styled(format!(" {title} "), th.title()));
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    let w = inner.width as usize;
    let mut lines = vec![Line::from(Span::styled(
        clip(&filter_line(f, l), w),
        th.muted(),
    ))];
    if f.items.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            clip(l.t("followup.empty"), w),
            th.bold(),
        )));
    }
    // The filter line, then the items.
    let mut items_area = inner;
    items_area.y += 1;
    items_area.height = items_area.height.saturating_sub(1);
    let view = ListView::new(items_area, f.items.len(), f.selected, 1);
    let w = view.width();
    let late_word = l.t("followup.overdue");
    let late_w = late_word.chars().count();
    for (i, item) in f.items.iter().enumerate().skip(view.first).take(view.room) {
        let selected = i == f.selected;
        let late = item.overdue(ui.now, &app.rules);
        let marker = if selected { "▶" } else { " " };
        let due = item
            .due(&app.rules)
            .map_or_else(|| "--/--".to_string(), |d| d.format("%d/%m").to_string());
        let late_text = if late {
            late_word.to_string()
        } else {
            " ".repeat(late_w)
        };
        let rest = format!(
            " {due} {} · {} · {} · {}",
            item.tenant_name(),
            item.phone(),
            item.what(l),
            item.by()
        );
        let style = if selected { th.focus() } else { th.normal() };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker} "), style),
            Span::styled(late_text, if late { alert_style() } else { th.normal() }),
            Span::styled(pad(&rest, w.saturating_sub(late_w + 2)), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    view.render_scrollbar(frame);
    render_history(f, app, ui, side, frame);
}

// The usual short names of the views: `l` the language, `w` the width, `s` a line.
#[allow(clippy::many_single_char_names)]
fn render_history(f: &FollowUpState, app: &App, ui: &Ui, area: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let inner = super::popup::frame_box(ui, l.t("followup.history"), area, frame);
    let w = inner.width as usize;
    let mut lines = Vec::new();
    if let Some(item) = f.selected_item() {
        let head = match item {
            Item::Referral(r) if !r.note.is_empty() => {
                format!("{} · {} · {}", item.tenant_name(), item.what(l), r.note)
            }
            Item::Intervention(i) => {
                let mut s = format!("{} · {}", item.tenant_name(), item.what(l));
                if let Some(team) = &i.team {
                    let _ = write!(s, " · {team}");
                }
                if let Some(at) = i.planned_at {
                    let _ = write!(s, " · {}", ui.day_time(at));
                }
                s
            }
            Item::Referral(_) => format!("{} · {}", item.tenant_name(), item.what(l)),
        };
        for line in super::rows::wrap(&head, w, "", "  ") {
            lines.push(Line::from(Span::styled(line, th.bold())));
        }
        let kind = match item {
            Item::Referral(_) => "referral_status",
            Item::Intervention(_) => "intervention_status",
        };
        // Newest first: the last step matters most when space is short.
        for e in f.history.iter().rev() {
            let mut s = format!(
                "{} {} · {}",
                ui.date(e.at),
                l.code_name(kind, &e.status),
                e.operator.as_deref().unwrap_or("-")
            );
            if !e.note.is_empty() {
                s.push_str(" : ");
                s.push_str(&e.note);
            }
            for line in super::rows::wrap(&s, w, "• ", "  ") {
                lines.push(Line::from(line));
            }
        }
    }
    let _ = app;
    frame.render_widget(Paragraph::new(lines), inner);
}
