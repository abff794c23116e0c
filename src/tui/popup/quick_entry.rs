//! Quick entry, from any screen: find a tenant by part of a name, phone, address or
//! reference (results as you type), then record a referral or an intervention request
//! for them at once, outside a call.
//!
//! The search index is built the first time the quick entry opens and kept for the
//! session: start-up stays fast, and typing never queries the database.

use chrono::{DateTime, Days, Utc};
use ratatui::Frame;
use ratatui::layout::{Rect, Size};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::widgets::list::ListView;
use super::{InterventionForm, Popup, ReferralForm, Reply, centered, frame_box};
use crate::domain::Urgency;
use crate::domain::search::TenantIndex;
use crate::store::{StoreError, Tenant};
use crate::tui::action::Action;
use crate::tui::app::{App, Ui};
use crate::tui::call::form::{InterventionEntry, ReferralEntry};
use crate::tui::keys::Scope;
use crate::tui::rows::{clip, pad};
use crate::tui::text_field::TextField;
use crate::tui::widgets::tenant_card::phone_text;

/// How many results are shown at once (the list scrolls).
const SHOWN: usize = 8;

/// How many results can be scrolled through; past that the count says to type more.
const LISTED: usize = 200;

/// Days until the follow-up of a quick referral.
const FOLLOW_UP_DAYS: u64 = 7;

/// The search index of the session. What a result shows is read from the database for
/// the few tenants found, so the index keeps only what it searches.
pub struct QuickIndex {
    index: TenantIndex,
    /// How many tenants the last search matched, all of them (not only those listed).
    pub matched: usize,
}

impl QuickIndex {
    pub fn new(index: TenantIndex) -> QuickIndex {
        QuickIndex { index, matched: 0 }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The best matches for `query`, as lines to show.
    pub fn search(&mut self, store: &crate::store::Store, query: &str) -> Vec<Found> {
        let hits = self.index.search(query, LISTED);
        self.matched = self.index.last_matched();
        hits.into_iter()
            .filter_map(|h| store.tenant(h.tenant_id).ok())
            .map(|t| Found::from_tenant(&t))
            .collect()
    }
}

/// A tenant in the results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub tenant_id: i64,
    pub name: String,
    /// To tell namesakes apart.
    pub birth_date: Option<chrono::NaiveDate>,
    pub address: String,
    pub phone: String,
    pub reference: String,
}

impl Found {
    fn from_tenant(t: &Tenant) -> Found {
        Found {
            tenant_id: t.id,
            name: format!("{} {}", t.last_name, t.first_name)
                .trim()
                .to_string(),
            birth_date: t.birth_date,
            address: format!("{}, {} {}", t.address, t.postcode, t.city)
                .trim_matches([',', ' '])
                .to_string(),
            phone: t
                .phone
                .as_deref()
                .or(t.phone_alt.as_deref())
                .map(phone_text)
                .unwrap_or_default(),
            reference: t.external_ref.clone().unwrap_or_default(),
        }
    }

    fn line(&self, ui: &Ui) -> String {
        let mut parts = vec![self.name.clone()];
        if let Some(age) = crate::tui::widgets::tenant_card::age_text(ui, self.birth_date) {
            parts.push(age);
        }
        // The address, longest, comes last: it is what a narrow screen cuts.
        for p in [&self.phone, &self.reference, &self.address] {
            if !p.is_empty() {
                parts.push(p.clone());
            }
        }
        parts.join(" · ")
    }
}

#[derive(Debug, Clone)]
pub enum Stage {
    Search {
        query: TextField,
        hits: Vec<Found>,
        selected: usize,
    },
    /// Referral or intervention request?
    Kind {
        tenant: Found,
    },
    Referral {
        tenant: Found,
        form: ReferralForm,
    },
    Intervention {
        tenant: Found,
        form: InterventionForm,
    },
}

#[derive(Debug, Clone)]
pub struct QuickEntry {
    pub stage: Stage,
}

impl QuickEntry {
    pub fn new() -> QuickEntry {
        QuickEntry {
            stage: Stage::Search {
                query: TextField::default(),
                hits: Vec::new(),
                selected: 0,
            },
        }
    }

    pub fn scope(&self) -> (Scope, bool) {
        match &self.stage {
            Stage::Search { .. } => (Scope::QuickSearch, true),
            Stage::Kind { .. } => (Scope::QuickKind, false),
            Stage::Referral { form, .. } => (Scope::ReferralForm, form.typing()),
            Stage::Intervention { form, .. } => (Scope::InterventionForm, form.typing()),
        }
    }

