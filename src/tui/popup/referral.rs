//! Adding a referral during a call: need category → service from the catalogue →
//! note → follow-up date.

use chrono::{Days, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Reply, frame_box};
use crate::domain::NeedCategory;
use crate::store::Service;
use crate::tui::action::Action;
use crate::tui::app::Ui;
use crate::tui::call::CallState;
use crate::tui::call::form::ReferralEntry;
use crate::tui::rows::{FormRows, Rows};
use crate::tui::text_field::TextField;
use crate::tui::when;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefField {
    Category,
    Service,
    Note,
    FollowUp,
}

const FIELDS: [RefField; 4] = [
    RefField::Category,
    RefField::Service,
    RefField::Note,
    RefField::FollowUp,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(RefField),
    Choice(RefField, usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralForm {
    /// The referral of the call being changed, or `None` for a new one.
    pub editing: Option<usize>,
    pub focus: RefField,
    /// Index in `NeedCategory::ALL`.
    pub category: usize,
    /// Index in the services of the category.
    pub service: usize,
    pub note: TextField,
    pub follow_up: TextField,
    pub problem: Option<(RefField, &'static str)>,
}

/// Days until the follow-up proposed by default.
const FOLLOW_UP_DAYS: u64 = 7;

fn services_of(services: &[Service], category: NeedCategory) -> Vec<&Service> {
    services.iter().filter(|s| s.category == category).collect()
}

fn day_text(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

impl ReferralForm {
    /// A new referral (for the first ticked need), or one of the call's to change.
    pub fn new(
        call: &CallState,
        services: &[Service],
        editing: Option<usize>,
        today: NaiveDate,
    ) -> ReferralForm {
        let existing = editing.and_then(|i| call.form.referrals.get(i));
        let category = existing.map_or_else(
            || {
                call.form
                    .needs
                    .iter()
                    .find(|n| n.checked)
                    .map_or(NeedCategory::Health, |n| n.category)
            },
            |r| r.category,
        );
        let category_i = NeedCategory::ALL
            .iter()
            .position(|c| *c == category)
            .unwrap_or(0);
        let service = existing
            .and_then(|r| {
                services_of(services, category)
                    .iter()
                    .position(|s| s.id == r.service_id)
            })
            .unwrap_or(0);
        let follow_up = match existing {
            Some(r) => r.follow_up_on.map(day_text).unwrap_or_default(),
            None => day_text(today + Days::new(FOLLOW_UP_DAYS)),
        };
        ReferralForm {
            editing: existing.and(editing),
            focus: RefField::Category,
            category: category_i,
            service,
            note: TextField::new(existing.map_or("", |r| r.note.as_str())),
            follow_up: TextField::new(&follow_up),
            problem: None,
        }
    }

    pub fn typing(&self) -> bool {
        matches!(self.focus, RefField::Note | RefField::FollowUp)
    }

    fn category(&self) -> NeedCategory {
        NeedCategory::ALL
            .get(self.category)
            .copied()
            .unwrap_or(NeedCategory::Other)
    }

    fn text_mut(&mut self) -> Option<&mut TextField> {
        match self.focus {
            RefField::Note => Some(&mut self.note),
            RefField::FollowUp => Some(&mut self.follow_up),
            _ => None,
        }
    }

    fn move_focus(&mut self, delta: isize) {
        let at = FIELDS.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let n = FIELDS.len() as isize;
        self.focus = FIELDS[((at + delta) % n + n) as usize % FIELDS.len()];
    }

    fn set_category(&mut self, i: usize) {
        if i < NeedCategory::ALL.len() && i != self.category {
            self.category = i;
            self.service = 0;
        }
    }

    pub fn apply(
        &mut self,
        action: Action,
        services: &[Service],
        today: NaiveDate,
        area: Rect,
        ui: Ui,
    ) -> Reply<ReferralEntry> {
        let n_services = services_of(services, self.category()).len();
        match action {
            Action::Back | Action::Interrupt => return Reply::Cancel,
            Action::Confirm => return self.finish(services, today),
            Action::NextField => self.move_focus(1),
            Action::PrevField => self.move_focus(-1),
            Action::Up | Action::ScrollUp => match self.focus {
                RefField::Service if self.service > 0 => self.service -= 1,
                _ => self.move_focus(-1),
            },
            Action::Down | Action::ScrollDown => match self.focus {
                RefField::Service if self.service + 1 < n_services => self.service += 1,
                _ => self.move_focus(1),
            },
            Action::Left | Action::Right => {
                let right = action == Action::Right;
                match self.focus {
                    RefField::Category => {
                        let i = if right {
                            self.category + 1
                        } else {
                            self.category.saturating_sub(1)
                        };
                        self.set_category(i);
                    }
                    RefField::Service => {}
                    _ => {
                        if let Some(t) = self.text_mut() {
                            if right { t.right() } else { t.left() }
                        }
                    }
                }
            }
            Action::Pick(n) => {
                let i = usize::from(n.saturating_sub(1));
                match self.focus {
                    RefField::Category => self.set_category(i),
                    RefField::Service if i < n_services => self.service = i,
                    _ => {}
                }
            }
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
                let rows = self.rows(services, &ui, area);
                let inner = inner_of(area);
                match rows.hit(inner, rows.scroll_for(inner.height as usize), x, y) {
                    Some(Target::Field(f)) => self.focus = f,
                    Some(Target::Choice(f, i)) => {
                        self.focus = f;
                        match f {
                            RefField::Category => self.set_category(i),
                            RefField::Service => self.service = i,
                            _ => {}
                        }
                    }
                    None => {}
                }
            }
            _ => {}
        }
        Reply::Keep
    }

    fn finish(&mut self, services: &[Service], today: NaiveDate) -> Reply<ReferralEntry> {
        let list = services_of(services, self.category());
        let Some(service) = list.get(self.service) else {
            self.problem = Some((RefField::Service, "referral.no_service"));
            self.focus = RefField::Service;
            return Reply::Keep;
        };
        let follow_up_on = if self.follow_up.is_blank() {
            None
        } else {
            match when::day(self.follow_up.value(), today) {
                Ok(d) if d >= today => Some(d),
                Ok(_) => {
                    self.problem = Some((RefField::FollowUp, "referral.follow_up_past"));
                    self.focus = RefField::FollowUp;
                    return Reply::Keep;
                }
                Err(_) => {
                    self.problem = Some((RefField::FollowUp, "errors.date_invalid"));
                    self.focus = RefField::FollowUp;
                    return Reply::Keep;
                }
            }
        };
        Reply::Done(ReferralEntry {
            service_id: service.id,
            category: self.category(),
            note: self.note.value().trim().to_string(),
            follow_up_on,
        })
    }

    fn rows(&self, services: &[Service], ui: &Ui, area: Rect) -> Rows<Target> {
        let l = ui.lang;
        let inner = inner_of(area);
        let mut b = FormRows::new(ui.theme, inner.width as usize, 12);
        let problem = |f: RefField| self.problem.is_some_and(|(p, _)| p == f);
        let cats: Vec<(String, bool)> = NeedCategory::ALL
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    l.code_name("need", c.code()).to_string(),
                    i == self.category,
                )
            })
            .collect();
        b.grid(
            l.t("referral.category"),
            self.focus == RefField::Category,
            false,
            &cats,
            false,
            self.category,
            Target::Field(RefField::Category),
            |i| Target::Choice(RefField::Category, i),
        );
        b.blank();
        let names: Vec<String> = services_of(services, self.category())
            .iter()
            .map(|s| s.name(l.code()).to_string())
            .collect();
        if names.is_empty() {
            b.rows.row();
            b.label(
                l.t("referral.service"),
                self.focus == RefField::Service,
                true,
                Some(Target::Field(RefField::Service)),
            );
            b.rows
                .push(l.t("referral.no_service"), ui.theme.error(), None);
            if self.focus == RefField::Service {
                b.rows.mark_focus();
            }
        } else {
            b.list(
                l.t("referral.service"),
                self.focus == RefField::Service,
                problem(RefField::Service),
                &names,
                self.service,
                Target::Field(RefField::Service),
                |i| Target::Choice(RefField::Service, i),
            );
        }
        b.blank();
        b.text(
            l.t("referral.note"),
            self.focus == RefField::Note,
            false,
            &self.note,
            "",
            Target::Field(RefField::Note),
        );
        b.text(
            l.t("referral.follow_up"),
            self.focus == RefField::FollowUp,
            problem(RefField::FollowUp),
            &self.follow_up,
            l.t("form.hint_date"),
            Target::Field(RefField::FollowUp),
        );
        if let Some((f, why)) = self.problem {
            b.problem(l.t(why), Target::Field(f));
        }
        b.blank();
        b.rows.row();
        b.rows.push(l.t("referral.footer"), ui.theme.muted(), None);
        b.rows
    }

    /// The popup's box: as tall as its rows.
    pub fn area(&self, services: &[Service], ui: &Ui, size: ratatui::layout::Size) -> Rect {
        let probe = super::form_area(size, usize::from(size.height));
        super::form_area(size, self.rows(services, ui, probe).rows.len())
    }

    pub fn render(&self, services: &[Service], ui: &Ui, area: Rect, frame: &mut Frame) {
        let title = if self.editing.is_some() {
            ui.lang.t("referral.title_edit")
        } else {
            ui.lang.t("referral.title")
        };
        let inner = frame_box(ui, title, area, frame);
        let rows = self.rows(services, ui, area);
        let scroll = rows.scroll_for(inner.height as usize);
        rows.render(inner, frame.buffer_mut(), scroll);
        if let Some(p) = rows.cursor_position(inner, scroll) {
            frame.set_cursor_position(p);
        }
    }
}

fn inner_of(area: Rect) -> Rect {
    ratatui::widgets::Block::bordered().inner(area)
}
