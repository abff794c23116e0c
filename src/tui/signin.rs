//! Sign-in: who is calling. The list of operators is filtered as the operator types
//! (accents and case do not matter); the last operator on this machine is offered first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::action::Action;
use super::app::Ui;
use super::effect::{Ctx, Effect};
use super::rows::{clip, pad};
use super::text_field::TextField;
use super::widgets::list::ListView;
use crate::domain::parse::fold;
use crate::store::Operator;

#[derive(Debug, Clone, Default)]
pub struct SignInState {
    pub operators: Vec<Operator>,
    pub filter: TextField,
    /// Index in `matching()`.
    pub selected: usize,
    /// Login of the operator who signed in last on this machine.
    pub remembered: Option<String>,
}

impl SignInState {
    pub fn new(operators: Vec<Operator>, remembered: Option<&str>) -> SignInState {
        let remembered = remembered
            .and_then(|r| operators.iter().find(|o| o.login.eq_ignore_ascii_case(r)))
            .map(|o| o.login.clone());
        let mut s = SignInState {
            operators,
            filter: TextField::default(),
            selected: 0,
            remembered,
        };
        s.selected = s.remembered_index().unwrap_or(0);
        s
    }

    fn remembered_index(&self) -> Option<usize> {
        let login = self.remembered.as_deref()?;
        self.matching().iter().position(|o| o.login == login)
    }

    /// The operators whose name, login or organisation contain what was typed.
    pub fn matching(&self) -> Vec<&Operator> {
        let q = fold(self.filter.value());
        self.operators
            .iter()
            .filter(|o| {
                q.is_empty()
                    || fold(&o.name).contains(&q)
                    || fold(&o.login).contains(&q)
                    || fold(&o.organisation).contains(&q)
            })
            .collect()
    }

    pub fn selected_operator(&self) -> Option<&Operator> {
        self.matching().get(self.selected).copied()
    }

    fn move_by(&mut self, delta: isize) {
        let n = self.matching().len();
        if n == 0 {
            self.selected = 0;
            return;
        }
        self.selected = (self.selected as isize + delta).clamp(0, n as isize - 1) as usize;
    }
}

impl SignInState {
    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Effect {
        let list = areas(super::view::body(ctx.size)).list;
        let page = list.height.max(1) as isize;
        match action {
            a if a.edits_text() => {
                // A new filter shows its list from the top.
                let changed = self.filter.edit(action) == Some(true);
                if changed {
                    self.selected = 0;
                }
            }
            Action::Up | Action::ScrollUp | Action::PrevField => self.move_by(-1),
            Action::Down | Action::ScrollDown | Action::NextField => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Back | Action::Interrupt => return Effect::Quit,
            Action::Click { x, y } => {
                let view = ListView::new(list, self.matching().len(), self.selected, 1);
                if let Some(row) = view.hit(x, y) {
                    self.selected = row;
                }
            }
            Action::Confirm => {
                if let Some(op) = self.selected_operator() {
                    return Effect::SignIn(Box::new(op.clone()));
                }
            }
            _ => {}
        }
        Effect::None
    }
}

/// The parts of the sign-in box.
struct Areas {
    outer: Rect,
    intro: Rect,
    filter: Rect,
    list: Rect,
    foot: Rect,
}

fn areas(body: Rect) -> Areas {
    let width = body.width.min(72);
    let outer = Rect {
        x: body.x + (body.width - width) / 2,
        width,
        ..body
    };
    let [intro, filter, _, list, _, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(2),
    ])
    .areas(Block::bordered().inner(outer));
    Areas {
        outer,
        intro,
        filter,
        list,
        foot,
    }
}

pub fn render(state: &SignInState, ui: &Ui, body: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let t = ui.theme;
    let Areas {
        outer,
        intro,
        filter,
        list,
        foot,
    } = areas(body);
    let block = Block::bordered().title(Span::styled(
        format!(" {} ", l.t("signin.title")),
        t.title(),
    ));
    frame.render_widget(block, outer);
    frame.render_widget(Paragraph::new(l.t("signin.intro")), intro);

    let prompt = "> ";
    let (shown, col) = state
        .filter
        .visible((filter.width as usize).saturating_sub(prompt.len() + 1));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(prompt, t.bold()),
            Span::raw(shown),
        ])),
        filter,
    );
    frame.set_cursor_position(Position::new(
        filter.x + (prompt.len() + col) as u16,
        filter.y,
    ));

    let matching = state.matching();
    if state.operators.is_empty() {
        frame.render_widget(
            Paragraph::new(l.t("signin.no_operators")).wrap(Wrap { trim: true }),
            list,
        );
    } else if matching.is_empty() {
        frame.render_widget(Paragraph::new(l.t("signin.no_match")), list);
    } else {
        let view = ListView::new(list, matching.len(), state.selected, 1);
        let width = view.width();
        let name_w = width.saturating_sub(4) * 5 / 10;
        let lines: Vec<Line> = matching
            .iter()
            .enumerate()
            .skip(view.first)
            .take(view.room)
            .map(|(i, o)| {
                let selected = i == state.selected;
                let marker = if selected { "▶ " } else { "  " };
                let mut detail = o.login.clone();
                if !o.organisation.is_empty() {
                    detail.push_str(" · ");
                    detail.push_str(&o.organisation);
                }
                let text = format!(
                    "{marker}{} {}",
                    pad(&o.name, name_w),
                    clip(&detail, width.saturating_sub(name_w + 3))
                );
                let style = if selected { t.focus() } else { t.normal() };
                Line::from(Span::styled(pad(&text, width), style))
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), view.text);
        view.render_scrollbar(frame);
    }

    let remembered = state
        .remembered
        .as_deref()
        .and_then(|login| state.operators.iter().find(|o| o.login == login))
        .map(|o| l.f("signin.remembered", &[("name", &o.name)]))
        .unwrap_or_default();
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(remembered, t.muted())),
            Line::from(Span::styled(l.t("signin.shift_starts"), t.muted())),
        ]),
        foot,
    );
}