    pub fn tenant(&self) -> Option<&Found> {
        match &self.stage {
            Stage::Search { .. } => None,
            Stage::Kind { tenant }
            | Stage::Referral { tenant, .. }
            | Stage::Intervention { tenant, .. } => Some(tenant),
        }
    }
}

impl Default for QuickEntry {
    fn default() -> Self {
        QuickEntry::new()
    }
}

/// Opens the quick entry above the current screen, building the index the first time.
pub fn open(app: &mut App) {
    if app.session.is_none() {
        return;
    }
    if app.quick_index.is_none() {
        match app.store.search_index() {
            Ok(index) => app.quick_index = Some(QuickIndex::new(index)),
            Err(e) => {
                app.store_error(&e);
                return;
            }
        }
    }
    app.popup = Some(Popup::Quick(Box::default()));
}

/// What the quick entry asks the app to record once a form is done.
pub enum Record {
    Referral(Found, ReferralEntry),
    Intervention(Found, InterventionEntry),
    /// A call the tenant makes to the program: the call screen opens on them.
    Incoming(i64),
}

/// What a step of the quick entry reads: the store, the search index, the catalogue.
struct Reads<'a> {
    store: &'a crate::store::Store,
    index: Option<&'a mut QuickIndex>,
    services: &'a [crate::store::Service],
    rules: &'a crate::domain::Rules,
    ui: Ui,
    size: Size,
}

/// Applies `action` to the quick entry taken out of `app`: put back while it stays
/// open; what its forms report is recorded here, and a form whose record failed stays
/// open with what was typed.
pub fn update(app: &mut App, mut q: Box<QuickEntry>, action: Action, now: DateTime<Utc>) {
    let ui = app.ui();
    let reads = Reads {
        store: &app.store,
        index: app.quick_index.as_mut(),
        services: &app.services,
        rules: &app.rules,
        ui,
        size: app.size,
    };
    match q.step(action, reads) {
        Reply::Keep => app.popup = Some(Popup::Quick(q)),
        Reply::Cancel => {}
        Reply::Done(Record::Incoming(tenant)) => crate::tui::call::open_incoming(app, tenant, now),
        Reply::Done(record) => {
            if !recorded(app, &record, now) {
                app.popup = Some(Popup::Quick(q));
            }
        }
    }
}

/// Writes a referral or an intervention request the quick entry reported.
fn recorded(app: &mut App, record: &Record, now: DateTime<Utc>) -> bool {
    let Some(by) = app.session.as_ref().map(|s| s.operator.id) else {
        return true;
    };
    let (result, tenant, key) = match record {
        Record::Referral(tenant, entry) => (
            app.store.create_referral(
                tenant.tenant_id,
                entry.service_id,
                &entry.note,
                entry.follow_up_on,
                by,
                now,
            ),
            tenant,
            "quick.referral_saved",
        ),
        Record::Intervention(tenant, entry) => (
            app.store.create_intervention(
                tenant.tenant_id,
                entry.kind,
                entry.urgency,
                entry.wanted_at,
                &entry.place,
                &entry.details,
                by,
                now,
            ),
            tenant,
            if entry.urgency == Urgency::Emergency {
                "quick.emergency_saved"
            } else {
                "quick.intervention_saved"
            },
        ),
        Record::Incoming(_) => return true,
    };
    saved(app, result, tenant, key)
}

