//! Requesting a field intervention during a call: kind, urgency, when, where, details.
//! An emergency also tells the operator to call 15 / 112 at once.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use super::{Reply, frame_box};
use crate::domain::consistency::intervention_contradiction;
use crate::domain::{InterventionKind, Rules, Urgency};
use crate::tui::action::Action;
use crate::tui::app::Ui;
use crate::tui::call::CallState;
use crate::tui::call::form::InterventionEntry;
use crate::tui::rows::{FormRows, Rows, pad};
use crate::tui::text_field::TextField;
use crate::tui::when;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntField {
    Kind,
    Urgency,
    When,
    Place,
    Details,
}

const FIELDS: [IntField; 5] = [
    IntField::Kind,
    IntField::Urgency,
    IntField::When,
    IntField::Place,
    IntField::Details,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(IntField),
    Choice(IntField, usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterventionForm {
    pub editing: Option<usize>,
    pub focus: IntField,
    /// Index in `InterventionKind::ALL`.
    pub kind: usize,
    /// Index in `Urgency::ALL`.
    pub urgency: usize,
    pub when: TextField,
    pub place: TextField,
    pub details: TextField,
    pub problem: Option<(IntField, &'static str)>,
}

/// The tenant's address in one line, for the field team.
fn address(call: &CallState, ui: &Ui) -> String {
    let t = &call.card.tenant;
    let l = ui.lang;
    let mut parts = Vec::new();
    if !t.address.is_empty() {
        parts.push(t.address.clone());
    }
    let city = format!("{} {}", t.postcode, t.city).trim().to_string();
    if !city.is_empty() {
        parts.push(city);
    }
    for (key, value) in [
        ("card.building", &t.building),
        ("card.staircase", &t.staircase),
        ("card.floor", &t.floor),
        ("card.door", &t.door),
        ("card.access_code", &t.access_code),
    ] {
        if !value.is_empty() {
            parts.push(l.f(key, &[("v", value)]));
        }
    }
    parts.join(", ")
}

impl InterventionForm {
    pub fn new(call: &CallState, editing: Option<usize>, ui: &Ui) -> InterventionForm {
        let existing = editing.and_then(|i| call.form.interventions.get(i));
        let index_of = |k: InterventionKind| InterventionKind::ALL.iter().position(|x| *x == k);
        let urgency_of = |u: Urgency| Urgency::ALL.iter().position(|x| *x == u);
        match existing {
            Some(e) => InterventionForm {
                editing,
                focus: IntField::Kind,
                kind: index_of(e.kind).unwrap_or(0),
                urgency: urgency_of(e.urgency).unwrap_or(0),
                when: TextField::new(
                    &e.wanted_at
                        .map(|t| t.with_timezone(&ui.tz).format("%d/%m/%Y %H:%M").to_string())
                        .unwrap_or_default(),
                ),
                place: TextField::new(&e.place),
                details: TextField::new(&e.details),
                problem: None,
            },
            None => InterventionForm {
                editing: None,
                focus: IntField::Kind,
                kind: 0,
                urgency: 0,
                when: TextField::default(),
                place: TextField::new(&address(call, ui)),
                details: TextField::default(),
                problem: None,
            },
        }
    }

    pub fn typing(&self) -> bool {
        matches!(
            self.focus,
            IntField::When | IntField::Place | IntField::Details
        )
    }

    fn urgency(&self) -> Urgency {
        Urgency::ALL
            .get(self.urgency)
            .copied()
            .unwrap_or(Urgency::Routine)
    }

    fn text_mut(&mut self) -> Option<&mut TextField> {
        match self.focus {
            IntField::When => Some(&mut self.when),
            IntField::Place => Some(&mut self.place),
            IntField::Details => Some(&mut self.details),
            _ => None,
        }
    }

    fn move_focus(&mut self, delta: isize) {
        let at = FIELDS.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = FIELDS.len() as isize;
        self.focus = FIELDS[((at + delta) % n + n) as usize % FIELDS.len()];
    }

    fn choose(&mut self, field: IntField, i: usize) {
        match field {
            IntField::Kind if i < InterventionKind::ALL.len() => self.kind = i,
            IntField::Urgency if i < Urgency::ALL.len() => self.urgency = i,
            _ => {}
        }
    }

    pub fn apply(
        &mut self,
        action: Action,
        rules: &Rules,
        area: Rect,
        ui: Ui,
    ) -> Reply<InterventionEntry> {
        match action {
            Action::Back | Action::Interrupt => return Reply::Cancel,
            Action::Confirm => return self.finish(rules, &ui),
            Action::NextField | Action::Down | Action::ScrollDown => self.move_focus(1),
            Action::PrevField | Action::Up | Action::ScrollUp => self.move_focus(-1),
            Action::Left | Action::Right => {
                let right = action == Action::Right;
                let bump = |c: usize| if right { c + 1 } else { c.saturating_sub(1) };
                match self.focus {
                    IntField::Kind => self.choose(IntField::Kind, bump(self.kind)),
                    IntField::Urgency => self.choose(IntField::Urgency, bump(self.urgency)),
                    _ => {
                        if let Some(t) = self.text_mut() {
                            if right { t.right() } else { t.left() }
                        }
                    }
                }
            }
            Action::Pick(n) => self.choose(self.focus, usize::from(n.saturating_sub(1))),
            Action::Char(_)
            | Action::Backspace
            | Action::Delete
            | Action::ClearField
            | Action::Home
            | Action::End => {
                if let Some(t) = self.text_mut() {
                    t.edit(action);
                }
            }
            Action::Click { x, y } => {
                let rows = self.rows(&ui, area);
                let inner = self.rows_area(area);
                match rows.hit(inner, rows.scroll_for(inner.height as usize), x, y) {
                    Some(Target::Field(f)) => self.focus = f,
                    Some(Target::Choice(f, i)) => {
                        self.focus = f;
                        self.choose(f, i);
                    }
                    None => {}
                }
            }
            _ => {}
        }
        Reply::Keep
    }

    fn finish(&mut self, rules: &Rules, ui: &Ui) -> Reply<InterventionEntry> {
        // An emergency left without a time is wanted at once (the store says so).
        let wanted_at = if self.when.is_blank() {
            None
        } else {
            match when::instant(self.when.value(), ui.now, rules.tz, None) {
                Ok(at) => Some(at),
                Err(_) => {
                    self.problem = Some((IntField::When, "errors.date_time_invalid"));
                    self.focus = IntField::When;
                    return Reply::Keep;
                }
            }
        };
        // An emergency tells the team what happened: refused here, where it can be typed.
        if intervention_contradiction(self.urgency(), self.details.value()).is_some() {
            self.problem = Some((IntField::Details, "errors.emergency_incomplete"));
            self.focus = IntField::Details;
            return Reply::Keep;
        }
        Reply::Done(InterventionEntry {
            kind: InterventionKind::ALL
                .get(self.kind)
                .copied()
                .unwrap_or(InterventionKind::Other),
            urgency: self.urgency(),
            wanted_at,
            place: self.place.value().trim().to_string(),
            details: self.details.value().trim().to_string(),
        })
    }

    fn rows(&self, ui: &Ui, area: Rect) -> Rows<Target> {
        let l = ui.lang;
        let inner = inner_of(area);
        let mut b = FormRows::new(ui.theme, inner.width as usize, 12);
        let kinds: Vec<(String, bool)> = InterventionKind::ALL
            .iter()
            .enumerate()
            .map(|(i, k)| {
                (
                    l.code_name("intervention_kind", k.code()).to_string(),
                    i == self.kind,
                )
            })
            .collect();
        b.grid(
            l.t("intervention.kind"),
            self.focus == IntField::Kind,
            false,
            &kinds,
            false,
            self.kind,
            Target::Field(IntField::Kind),
            |i| Target::Choice(IntField::Kind, i),
        );
        let urgencies: Vec<(String, bool)> = Urgency::ALL
            .iter()
            .enumerate()
            .map(|(i, u)| {
                (
                    l.code_name("urgency", u.code()).to_string(),
                    i == self.urgency,
                )
            })
            .collect();
        b.grid(
            l.t("intervention.urgency"),
            self.focus == IntField::Urgency,
            false,
            &urgencies,
            false,
            self.urgency,
            Target::Field(IntField::Urgency),
            |i| Target::Choice(IntField::Urgency, i),
        );
        b.blank();
        b.text(
            l.t("intervention.when"),
            self.focus == IntField::When,
            self.problem.is_some_and(|(f, _)| f == IntField::When),
            &self.when,
            &crate::tui::when::hint(self.when.value(), ui.now, ui.tz, l),
            Target::Field(IntField::When),
        );
        b.text(
            l.t("intervention.place"),
            self.focus == IntField::Place,
            false,
            &self.place,
            "",
            Target::Field(IntField::Place),
        );
        b.text(
            l.t("intervention.details"),
            self.focus == IntField::Details,
            false,
            &self.details,
            "",
            Target::Field(IntField::Details),
        );
        if let Some((f, why)) = self.problem {
            b.problem(l.t(why), Target::Field(f));
        }
        b.blank();
        b.rows.row();
        b.rows
            .push(l.t("intervention.footer"), ui.theme.muted(), None);
        b.rows
    }

    /// The popup's box: as tall as its rows (and the banner).
    pub fn area(&self, ui: &Ui, size: ratatui::layout::Size) -> Rect {
        let probe = super::form_area(size, usize::from(size.height));
        let banner = usize::from(self.urgency() == Urgency::Emergency);
        super::form_area(size, self.rows(ui, probe).rows.len() + banner)
    }

    pub fn render(&self, ui: &Ui, area: Rect, frame: &mut Frame) {
        let title = if self.editing.is_some() {
            ui.lang.t("intervention.title_edit")
        } else {
            ui.lang.t("intervention.title")
        };
        let inner = frame_box(ui, title, area, frame);
        let rows_area = self.rows_area(area);
        if self.urgency() == Urgency::Emergency {
            let banner = Rect { height: 1, ..inner };
            frame.render_widget(
                Paragraph::new(Span::styled(
                    pad(
                        &format!(" {}", ui.lang.t("call.emergency_banner")),
                        banner.width as usize,
                    ),
                    ui.theme.banner(),
                )),
                banner,
            );
        }
        let rows = self.rows(ui, area);
        let scroll = rows.scroll_for(rows_area.height as usize);
        rows.render(rows_area, frame.buffer_mut(), scroll);
        if let Some(p) = rows.cursor_position(rows_area, scroll) {
            frame.set_cursor_position(p);
        }
    }
}

impl InterventionForm {
    /// Where the rows go: below the emergency banner when it shows.
    fn rows_area(&self, area: Rect) -> Rect {
        let mut r = inner_of(area);
        if self.urgency() == Urgency::Emergency {
            r.y += 1;
            r.height = r.height.saturating_sub(1);
        }
        r
    }
}

fn inner_of(area: Rect) -> Rect {
    ratatui::widgets::Block::bordered().inner(area)
}
