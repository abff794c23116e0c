//! The coordinator's program report: the figures of `veille report` for one week
//! (this week first, ← → to move), beside two charts where people would rather look
//! than read: referrals by category, and tenants reached per day over the last weeks.
//! Operators cannot open it.

use chrono::{DateTime, Days, NaiveDate, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect, Size};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Block, Paragraph, Sparkline};
use std::fmt::Write as _;

use super::action::Action;
use super::app::{Screen, Ui};
use super::effect::{Ctx, Effect};
use super::rows::pad;
use super::widgets::figures::FigureLines;
use crate::domain::InterventionStatus;
use crate::domain::period::{Period, week_monday};
use crate::store::{DayCount, ProgramReport, SERIES_DAYS, Store, StoreError};

#[derive(Debug, Clone)]
pub struct ReportState {
    /// The Monday of the week shown.
    pub monday: NaiveDate,
    /// The cohort the figures are restricted to; `None` for all of them.
    pub cohort: Option<i64>,
    pub report: ProgramReport,
    /// Tenants reached per day over the `SERIES_DAYS` days up to the week's last day.
    pub days: Vec<DayCount>,
    pub scroll: u16,
}

impl ReportState {
    /// The week of `monday`, up to today at most, for `cohort` or all of them.
    pub fn load(
        store: &Store,
        monday: NaiveDate,
        cohort: Option<i64>,
        now: DateTime<Utc>,
        tz: chrono_tz::Tz,
    ) -> Result<ReportState, StoreError> {
        let today = now.with_timezone(&tz).date_naive();
        let until = (monday + Days::new(6)).min(today).max(monday);
        let period = Period {
            since: monday,
            until,
        };
        let report = store.program_report(period, cohort, now, tz)?;
        let series = Period {
            since: until - Days::new(SERIES_DAYS - 1),
            until,
        };
        let days = store.reached_per_day(series, cohort, tz)?;
        Ok(ReportState {
            monday,
            cohort,
            report,
            days,
            scroll: 0,
        })
    }
}

/// Opens the report on this week, for coordinators only.
pub fn open(ctx: &Ctx) -> Effect {
    let Some((_, coordinator)) = ctx.who() else {
        return Effect::None;
    };
    if !coordinator {
        return Effect::Error(ctx.ui.lang.t("report.coordinators_only").to_string());
    }
    let monday = week_monday(ctx.rules.local_date(ctx.ui.now));
    Effect::show(load(ctx, monday, None), |r| Screen::Report(Box::new(r)))
}

fn load(ctx: &Ctx, monday: NaiveDate, cohort: Option<i64>) -> Result<ReportState, StoreError> {
    ReportState::load(ctx.store, monday, cohort, ctx.ui.now, ctx.rules.tz)
}

impl ReportState {
    /// Shows another week or cohort; the screen stays as it was if it cannot load.
    fn show(&mut self, ctx: &Ctx, monday: NaiveDate, cohort: Option<i64>) -> Effect {
        Effect::replace(self, load(ctx, monday, cohort))
    }

    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Effect {
        let this_week = week_monday(ctx.rules.local_date(ctx.ui.now));
        let (content, page) = scroll_room(self, &ctx.ui, ctx.size);
        let max = content.saturating_sub(page) as u16;
        match action {
            Action::Up | Action::ScrollUp => self.scroll = self.scroll.saturating_sub(1),
            Action::Down | Action::ScrollDown => self.scroll = (self.scroll + 1).min(max),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(page as u16),
            Action::PageDown => self.scroll = (self.scroll + page as u16).min(max),
            Action::Home => self.scroll = 0,
            Action::End => self.scroll = max,
            Action::Left => return self.show(ctx, self.monday - Days::new(7), self.cohort),
            Action::Right if self.monday >= this_week => {
                return Effect::Info(ctx.ui.lang.t("report.current_week").to_string());
            }
            Action::Right => return self.show(ctx, self.monday + Days::new(7), self.cohort),
            Action::NextCohort => {
                return match ctx.store.cohorts() {
                    Ok(cohorts) => {
                        let ids: Vec<i64> = cohorts.iter().map(|c| c.id).collect();
                        self.show(ctx, self.monday, next_cohort(&ids, self.cohort))
                    }
                    Err(e) => Effect::Fail(e),
                };
            }
            Action::Refresh => {
                let scroll = self.scroll;
                let effect = self.show(ctx, self.monday, self.cohort);
                self.scroll = scroll;
                return effect;
            }
            Action::Back | Action::Interrupt => return Effect::Queue,
            _ => {}
        }
        Effect::None
    }
}

/// The cohort after `current` in `ids` (priority order): all of them come first, and
/// again after the last.
fn next_cohort(ids: &[i64], current: Option<i64>) -> Option<i64> {
    match current {
        None => ids.first().copied(),
        Some(id) => ids.iter().skip_while(|c| **c != id).nth(1).copied(),
    }
}