impl QuickEntry {
    /// One step of the entry (search, kind, form): it reads, and reports what to record.
    // One arm per step.
    #[allow(clippy::too_many_lines)]
    fn step(&mut self, action: Action, reads: Reads) -> Reply<Record> {
        let Reads {
            store,
            index,
            services,
            rules,
            ui,
            size,
        } = reads;
        let stage = std::mem::replace(
            &mut self.stage,
            Stage::Kind {
                tenant: Found::from_tenant(&Tenant::default()),
            },
        );
        self.stage = match stage {
            Stage::Search {
                mut query,
                mut hits,
                mut selected,
            } => {
                let mut changed = false;
                match action {
                    Action::Back | Action::Interrupt => return Reply::Cancel,
                    a if a.edits_text() => changed = query.edit(action) == Some(true),
                    Action::Up | Action::ScrollUp => selected = selected.saturating_sub(1),
                    Action::Down | Action::ScrollDown | Action::NextField => {
                        selected = (selected + 1).min(hits.len().saturating_sub(1));
                    }
                    Action::Click { x, y } => {
                        let view = ListView::new(results_area(size), hits.len(), selected, 1);
                        if let Some(i) = view.hit(x, y) {
                            selected = i;
                        }
                    }
                    _ => {}
                }
                if changed {
                    hits = index
                        .map(|i| i.search(store, query.value()))
                        .unwrap_or_default();
                    selected = 0;
                }
                match (action, hits.get(selected)) {
                    (Action::Confirm, Some(t)) => Stage::Kind { tenant: t.clone() },
                    _ => Stage::Search {
                        query,
                        hits,
                        selected,
                    },
                }
            }
            Stage::Kind { tenant } => match action {
                Action::Back => Stage::Search {
                    query: TextField::new(""),
                    hits: Vec::new(),
                    selected: 0,
                },
                Action::Interrupt => return Reply::Cancel,
                Action::AddReferral | Action::Pick(1) => Stage::Referral {
                    form: referral_form(&ui),
                    tenant,
                },
                Action::AddIntervention | Action::Pick(2) => {
                    let place = store
                        .tenant(tenant.tenant_id)
                        .map_or_else(|_| tenant.address.clone(), |t| place_of(&t, &ui));
                    Stage::Intervention {
                        form: intervention_form(place),
                        tenant,
                    }
                }
                Action::IncomingCall | Action::Pick(3) => {
                    return Reply::Done(Record::Incoming(tenant.tenant_id));
                }
                _ => Stage::Kind { tenant },
            },
            Stage::Referral { tenant, mut form } => {
                let area = form.area(services, &ui, size);
                match form.apply(action, services, ui.today(), area, ui) {
                    Reply::Keep => Stage::Referral { tenant, form },
                    Reply::Cancel => Stage::Kind { tenant },
                    Reply::Done(entry) => {
                        let record = Record::Referral(tenant.clone(), entry);
                        self.stage = Stage::Referral { tenant, form };
                        return Reply::Done(record);
                    }
                }
            }
            Stage::Intervention { tenant, mut form } => {
                let area = form.area(&ui, size);
                match form.apply(action, rules, area, ui) {
                    Reply::Keep => Stage::Intervention { tenant, form },
                    Reply::Cancel => Stage::Kind { tenant },
                    Reply::Done(entry) => {
                        let record = Record::Intervention(tenant.clone(), entry);
                        self.stage = Stage::Intervention { tenant, form };
                        return Reply::Done(record);
                    }
                }
            }
        };
        Reply::Keep
    }
}

/// Tells the operator what was saved and reloads the screen below, so that the new
/// request shows at once; on failure the form stays open with what was typed.
fn saved(
    app: &mut App,
    result: Result<i64, StoreError>,
    tenant: &Found,
    key: &'static str,
) -> bool {
    match result {
        Ok(_) => {
            app.reload();
            app.info(app.lang.f(key, &[("name", &tenant.name)]));
            true
        }
        Err(e) => {
            app.store_error(&e);
            false
        }
    }
}

fn referral_form(ui: &Ui) -> ReferralForm {
    ReferralForm {
        editing: None,
        focus: super::RefField::Category,
        category: 0,
        service: 0,
        note: TextField::default(),
        follow_up: TextField::new(
            &(ui.today() + Days::new(FOLLOW_UP_DAYS))
                .format("%d/%m/%Y")
                .to_string(),
        ),
        problem: None,
    }
}

fn intervention_form(place: String) -> InterventionForm {
    InterventionForm {
        editing: None,
        focus: super::IntField::Kind,
        kind: 0,
        urgency: 0,
        when: TextField::default(),
        place: TextField::new(&place),
        details: TextField::default(),
        problem: None,
    }
}

/// The tenant's address in one line, with the access details a field team needs.
fn place_of(t: &Tenant, ui: &Ui) -> String {
    let l = ui.lang;
    let mut parts = Vec::new();
    if !t.address.is_empty() {
        parts.push(t.address.clone());
    }
    let city = format!("{} {}", t.postcode, t.city).trim().to_string();
    if !city.is_empty() {
        parts.push(city);
    }
    parts.extend(crate::tui::address::access_parts(l, t));
    parts.join(", ")
}

/// The search box: the query line, then the results.
fn search_area(size: Size) -> Rect {
    centered(size, 84, SHOWN as u16 + 6)
}

fn results_area(size: Size) -> Rect {
    let a = search_area(size);
    Rect::new(a.x + 1, a.y + 3, a.width.saturating_sub(2), SHOWN as u16)
}

