//! A coordinator corrects a tenant's name from the card: letters a spreadsheet lost
//! (`Nguy?n`), a spelling. It only reports the name typed; the call screen writes it
//! (see `call::correct_name`) and a refusal comes back here with what was typed.

use ratatui::Frame;
use ratatui::layout::{Rect, Size};

use super::{Reply, form_area, frame_box};
use crate::store::Tenant;
use crate::tui::action::Action;
use crate::tui::app::Ui;
use crate::tui::rows::{FormRows, Rows};
use crate::tui::text_field::TextField;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameField {
    Title,
    LastName,
    FirstName,
}

const FIELDS: [NameField; 3] = [NameField::Title, NameField::LastName, NameField::FirstName];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameForm {
    pub tenant: i64,
    pub title: TextField,
    pub last_name: TextField,
    pub first_name: TextField,
    pub focus: NameField,
    /// Why the last name typed was refused, in the operator's words.
    pub problem: Option<String>,
}

impl NameForm {
    /// The form filled with the name as stored, the last name in focus.
    pub fn new(tenant: &Tenant) -> NameForm {
        NameForm {
            tenant: tenant.id,
            title: TextField::new(&tenant.title),
            last_name: TextField::new(&tenant.last_name),
            first_name: TextField::new(&tenant.first_name),
            focus: NameField::LastName,
            problem: None,
        }
    }

    /// Puts the form back with why its name was refused.
    pub fn refused(&mut self, why: String) {
        self.problem = Some(why);
    }

    fn field_mut(&mut self, field: NameField) -> &mut TextField {
        match field {
            NameField::Title => &mut self.title,
            NameField::LastName => &mut self.last_name,
            NameField::FirstName => &mut self.first_name,
        }
    }

    fn move_focus(&mut self, by: isize) {
        let at = FIELDS.iter().position(|f| *f == self.focus).unwrap_or(0);
        let to = (at as isize + by).clamp(0, FIELDS.len() as isize - 1);
        self.focus = FIELDS[to as usize];
    }

    /// Keys: Tab and the arrows move between the fields, Enter on the last one (or
    /// Ctrl+S anywhere) saves, Esc cancels.
    pub fn apply(&mut self, action: Action) -> Reply<()> {
        match action {
            Action::Back | Action::Interrupt => return Reply::Cancel,
            Action::Save => return Reply::Done(()),
            Action::Confirm if self.focus == NameField::FirstName => return Reply::Done(()),
            Action::Confirm | Action::NextField | Action::Down => self.move_focus(1),
            Action::PrevField | Action::Up => self.move_focus(-1),
            other => {
                let focus = self.focus;
                self.field_mut(focus).edit(other);
            }
        }
        Reply::Keep
    }

    fn rows(&self, ui: &Ui, width: u16) -> Rows<NameField> {
        let l = ui.lang;
        let mut b = FormRows::new(ui.theme, width as usize, 12);
        b.blank();
        for (field, label, value) in [
            (NameField::Title, "name.title_field", &self.title),
            (NameField::LastName, "name.last_name", &self.last_name),
            (NameField::FirstName, "name.first_name", &self.first_name),
        ] {
            let problem = field == NameField::LastName && self.problem.is_some();
            b.text(l.t(label), self.focus == field, problem, value, "", field);
        }
        if let Some(p) = &self.problem {
            b.problem(p, NameField::LastName);
        }
        b.blank();
        b.rows.row();
        b.rows.push(l.t("name.footer"), ui.theme.muted(), None);
        b.rows
    }

    pub fn area(&self, ui: &Ui, size: Size) -> Rect {
        let probe = form_area(size, usize::from(size.height));
        let inner = ratatui::widgets::Block::bordered().inner(probe);
        form_area(size, self.rows(ui, inner.width).rows.len())
    }

    pub fn render(&self, ui: &Ui, size: Size, frame: &mut Frame) {
        let area = self.area(ui, size);
        let inner = frame_box(ui, ui.lang.t("name.title"), area, frame);
        let rows = self.rows(ui, inner.width);
        let scroll = rows.scroll_for(inner.height as usize);
        rows.render(inner, frame.buffer_mut(), scroll);
        if let Some(p) = rows.cursor_position(inner, scroll) {
            frame.set_cursor_position(p);
        }
    }
}
