//! The dispatch screen (coordinators): open intervention requests, emergencies first,
//! then by urgency and time. An emergency still unassigned past the alert delay is
//! marked with a word in reverse video. Requests are assigned to a field team for a
//! planned time, and closed with how they ended.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::action::Action;
use super::app::{App, Screen, Ui, store_error_text};
use super::effect::{Ctx, Effect};
use super::followup::{alert_style, close, close_form, saved};
use super::popup::Popup;
use super::popup::choice::{Answer, ChoiceForm, Purpose};
use super::rows::{clip, pad, wrap};
use super::when;
use super::widgets::list::ListView;
use crate::domain::InterventionStatus;
use crate::domain::lifecycle::emergency_waiting_too_long;
use crate::i18n::Lang;
use crate::store::{
    Event, InterventionFilter, InterventionRow, Store, StoreError, WaitingEmergency,
};

#[derive(Debug, Clone, Default)]
pub struct DispatchState {
    /// Emergencies no coordinator has taken yet, oldest first: shown above the requests.
    pub emergencies: Vec<WaitingEmergency>,
    pub items: Vec<InterventionRow>,
    pub selected: usize,
    pub history: Vec<Event>,
    /// What was typed after `/`: only the requests holding it (name, phone, address…).
    pub filter: String,
    /// Keys type into the `/` filter.
    pub typing: bool,
}

impl DispatchState {
    pub fn load(
        store: &Store,
        keep: Option<usize>,
        filter: &str,
    ) -> Result<DispatchState, StoreError> {
        // Every operator's requests: dispatch is the coordinators' view of all of them.
        let mut items = store.interventions(&InterventionFilter::default())?;
        if !filter.trim().is_empty() {
            items.retain(|i| {
                let phone = i
                    .phone
                    .as_deref()
                    .map(super::widgets::tenant_card::phone_text)
                    .unwrap_or_default();
                super::rows::filter_matches(
                    filter,
                    &[
                        &i.tenant_name,
                        &phone,
                        &phone.replace(' ', ""),
                        &i.address,
                        &i.place,
                    ],
                )
            });
        }
        let mut s = DispatchState {
            emergencies: store.waiting_emergencies()?,
            selected: keep.unwrap_or(0).min(items.len().saturating_sub(1)),
            items,
            history: Vec::new(),
            filter: filter.to_string(),
            typing: false,
        };
        s.load_history(store)?;
        Ok(s)
    }

    fn load_history(&mut self, store: &Store) -> Result<(), StoreError> {
        self.history = match self.items.get(self.selected) {
            Some(i) => store.intervention_history(i.id)?,
            None => Vec::new(),
        };
        Ok(())
    }

    pub fn selected_item(&self) -> Option<&InterventionRow> {
        self.items.get(self.selected)
    }
}

/// Opens dispatch for a coordinator; an operator is told it is not theirs.
pub fn open(ctx: &Ctx) -> Effect {
    match ctx.who() {
        None => Effect::None,
        Some((_, false)) => Effect::Error(ctx.ui.lang.t("dispatch.coordinators_only").to_string()),
        Some((_, true)) => Effect::show(DispatchState::load(ctx.store, None, ""), |s| {
            Screen::Dispatch(Box::new(s))
        }),
    }
}

impl DispatchState {
    /// Reloads the list, keeping the place.
    pub fn reload(&mut self, ctx: &Ctx) -> Effect {
        let loaded = DispatchState::load(ctx.store, Some(self.selected), &self.filter);
        Effect::replace(self, loaded)
    }

    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Effect {
        if let Some(i) = super::rows::moved_to(action, self.selected, self.items.len()) {
            self.selected = i;
            return Effect::fail_on(self.load_history(ctx.store));
        }
        if self.typing {
            // Typing after `/`: the list narrows at each key; Enter keeps the filter,
            // Esc drops it.
            let mut filter = std::mem::take(&mut self.filter);
            match action {
                Action::Char(c) => filter.push(c),
                Action::Backspace => {
                    filter.pop();
                }
                Action::ClearField | Action::Back | Action::Interrupt => filter.clear(),
                _ => {}
            }
            let typing = !matches!(action, Action::Confirm | Action::Back | Action::Interrupt);
            let loaded = DispatchState::load(ctx.store, None, &filter);
            self.filter = filter;
            let effect = Effect::replace(self, loaded);
            self.typing = typing;
            return effect;
        }
        let item = self.selected_item();
        match action {
            Action::FilterList => {
                self.typing = true;
                Effect::None
            }
            Action::Back | Action::Interrupt if !self.filter.is_empty() => {
                let loaded = DispatchState::load(ctx.store, None, "");
                Effect::replace(self, loaded)
            }
            Action::Back | Action::Interrupt => Effect::Queue,
            Action::Refresh => self.reload(ctx),
            Action::Confirm | Action::Assign => item.map_or(Effect::None, |i| assign_form(ctx, i)),
            Action::Close => {
                item.map_or(Effect::None, |i| Effect::Popup(close_form(i, ctx.ui.lang)))
            }
            Action::TakeEmergency => match self.emergencies.first() {
                Some(e) => Effect::TakeEmergency(e.id),
                None => Effect::Info(ctx.ui.lang.t("dispatch.no_emergency").to_string()),
            },
            _ => Effect::None,
        }
    }
}