/// The figures' names, for the width of their column.
const LABELS: &[&str] = &[
    "report.in_program",
    "report.called",
    "report.reached",
    "report.week",
    "report.oriented",
    "report.referrals",
    "report.interventions",
    "report.emergencies",
    "report.calls",
    "report.operators",
    "report.average",
];

struct Areas {
    title: Rect,
    figures: Rect,
    referrals: Rect,
    reached: Rect,
}

fn areas(body: Rect) -> Areas {
    let [title, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
    let charts_w = if body.width >= 110 {
        body.width / 2
    } else {
        34
    };
    let [figures, charts] =
        Layout::horizontal([Constraint::Min(40), Constraint::Length(charts_w)]).areas(rest);
    let [referrals, reached] =
        Layout::vertical([Constraint::Length(10), Constraint::Min(5)]).areas(charts);
    Areas {
        title,
        figures,
        referrals,
        reached,
    }
}

fn scroll_room(r: &ReportState, ui: &Ui, size: Size) -> (usize, usize) {
    let inner = Block::bordered().inner(areas(super::view::body(size)).figures);
    (
        figure_lines(r, ui, inner.width as usize).len(),
        inner.height as usize,
    )
}

fn minutes_seconds(ui: &Ui, s: Option<i64>) -> String {
    match s {
        Some(s) => ui.lang.f(
            "report.min_sec",
            &[
                ("m", &(s / 60).to_string()),
                ("s", &format!("{:02}", s % 60)),
            ],
        ),
        None => ui.lang.t("report.no_calls").to_string(),
    }
}

/// Emergencies of the period, by whether help was called, and those still waiting.
fn emergency_lines(
    out: &mut FigureLines,
    e: &crate::store::EmergencyFigures,
    l: crate::i18n::Lang,
) {
    out.figure("report.emergencies", e.total.to_string());
    if e.total > 0 {
        let mut parts: Vec<String> = e
            .by_services
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{} {n}", l.code_name("services_called", s.code())))
            .collect();
        parts.push(l.f(
            "report.emergencies_waiting",
            &[("n", &e.waiting.to_string())],
        ));
        out.detail(parts.join(" · "));
    }
}

/// The figures of `veille report`, as "label  value" lines with indented details.
fn figure_lines(r: &ReportState, ui: &Ui, cols: usize) -> Vec<Line<'static>> {
    let l = ui.lang;
    let th = ui.theme;
    let p = &r.report;
    let mut out = FigureLines::new(ui, LABELS, cols, cols / 2, "  ");
    let people = |n: u64| match n {
        1 => l.t("report.person").to_string(),
        n => l.f("report.people", &[("n", &n.to_string())]),
    };
    out.figure(
        "report.in_program",
        format!("{} / {}", p.tenants_in_program, p.tenants_total),
    );
    out.figure("report.called", people(p.tenants_called_unique));
    out.figure("report.reached", people(p.tenants_reached_unique));
    let w = &p.week;
    let share = (w.tenants_reached_unique * 100 + w.tenants_due_unique / 2)
        .checked_div(w.tenants_due_unique)
        .map(|pc| format!(" ({pc} %)"))
        .unwrap_or_default();
    out.figure(
        "report.week",
        l.f(
            "report.week_value",
            &[
                ("reached", &w.tenants_reached_unique.to_string()),
                ("due", &w.tenants_due_unique.to_string()),
                ("share", &share),
            ],
        ),
    );
    out.figure("report.oriented", people(p.tenants_oriented_unique));
    out.figure("report.referrals", p.referrals_total.to_string());
    for (category, f) in p
        .referrals_by_category
        .iter()
        .filter(|(_, f)| f.referrals > 0)
    {
        out.detail(format!(
            "{} {} ({})",
            l.code_name("need", category.code()),
            f.referrals,
            people(f.tenants_unique)
        ));
    }
    out.figure("report.interventions", p.interventions_total.to_string());
    for (kind, statuses) in &p.interventions_by_kind_and_status {
        let parts: Vec<String> = InterventionStatus::ALL
            .iter()
            .filter_map(|s| statuses.get(s).filter(|n| **n > 0).map(|n| (s, n)))
            .map(|(s, n)| format!("{} {n}", l.code_name("intervention_status", s.code())))
            .collect();
        if !parts.is_empty() {
            out.detail(format!(
                "{} : {}",
                l.code_name("intervention_kind", kind.code()),
                parts.join(" · ")
            ));
        }
    }
    if p.interventions_total > 0 {
        let urgency: Vec<String> = p
            .interventions_by_urgency
            .iter()
            .map(|(u, n)| format!("{} {n}", l.code_name("urgency", u.code())))
            .collect();
        out.detail(urgency.join(" · "));
    }
    emergency_lines(&mut out, &p.emergencies, l);
    out.figure("report.calls", p.calls_total.to_string());
    let outcomes: Vec<String> = p
        .calls_by_outcome
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(o, n)| format!("{} {n}", l.code_name("outcome", o.code())))
        .collect();
    if !outcomes.is_empty() {
        out.detail(outcomes.join(" · "));
    }
    if p.calls_incoming > 0 {
        out.detail(l.f("report.incoming", &[("n", &p.calls_incoming.to_string())]));
    }
    out.figure("report.operators", p.operators_active_unique.to_string());
    out.figure(
        "report.average",
        minutes_seconds(ui, p.average_call_seconds),
    );
    if p.average_reached_call_seconds.is_some() {
        out.detail(l.f(
            "report.average_reached",
            &[("time", &minutes_seconds(ui, p.average_reached_call_seconds))],
        ));
    }
    out.lines.push(Line::from(""));
    out.lines
        .push(Line::from(Span::styled(l.t("report.cohorts"), th.title())));
    for c in &p.cohorts {
        let mut text = l.f(
            "report.cohort_line",
            &[
                ("name", &c.name),
                ("total", &c.tenants_total.to_string()),
                ("in_program", &c.tenants_in_program.to_string()),
                ("objected", &c.tenants_objected.to_string()),
            ],
        );
        if c.tenants_household_unknown > 0 {
            let unknown = c.tenants_household_unknown.to_string();
            text.push_str(&l.f("report.cohort_unknown", &[("n", &unknown)]));
        }
        if !c.active {
            let _ = write!(text, " ({})", l.t("report.cohort_paused"));
        }
        out.detail(text);
    }
    out.lines
}

