//! Drawing the call screen: tenant header with the number to dial, the emergency banner
//! when needed, the script, the tenant's card on large terminals, and the form. The form
//! is built as rows (see `rows`) so that clicks find the field that was drawn.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect, Size};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::CallState;
use super::form::Field;
use super::script;
use crate::domain::emergency::ServicesCalled;
use crate::domain::{NeedCategory, Outcome, Wellbeing};
use crate::i18n::Lang;
use crate::store::Service;
use crate::tui::app::{Session, Ui};
use crate::tui::rows::{FormRows, Rows, clip, pad, width, wrap};
use crate::tui::text_field::TextField;
use crate::tui::widgets::tenant_card::{age_text, card_lines, household, phone_text};

/// What a piece of the form stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(Field),
    Choice(Field, usize),
}

/// Width of the label column of the form.
pub const LABEL: usize = 15;

pub struct Areas {
    pub tenant: Rect,
    pub banner: Option<Rect>,
    pub script: Rect,
    pub card: Option<Rect>,
    pub form: Rect,
}

/// Large terminals get the big digits and the side-by-side layout.
fn big(body: Rect) -> bool {
    body.height >= 30 && body.width >= 100
}

pub fn areas(body: Rect, emergency: bool) -> Areas {
    let tenant_h = if big(body) { 5 } else { 2 };
    let banner_h = u16::from(emergency);
    let [tenant, banner, rest] = Layout::vertical([
        Constraint::Length(tenant_h),
        Constraint::Length(banner_h),
        Constraint::Min(1),
    ])
    .areas(body);
    let banner = emergency.then_some(banner);
    if body.width >= 110 {
        let left_w = body.width * 40 / 100;
        let [left, form] =
            Layout::horizontal([Constraint::Length(left_w), Constraint::Min(40)]).areas(rest);
        let script_h = (left.height * 55 / 100).max(6);
        let [script, card] =
            Layout::vertical([Constraint::Length(script_h), Constraint::Min(3)]).areas(left);
        Areas {
            tenant,
            banner,
            script,
            card: Some(card),
            form,
        }
    } else {
        let script_h = if emergency { 5 } else { 6 };
        let [script, form] =
            Layout::vertical([Constraint::Length(script_h), Constraint::Min(4)]).areas(rest);
        Areas {
            tenant,
            banner,
            script,
            card: None,
            form,
        }
    }
}

/// The form's rows area (below its title line).
fn form_inner(form: Rect) -> Rect {
    Block::new().borders(Borders::TOP).inner(form)
}

/// What a click at (x, y) hit on the form.
pub fn hit(
    call: &CallState,
    ui: &Ui,
    services: &[Service],
    size: Size,
    x: u16,
    y: u16,
) -> Option<Target> {
    let body = crate::tui::view::body(size);
    let a = areas(body, call.form.emergency());
    let inner = form_inner(a.form);
    let rows = form_rows(call, ui, services, inner.width);
    let scroll = rows.scroll_for(inner.height as usize);
    rows.hit(inner, scroll, x, y)
}

pub fn render(
    call: &CallState,
    session: Option<&Session>,
    services: &[Service],
    ui: &Ui,
    body: Rect,
    frame: &mut Frame,
) {
    let a = areas(body, call.form.emergency());
    render_tenant(call, ui, a.tenant, frame);
    if let Some(b) = a.banner {
        frame.render_widget(
            Paragraph::new(pad(
                &format!(" {}", ui.lang.t("call.emergency_banner")),
                b.width as usize,
            ))
            .style(ui.theme.banner()),
            b,
        );
    }
    if call.show_history && a.card.is_none() {
        render_history(call, ui, a.script, frame);
    } else {
        render_script(call, session, ui, a.script, a.card.is_none(), frame);
    }
    if let Some(card) = a.card {
        let block = Block::new().borders(Borders::TOP).title(Span::styled(
            format!(" {} ", ui.lang.t("card.title")),
            ui.theme.title(),
        ));
        let inner = block.inner(card);
        frame.render_widget(block, card);
        let mut lines = card_lines(&call.card, ui, false, inner.width);
        lines.extend(crate::tui::referral_check::past_needs_lines(
            call,
            ui,
            inner.width,
        ));
        frame.render_widget(Paragraph::new(lines), inner);
    }
    render_form(call, ui, services, a.form, frame);
}