fn assign_form(ctx: &Ctx, i: &InterventionRow) -> Effect {
    let l = ctx.ui.lang;
    let teams: Vec<_> = match ctx.store.field_teams() {
        Ok(t) => t.into_iter().filter(|t| t.active).collect(),
        Err(e) => return Effect::Fail(e),
    };
    if teams.is_empty() {
        return Effect::Error(l.t("dispatch.no_team").to_string());
    }
    let choices = teams
        .iter()
        .map(|t| {
            if t.members.is_empty() {
                t.name.clone()
            } else {
                format!("{} ({})", t.name, t.members)
            }
        })
        .collect();
    let mut form = ChoiceForm::new(
        Purpose::Assign {
            id: i.id,
            teams: teams.iter().map(|t| t.id).collect(),
        },
        l.t("dispatch.assign_title"),
        &format!("{} · {}", i.tenant_name, what(i, l)),
        choices,
    );
    form.choice_label = "dispatch.team";
    form.note_label = l.t("dispatch.planned").to_string();
    form.note_hint = l.t("dispatch.planned_hint").to_string();
    // A request already given to a team starts from that team.
    if let Some(team) = &i.team
        && let Some(at) = teams.iter().position(|t| &t.name == team)
    {
        form.choice = at;
    }
    Effect::Popup(Popup::Choice(Box::new(form)))
}

/// Acts on the answer of a popup this screen opened: gives a request to a field team
/// for a planned time (the note), or closes it.
pub fn answer(
    store: &mut Store,
    answer: &Answer,
    ui: &Ui,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Effect, String> {
    let l = ui.lang;
    let done = match &answer.purpose {
        Purpose::Assign { id, teams } => {
            let planned = if answer.note.is_empty() {
                None
            } else {
                let at = when::instant(&answer.note, ui.now, ui.tz, None)
                    .map_err(|_| l.t("errors.date_invalid").to_string())?;
                Some(at)
            };
            let team = teams
                .get(answer.choice)
                .ok_or_else(|| l.t("dispatch.no_team").to_string())?;
            store
                .assign_intervention(*id, *team, planned, by, now)
                .map_err(|e| store_error_text(l, &e))?;
            "choice.assigned"
        }
        Purpose::Close { id } => close(store, l, *id, answer, by, now)?,
        _ => return Ok(Effect::None),
    };
    Ok(saved(l, done))
}

fn what(i: &InterventionRow, l: Lang) -> String {
    format!(
        "{} · {}",
        l.code_name("intervention_kind", i.kind.code()),
        l.code_name("urgency", i.urgency.code())
    )
}

/// The emergencies waiting for a coordinator, two lines each, above the requests: the
/// area they take and the rest.
fn render_emergencies(d: &DispatchState, ui: &Ui, body: Rect, frame: &mut Frame) -> Rect {
    if d.emergencies.is_empty() {
        return body;
    }
    let l = ui.lang;
    let th = ui.theme;
    let shown = d.emergencies.len().min(3);
    let height = u16::try_from(shown * 2 + 2)
        .unwrap_or(8)
        .min(body.height / 2);
    let [top, rest] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(0)]).areas(body);
    let title = l.f(
        "dispatch.emergencies_title",
        &[("n", &d.emergencies.len().to_string())],
    );
    let block = Block::bordered().title(Span::styled(format!(" {title} "), alert_style()));
    let inner = block.inner(top);
    frame.render_widget(block, top);
    let w = inner.width as usize;
    let mut lines = Vec::new();
    for e in d.emergencies.iter().take(shown) {
        let first = format!(
            "{} · {} · {} · {}",
            ui.day_time(e.at),
            e.tenant_name,
            e.phone
                .as_deref()
                .map_or_else(|| "-".to_string(), super::widgets::tenant_card::phone_text),
            e.operator
        );
        lines.push(Line::from(Span::styled(pad(&first, w), th.bold())));
        let mut second = format!(
            "    {} · {}",
            l.code_name("services_called", e.services.code()),
            e.decision
        );
        if !e.no_request_reason.is_empty() {
            second.push_str(" · ");
            second.push_str(&l.f("dispatch.no_request", &[("reason", &e.no_request_reason)]));
        }
        lines.push(Line::from(Span::raw(pad(&clip(&second, w), w))));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    rest
}