pub fn render(r: &ReportState, ui: &Ui, body: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let a = areas(body);
    let cohort = match &r.report.cohort {
        Some(name) => l.f("report.one_cohort", &[("name", name)]),
        None => l.t("report.all_cohorts").to_string(),
    };
    let title = l.f(
        "report.title",
        &[
            ("cohort", &cohort),
            ("week", &r.report.week.iso_week),
            ("from", &r.report.since.format("%d/%m").to_string()),
            ("to", &r.report.until.format("%d/%m/%Y").to_string()),
        ],
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            pad(&format!(" {title}"), a.title.width as usize),
            th.bold(),
        )),
        a.title,
    );

    let block = Block::bordered().title(Span::styled(
        format!(" {} ", l.t("report.figures")),
        th.title(),
    ));
    let inner = block.inner(a.figures);
    // The screen reader's cursor rests on the figures.
    frame.set_cursor_position(Position::new(inner.x, inner.y));
    let lines = figure_lines(r, ui, inner.width as usize);
    let max = lines.len().saturating_sub(inner.height as usize) as u16;
    let scroll = r.scroll.min(max);
    let block = if scroll < max {
        block.title_bottom(Span::styled(
            format!(" {} ", l.t("summary.more")),
            th.bold(),
        ))
    } else {
        block
    };
    frame.render_widget(block, a.figures);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);

    // Referrals by category: one bar per category, its name beside it.
    let bars: Vec<Bar> = r
        .report
        .referrals_by_category
        .iter()
        .map(|(c, f)| {
            Bar::with_label(l.code_name("need", c.code()), f.referrals)
                .text_value(f.referrals.to_string())
        })
        .collect();
    let chart = BarChart::horizontal(bars)
        .block(Block::bordered().title(Span::styled(
            format!(" {} ", l.t("report.chart_referrals")),
            th.title(),
        )))
        .bar_width(1)
        .bar_gap(0)
        .value_style(th.bold().patch(th.focus()));
    frame.render_widget(chart, a.referrals);

    // Reached per day: each day stretched over the columns there are.
    let most = r
        .days
        .iter()
        .map(|d| d.tenants_reached_unique)
        .max()
        .unwrap_or(0);
    let block = Block::bordered().title(Span::styled(
        format!(
            " {} ",
            l.f("report.chart_reached", &[("max", &most.to_string())])
        ),
        th.title(),
    ));
    let inner = block.inner(a.reached);
    frame.render_widget(block, a.reached);
    if inner.height >= 2 && !r.days.is_empty() {
        let per_day = (inner.width as usize / r.days.len()).max(1);
        let data: Vec<u64> = r
            .days
            .iter()
            .flat_map(|d| std::iter::repeat_n(d.tenants_reached_unique, per_day))
            .collect();
        let [spark, labels] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        frame.render_widget(Sparkline::default().data(&data).max(most.max(1)), spark);
        let first = r.days.first().map(|d| d.day.format("%d/%m").to_string());
        let last = r.days.last().map(|d| d.day.format("%d/%m").to_string());
        if let (Some(first), Some(last)) = (first, last) {
            let span = (per_day * r.days.len()).min(inner.width as usize);
            let gap = span.saturating_sub(first.len() + last.len());
            frame.render_widget(
                Paragraph::new(format!("{first}{}{last}", " ".repeat(gap))),
                labels,
            );
        }
    }
}