pub fn render(q: &QuickEntry, app: &App, ui: &Ui, size: Size, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    match &q.stage {
        Stage::Search {
            query,
            hits,
            selected,
        } => {
            let area = search_area(size);
            let inner = frame_box(ui, l.t("quick.title"), area, frame);
            let w = inner.width as usize;
            let label = format!(" {} ", l.t("quick.search"));
            let box_w = w.saturating_sub(label.chars().count() + 2).max(4);
            let (shown, col) = query.visible(box_w);
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(label.clone(), th.bold()),
                    Span::styled("[", th.muted()),
                    Span::styled(pad(&shown, box_w), th.focus()),
                    Span::styled("]", th.muted()),
                ])),
                Rect { height: 1, ..inner },
            );
            frame
                .set_cursor_position((inner.x + (label.chars().count() + 1 + col) as u16, inner.y));
            let list = results_area(size);
            let mut lines = Vec::new();
            if query.is_blank() {
                lines.push(Line::from(Span::styled(
                    clip(&format!(" {}", l.t("quick.hint")), w),
                    th.muted(),
                )));
            } else if hits.is_empty() {
                lines.push(Line::from(Span::styled(
                    clip(&format!(" {}", l.t("quick.nobody")), w),
                    th.bold(),
                )));
            }
            let view = ListView::new(list, hits.len(), *selected, 1);
            let item_w = view.width();
            for (i, h) in hits.iter().enumerate().skip(view.first).take(view.room) {
                let chosen = i == *selected;
                let marker = if chosen { "▶ " } else { "  " };
                let style = if chosen { th.focus() } else { th.normal() };
                lines.push(Line::from(Span::styled(
                    pad(&clip(&format!("{marker}{}", h.line(ui)), item_w), item_w),
                    style,
                )));
            }
            frame.render_widget(Paragraph::new(lines), list);
            view.render_scrollbar(frame);
            // How many were found, all of them: more than the box shows scrolls, more
            // than the list holds asks for more letters.
            let matched = app.quick_index.as_ref().map_or(0, |i| i.matched);
            let count = match matched {
                0 => String::new(),
                n if n > hits.len() => format!(
                    " {}",
                    l.f(
                        "quick.count_more",
                        &[("n", &n.to_string()), ("shown", &hits.len().to_string())]
                    )
                ),
                n => format!(" {}", l.f("quick.count", &[("n", &n.to_string())])),
            };
            let footer = Rect::new(inner.x, inner.bottom().saturating_sub(1), inner.width, 1);
            frame.render_widget(
                Paragraph::new(Span::styled(
                    clip(&format!("{count}{}", l.t("quick.search_footer")), w),
                    th.muted(),
                )),
                footer,
            );
        }
        Stage::Kind { tenant } => {
            let area = centered(size, 84, 10);
            let inner = frame_box(ui, l.t("quick.title"), area, frame);
            let w = inner.width as usize;
            let choice = |key: &'static str, label: &'static str| {
                Line::from(vec![
                    Span::styled(format!(" {key} "), th.bar().patch(th.bold())),
                    Span::raw(format!(" {}", l.t(label))),
                ])
            };
            let lines = vec![
                Line::from(Span::styled(
                    clip(&format!(" {}", tenant.line(ui)), w),
                    th.bold(),
                )),
                Line::from(""),
                choice("r", "quick.kind_referral"),
                choice("i", "quick.kind_intervention"),
                choice("a", "quick.kind_incoming"),
                Line::from(""),
                Line::from(Span::styled(clip(l.t("quick.kind_footer"), w), th.muted())),
            ];
            frame.render_widget(Paragraph::new(lines), inner);
        }
        Stage::Referral { tenant, form } => {
            let area = form.area(&app.services, ui, size);
            form.render(&app.services, ui, area, frame);
            for_whom(tenant, ui, area, frame);
        }
        Stage::Intervention { tenant, form } => {
            let area = form.area(ui, size);
            form.render(ui, area, frame);
            for_whom(tenant, ui, area, frame);
        }
    }
}

/// The tenant the form is for, on the popup's top border.
fn for_whom(tenant: &Found, ui: &Ui, area: Rect, frame: &mut Frame) {
    let text = format!(" {} ", ui.lang.f("quick.for", &[("name", &tenant.name)]));
    let w = (text.chars().count() as u16).min(area.width / 2);
    let x = area.right().saturating_sub(w + 2);
    frame.render_widget(
        Paragraph::new(Span::styled(clip(&text, w as usize), ui.theme.title())),
        Rect::new(x, area.y, w, 1),
    );
}