pub fn render(d: &DispatchState, app: &App, ui: &Ui, body: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let body = render_emergencies(d, ui, body, frame);
    let (list_area, side) = super::followup::areas(body);
    let mut title = l.f("dispatch.title", &[("n", &d.items.len().to_string())]);
    if d.typing || !d.filter.is_empty() {
        let filter = if d.typing {
            l.f("list.filter_typing", &[("text", &d.filter)])
        } else {
            l.f("list.filter", &[("text", &d.filter)])
        };
        title = format!("{title} · {filter}");
    }
    let block = Block::bordered().title(Span::styled(format!(" {title} "), th.title()));
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    let w = inner.width as usize;
    let mut lines = Vec::new();
    if d.items.is_empty() {
        lines.push(Line::from(Span::styled(
            clip(l.t("dispatch.empty"), w),
            th.bold(),
        )));
    }
    let alert_word = l.t("dispatch.alert");
    let alert_w = alert_word.chars().count();
    let view = ListView::new(inner, d.items.len(), d.selected, 2);
    let w = view.width();
    for (n, i) in d.items.iter().enumerate().skip(view.first).take(view.room) {
        let selected = n == d.selected;
        let alert =
            emergency_waiting_too_long(i.urgency, i.status, i.created_at, ui.now, &app.rules);
        let style = if selected { th.focus() } else { th.normal() };
        let marker = if selected { "▶ " } else { "  " };
        let when = i.planned_at.or(i.wanted_at).map_or_else(
            || l.f("dispatch.asked_at", &[("when", &ui.day_time(i.created_at))]),
            |t| ui.day_time(t),
        );
        let first = format!(
            "{} · {} · {}",
            l.code_name("urgency", i.urgency.code()),
            i.tenant_name,
            l.code_name("intervention_kind", i.kind.code())
        );
        let mut spans = vec![Span::styled(marker, style)];
        let mut used = 2;
        if alert {
            spans.push(Span::styled(alert_word, alert_style()));
            spans.push(Span::styled(" ", style));
            used += alert_w + 1;
        }
        spans.push(Span::styled(
            pad(&first, w.saturating_sub(used)),
            style.patch(th.bold()),
        ));
        lines.push(Line::from(spans));
        let status = match (&i.team, i.status) {
            (Some(team), InterventionStatus::Assigned) => {
                l.f("dispatch.assigned_to", &[("team", team)])
            }
            _ => l
                .code_name("intervention_status", i.status.code())
                .to_string(),
        };
        // The phone, then the postcode (the arrondissement) before the street: cut last.
        let address = match i.address.rsplit_once(", ") {
            Some((street, city)) => format!("{city}, {street}"),
            None => i.address.clone(),
        };
        let phone = i
            .phone
            .as_deref()
            .map_or_else(|| "-".to_string(), super::widgets::tenant_card::phone_text);
        let second = format!("    {when} · {status} · {phone} · {address}");
        lines.push(Line::from(Span::styled(pad(&clip(&second, w), w), style)));
    }
    frame.render_widget(Paragraph::new(lines), view.text);
    view.render_scrollbar(frame);
    render_side(d, ui, side, frame);
}

fn render_side(d: &DispatchState, ui: &Ui, area: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let inner = super::popup::frame_box(ui, l.t("followup.history"), area, frame);
    let w = inner.width as usize;
    let mut lines = Vec::new();
    if let Some(i) = d.selected_item() {
        let mut facts = vec![i.place.clone()];
        if !i.details.is_empty() {
            facts.push(i.details.clone());
        }
        facts.push(l.f("dispatch.asked_by", &[("name", &i.created_by)]));
        for line in wrap(&facts.join(" · "), w, "", "  ") {
            lines.push(Line::from(Span::styled(line, th.bold())));
        }
        for e in d.history.iter().rev() {
            let mut s = format!(
                "{} {} · {}",
                ui.day_time(e.at),
                l.code_name("intervention_status", &e.status),
                e.operator.as_deref().unwrap_or("-")
            );
            if !e.note.is_empty() {
                s.push_str(" : ");
                s.push_str(&e.note);
            }
            for line in wrap(&s, w, "• ", "  ") {
                lines.push(Line::from(line));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