// `phone_spans` and `phone_text` are the first and second phone lines.
#[allow(clippy::similar_names)]
fn render_tenant(call: &CallState, ui: &Ui, area: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let t = &call.card.tenant;
    let mut facts = Vec::new();
    if let Some(age) = age_text(ui, t.birth_date) {
        facts.push(age);
    }
    facts.push(household(ui, t.lives_alone).to_string());
    if t.attempts_day == Some(ui.today()) && t.attempts_count > 0 {
        facts.push(l.f(
            "call.attempt_number",
            &[("n", &(t.attempts_count + 1).to_string())],
        ));
    }
    let w = area.width as usize;
    let name = format!(" {}", t.full_name());
    let facts = format!(" · {}", facts.join(" · "));
    let mut line1 = vec![
        Span::styled(name.clone(), th.bold()),
        Span::raw(facts.clone()),
    ];
    // What the operator must know before speaking (hard of hearing, ...) comes first.
    if !t.notes.is_empty() {
        let room = w.saturating_sub(width(&name) + width(&facts) + 3);
        line1.push(Span::styled(
            format!(" · {}", clip(&t.notes, room)),
            th.bold(),
        ));
    }
    let mut phone_spans = vec![Span::styled(format!(" {} ", l.t("call.dial")), th.muted())];
    // The caller-ID-hiding prefix is part of what to dial: shown before the number.
    let prefix = crate::tui::dial::prefix(call.dial_prefix.as_deref());
    match &t.phone {
        Some(p) => {
            if let Some(prefix) = &prefix {
                phone_spans.push(Span::styled(format!("{prefix} "), th.phone()));
            }
            phone_spans.push(Span::styled(phone_text(p), th.phone()));
        }
        None => phone_spans.push(Span::styled(l.t("card.no_phone"), th.error())),
    }
    if let Some(alt) = &t.phone_alt {
        phone_spans.push(Span::styled(
            format!("   {} ", l.t("call.other_phone")),
            th.muted(),
        ));
        phone_spans.push(Span::styled(phone_text(alt), th.bold()));
    }
    let mut lines = vec![Line::from(line1), Line::from(phone_spans)];
    if area.height >= 5
        && let Some(p) = &t.phone
    {
        for row in big_digits(&phone_text(p)) {
            lines.push(Line::from(Span::styled(format!("   {row}"), th.phone())));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The number in digits three rows high, for reading at a glance while dialling.
pub fn big_digits(number: &str) -> [String; 3] {
    const GLYPHS: [[&str; 3]; 10] = [
        ["╭─╮", "│ │", "╰─╯"],
        ["  ╷", "  │", "  ╵"],
        ["╶─╮", "╭─╯", "╰─╴"],
        ["╶─╮", " ─┤", "╶─╯"],
        ["╷ ╷", "╰─┤", "  ╵"],
        ["╭─╴", "╰─╮", "╶─╯"],
        ["╭─╴", "├─╮", "╰─╯"],
        ["╶─╮", "  │", "  ╵"],
        ["╭─╮", "├─┤", "╰─╯"],
        ["╭─╮", "╰─┤", "╶─╯"],
    ];
    let mut rows = [String::new(), String::new(), String::new()];
    for c in number.chars() {
        match c.to_digit(10) {
            Some(d) => {
                for (r, row) in rows.iter_mut().enumerate() {
                    row.push_str(GLYPHS[d as usize][r]);
                    row.push(' ');
                }
            }
            None if c == ' ' => {
                for row in &mut rows {
                    row.push_str("  ");
                }
            }
            None => {
                for (r, row) in rows.iter_mut().enumerate() {
                    row.push(if r == 1 { c } else { ' ' });
                    row.push(' ');
                }
            }
        }
    }
    rows
}

fn script_vars(
    call: &CallState,
    session: Option<&Session>,
    ui: &Ui,
) -> Vec<(&'static str, String)> {
    let l = ui.lang;
    let t = &call.card.tenant;
    let (operator, organisation) = match session {
        Some(s) => (
            s.operator.name.clone(),
            if s.operator.organisation.is_empty() {
                l.t("script.organisation_default").to_string()
            } else {
                s.operator.organisation.clone()
            },
        ),
        None => (
            String::new(),
            l.t("script.organisation_default").to_string(),
        ),
    };
    let open: Vec<String> = call
        .card
        .open_referrals
        .iter()
        .map(|(_, fr, en, status, follow)| {
            let name = if l == Lang::En { en } else { fr };
            let mut s = format!(
                "• {name} ({})",
                l.code_name("referral_status", status.code())
            );
            if let Some(d) = follow {
                s.push_str(&l.f(
                    "card.follow_up",
                    &[("date", &d.format("%d/%m").to_string())],
                ));
            }
            s
        })
        .chain(
            call.card
                .open_interventions
                .iter()
                .map(|(_, kind, _, status)| {
                    format!(
                        "• {} ({})",
                        l.code_name("intervention_kind", kind.code()),
                        l.code_name("intervention_status", status.code())
                    )
                }),
        )
        .collect();
    let open = if open.is_empty() {
        l.t("script.no_open_referrals").to_string()
    } else {
        open.join("\n")
    };
    let last_call = match call.card.last_calls.first() {
        Some((at, outcome, who, _)) => l.f(
            "script.last_call",
            &[
                ("date", &ui.date(*at)),
                ("outcome", l.code_name("outcome", outcome.code())),
                ("operator", who),
            ],
        ),
        None => l.t("script.no_last_call").to_string(),
    };
    // What was noted last time (an appointment, a delivery), to ask how it went.
    let last_notes = call
        .card
        .last_calls
        .iter()
        .find(|c| !c.3.trim().is_empty())
        .map_or_else(String::new, |(at, _, _, notes)| {
            l.f(
                "script.last_notes",
                &[("date", &ui.date(*at)), ("notes", notes.trim())],
            )
        });
    let title = if t.title.is_empty() {
        t.first_name.clone()
    } else {
        t.title.clone()
    };
    vec![
        ("operator", operator),
        ("organisation", organisation),
        ("title", title),
        ("first_name", t.first_name.clone()),
        ("last_name", t.last_name.clone()),
        ("name", t.full_name()),
        ("age", age_text(ui, t.birth_date).unwrap_or_default()),
        ("open_referrals", open),
        ("last_call", last_call),
        ("last_notes", last_notes),
    ]
}

/// The script's current step; `without_card` when the card (and its last calls) is not
/// beside it.
fn render_script(
    call: &CallState,
    session: Option<&Session>,
    ui: &Ui,
    area: Rect,
    without_card: bool,
    frame: &mut Frame,
) {
    let l = ui.lang;
    let th = ui.theme;
    let steps = script::steps(l);
    let current = script::current_step(steps, call.focus, call.need_at_cursor());
    let vars = script_vars(call, session, ui);
    let Some(step) = steps.get(current) else {
        return;
    };
    // A placeholder with nothing to say leaves no empty line behind.
    let mut text = script::fill(&step.text, &vars)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    if let Some(past) = crate::tui::referral_check::past_needs_text(call, ui, &step.fields) {
        text.push('\n');
        text.push_str(&past);
    }
    let mut title = l.f(
        "call.script_title",
        &[
            ("n", &(current + 1).to_string()),
            ("total", &steps.len().to_string()),
            ("title", &step.title),
        ],
    );
    // Without the card beside it, the script says where last time's notes are.
    let noted = call
        .card
        .last_calls
        .iter()
        .filter(|c| !c.3.is_empty())
        .count();
    if without_card && noted > 0 {
        title.push_str(&l.f("call.history_hint", &[("n", &noted.to_string())]));
    }
    let block = Block::new()
        .borders(Borders::TOP)
        .title(Span::styled(format!(" {title} "), th.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = inner.width as usize;
    let wrapped = |first: &str, rest: &str| -> Vec<String> {
        text.lines()
            .flat_map(|t| wrap(t, cols, first, rest))
            .collect()
    };
    let mut lines: Vec<Line> = Vec::new();
    let opened = wrapped("    ", "    ");
    if (inner.height as usize) >= steps.len() + opened.len() {
        // Room for the whole outline, the current step opened.
        for (i, s) in steps.iter().enumerate() {
            if i == current {
                lines.push(Line::from(Span::styled(
                    format!("▶ {}. {}", i + 1, s.title),
                    th.bold(),
                )));
                lines.extend(opened.iter().map(|t| Line::from(t.clone())));
            } else {
                lines.push(Line::from(Span::styled(
                    format!("  {}. {}", i + 1, s.title),
                    th.muted(),
                )));
            }
        }
    } else {
        lines.extend(wrapped(" ", " ").into_iter().map(Line::from));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// On a screen too small for the card beside the script: the last calls and their notes
/// in the script's place (F8 switches back).
fn render_history(call: &CallState, ui: &Ui, area: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let block = Block::new().borders(Borders::TOP).title(Span::styled(
        format!(" {} ", l.t("call.history_title")),
        th.title(),
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let cols = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    if call.card.last_calls.is_empty() {
        lines.push(Line::from(l.t("card.none")));
    }
    for (at, outcome, who, notes) in &call.card.last_calls {
        let mut s = format!(
            "{} {} ({who})",
            ui.date(*at),
            l.code_name("outcome", outcome.code())
        );
        if !notes.is_empty() {
            s.push_str(" : ");
            s.push_str(notes);
        }
        lines.extend(wrap(&s, cols, "• ", "  ").into_iter().map(Line::from));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_form(call: &CallState, ui: &Ui, services: &[Service], area: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let title = if call.claim_lost {
        Span::styled(format!(" {} ", l.t("call.form_title_lost")), th.error())
    } else {
        Span::styled(
            format!(
                " {} ",
                if call.form.incoming {
                    l.f(
                        "call.form_title_incoming",
                        &[("time", &ui.time(call.started_at))],
                    )
                } else {
                    l.f("call.form_title", &[("time", &ui.time(call.started_at))])
                }
            ),
            th.title(),
        )
    };
    let block = Block::new().borders(Borders::TOP).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = form_rows(call, ui, services, inner.width);
    let scroll = rows.scroll_for(inner.height as usize);
    rows.render(inner, frame.buffer_mut(), scroll);
    if let Some(p) = rows.cursor_position(inner, scroll) {
        frame.set_cursor_position(p);
    }
    // More of the form above or below: said on the title line, never hidden.
    let below = rows.rows.len() > scroll + inner.height as usize;
    let more = match (scroll > 0, below) {
        (true, true) => Some(l.t("call.more_both")),
        (false, true) => Some(l.t("call.more_below")),
        (true, false) => Some(l.t("call.more_above")),
        (false, false) => None,
    };
    if let Some(more) = more {
        let text = format!(" {more} ");
        let w = width(&text) as u16;
        if area.width > w + 2 {
            frame.render_widget(
                Paragraph::new(Span::styled(text, th.bold())),
                Rect::new(area.right() - w - 1, area.y, w, 1),
            );
        }
    }
}

/// The form as rows of pieces: a row per field of the form's own list (`fields`), in its
/// order, each followed by what the last save found wrong with it.
pub fn form_rows(call: &CallState, ui: &Ui, services: &[Service], width_cols: u16) -> Rows<Target> {
    let mut form = FormView {
        call,
        ui,
        services,
        b: FormRows::new(ui.theme, width_cols as usize, LABEL),
    };
    for field in call.form.fields() {
        form.field(field);
        for why in call.problems.iter().filter(|(f, _)| *f == field) {
            form.b.problem(ui.lang.t(why.1), Target::Field(field));
        }
    }
    form.b.rows
}

/// What the form's rows are made from.
struct FormView<'a> {
    call: &'a CallState,
    ui: &'a Ui,
    services: &'a [Service],
    b: FormRows<Target>,
}

impl FormView<'_> {
    fn field(&mut self, field: Field) {
        let l = self.ui.lang;
        let call = self.call;
        let f = &call.form;
        match field {
            Field::Outcome => self.choices(
                field,
                "form.outcome",
                Outcome::ALL.iter().map(|o| {
                    (
                        l.code_name("outcome", o.code()).to_string(),
                        f.outcome == Some(*o),
                    )
                }),
                call.outcome_cursor,
            ),
            Field::CallbackAt => self.text(
                field,
                l.t("form.callback_at"),
                &f.callback_at,
                &crate::tui::when::hint(f.callback_at.value(), self.ui.now, self.ui.tz, l),
            ),
            Field::CallbackOnlyMe => self.b.checkbox(
                l.t("form.callback_only_me"),
                call.focus == field,
                f.callback_only_me,
                Target::Field(field),
            ),
            Field::HospitalisedUntil => self.text(
                field,
                l.t("form.hospitalised_until"),
                &f.hospitalised_until,
                l.t("form.hint_date"),
            ),
            Field::Wellbeing => self.choices(
                field,
                "form.wellbeing",
                Wellbeing::ALL.iter().map(|w| {
                    (
                        l.code_name("wellbeing", w.code()).to_string(),
                        f.wellbeing == Some(*w),
                    )
                }),
                call.wellbeing_cursor,
            ),
            Field::EmergencyServices => self.choices(
                field,
                "form.emergency_services",
                ServicesCalled::ALL.iter().map(|s| {
                    (
                        l.code_name("services_called", s.code()).to_string(),
                        f.emergency_services == Some(*s),
                    )
                }),
                call.services_cursor,
            ),
            Field::EmergencyDecision => self.text(
                field,
                l.t("form.emergency_decision"),
                &f.emergency_decision,
                l.t("form.hint_decision"),
            ),
            Field::NoRequestReason => self.text(
                field,
                l.t("form.no_request_reason"),
                &f.no_request_reason,
                l.t("form.hint_no_request"),
            ),
            Field::LivesAlone => self.choices(
                field,
                "form.lives_alone",
                super::HOUSEHOLD.iter().map(|alone| {
                    let key = if *alone {
                        "tenant.lives_alone"
                    } else {
                        "tenant.not_alone"
                    };
                    (l.t(key).to_string(), f.lives_alone == Some(*alone))
                }),
                call.household_cursor,
            ),
            Field::Needs => self.needs(),
            Field::NeedDetails(category) => {
                if let Some(need) = f.need(category) {
                    let label = format!(" {}", l.code_name("need", category.code()));
                    self.text(field, &label, &need.details, "");
                }
            }
            Field::Notes => self.text(field, l.t("form.notes"), &f.notes, ""),
            Field::Referral(i) => self.referral(i),
            Field::AddReferral => {
                let label = if f.referrals.is_empty() {
                    l.t("form.referrals")
                } else {
                    ""
                };
                self.button(field, label, l.t("form.add_referral"));
            }
            Field::Intervention(i) => self.intervention(i),
            Field::AddIntervention => {
                let label = if f.interventions.is_empty() {
                    l.t("form.interventions")
                } else {
                    ""
                };
                self.button(field, label, l.t("form.add_intervention"));
            }
            Field::Save => self.button(field, "", l.t("form.save_button")),
        }
    }

    /// The needs, several of which may be checked.
    fn needs(&mut self) {
        let l = self.ui.lang;
        let (call, field) = (self.call, Field::Needs);
        let needs: Vec<(String, bool)> = NeedCategory::ALL
            .iter()
            .map(|c| {
                (
                    l.code_name("need", c.code()).to_string(),
                    call.form.need(*c).is_some_and(|n| n.checked),
                )
            })
            .collect();
        self.b.grid(
            l.t("form.needs"),
            call.focus == field,
            self.has_problem(field),
            &needs,
            true,
            call.need_cursor,
            Target::Field(field),
            |i| Target::Choice(field, i),
        );
    }

    /// A referral made during the call: the service, its follow-up date and note.
    fn referral(&mut self, i: usize) {
        let l = self.ui.lang;
        let Some(rf) = self.call.form.referrals.get(i) else {
            return;
        };
        let mut text = format!("• {}", service_name(self.services, rf.service_id, l));
        if let Some(d) = rf.follow_up_on {
            text.push_str(&l.f(
                "card.follow_up",
                &[("date", &d.format("%d/%m").to_string())],
            ));
        }
        if !rf.note.is_empty() {
            text.push_str(" · ");
            text.push_str(&rf.note);
        }
        let label = if i == 0 { l.t("form.referrals") } else { "" };
        let field = Field::Referral(i);
        self.b
            .item(label, &text, self.call.focus == field, Target::Field(field));
    }

    /// An intervention request made during the call: what, how urgent, when, details.
    fn intervention(&mut self, i: usize) {
        let l = self.ui.lang;
        let Some(it) = self.call.form.interventions.get(i) else {
            return;
        };
        let mut text = format!(
            "• {} · {}",
            l.code_name("intervention_kind", it.kind.code()),
            l.code_name("urgency", it.urgency.code())
        );
        if let Some(at) = it.wanted_at {
            text.push_str(" · ");
            text.push_str(&self.ui.day_time(at));
        }
        if !it.details.is_empty() {
            text.push_str(" · ");
            text.push_str(&it.details);
        }
        let label = if i == 0 {
            l.t("form.interventions")
        } else {
            ""
        };
        let field = Field::Intervention(i);
        self.b
            .item(label, &text, self.call.focus == field, Target::Field(field));
    }

    fn has_problem(&self, field: Field) -> bool {
        self.call.problems.iter().any(|(f, _)| *f == field)
    }

    /// One choice among a closed list, as a grid of its names.
    fn choices(
        &mut self,
        field: Field,
        label: &'static str,
        options: impl Iterator<Item = (String, bool)>,
        cursor: usize,
    ) {
        let options: Vec<(String, bool)> = options.collect();
        self.b.grid(
            self.ui.lang.t(label),
            self.call.focus == field,
            self.has_problem(field),
            &options,
            false,
            cursor,
            Target::Field(field),
            |i| Target::Choice(field, i),
        );
    }

    fn text(&mut self, field: Field, label: &str, value: &TextField, hint: &str) {
        self.b.text(
            label,
            self.call.focus == field,
            self.has_problem(field),
            value,
            hint,
            Target::Field(field),
        );
    }

    fn button(&mut self, field: Field, label: &str, text: &str) {
        self.b
            .button(label, text, self.call.focus == field, Target::Field(field));
    }
}

fn service_name(services: &[Service], id: i64, lang: Lang) -> String {
    services
        .iter()
        .find(|s| s.id == id)
        .map_or_else(|| "?".to_string(), |s| s.name(lang.code()).to_string())
}
