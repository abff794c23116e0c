//! Drawing the board: what is happening now and the week's forecast above, the operators
//! and the urgent requests nobody has taken below. A pure function of the board read.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect, Size};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::BoardState;
use crate::domain::shift::Activity;
use crate::store::{Board, EmergencyWaiting, OperatorNow, UnassignedRequest, WeekForecast};
use crate::tui::app::Ui;
use crate::tui::rows::{clip, pad};
use crate::tui::widgets::figures::FigureLines;

struct Areas {
    title: Rect,
    now: Rect,
    week: Rect,
    operators: Rect,
    requests: Rect,
}

/// Lines of the figures box: six figures and a detail.
const TOP_HEIGHT: u16 = 9;

fn areas(body: Rect) -> Areas {
    let [title, top, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(TOP_HEIGHT),
        Constraint::Min(3),
    ])
    .areas(body);
    let [now, week] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let [operators, requests] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    Areas {
        title,
        now,
        week,
        operators,
        requests,
    }
}

/// Operators shown at once on a terminal of `size`.
pub fn operator_rows(size: Size) -> usize {
    let a = areas(crate::tui::view::body(size));
    Block::bordered().inner(a.operators).height as usize
}

/// The figures' names, for the width of their column.
const LABELS: &[&str] = &[
    "board.in_progress",
    "board.due_now",
    "board.due_later",
    "board.callbacks_late",
    "board.referrals_overdue",
    "board.unassigned",
];

pub fn render(s: &BoardState, ui: &Ui, body: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let a = areas(body);
    let title = match &s.board {
        Some(b) => l.f(
            "board.title",
            &[
                (
                    "time",
                    &b.made_at
                        .with_timezone(&ui.tz)
                        .format("%H:%M:%S")
                        .to_string(),
                ),
                ("every", &super::refresh::BOARD_EVERY.as_secs().to_string()),
            ],
        ),
        None => l.t("board.loading").to_string(),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            pad(&format!(" {title}"), a.title.width as usize),
            th.bold(),
        )),
        a.title,
    );
    let titled = |key: &'static str| {
        Block::bordered().title(Span::styled(format!(" {} ", l.t(key)), th.title()))
    };

    let block = titled("board.now");
    let inner = block.inner(a.now);
    frame.render_widget(block, a.now);
    if let Some(b) = &s.board {
        frame.render_widget(
            Paragraph::new(now_lines(b, ui, inner.width as usize)),
            inner,
        );
    }

    let block = titled("board.week");
    let inner = block.inner(a.week);
    frame.render_widget(block, a.week);
    let week = match &s.forecast {
        Some(f) => week_lines(f, ui, inner.width as usize),
        None => vec![Line::from(Span::styled(l.t("board.computing"), th.muted()))],
    };
    frame.render_widget(Paragraph::new(week).wrap(Wrap { trim: true }), inner);

    let operators = s.board.as_ref().map_or(&[][..], |b| b.operators.as_slice());
    let mut block = Block::bordered().title(Span::styled(
        format!(" {} ", operators_title(operators, ui)),
        th.title(),
    ));
    let inner = block.inner(a.operators);
    let shown = inner.height as usize;
    let first = s.scroll.min(operators.len().saturating_sub(shown));
    if first + shown < operators.len() {
        block = block.title_bottom(Span::styled(
            format!(" {} ", l.t("summary.more")),
            th.bold(),
        ));
    }
    frame.render_widget(block, a.operators);
    // The screen reader's cursor rests on the operators.
    frame.set_cursor_position(Position::new(inner.x, inner.y));
    let lines: Vec<Line> = if operators.is_empty() && s.board.is_some() {
        vec![Line::from(Span::styled(l.t("board.nobody"), th.muted()))]
    } else {
        operators
            .iter()
            .skip(first)
            .take(shown)
            .map(|o| operator_line(o, ui, inner.width as usize))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);

    // Emergencies waiting for a coordinator come first, then requests waiting for a team.
    let (emergencies, requests) = s.board.as_ref().map_or((&[][..], &[][..]), |b| {
        (b.emergencies_waiting.as_slice(), b.unassigned.as_slice())
    });
    let block = Block::bordered().title(Span::styled(
        format!(
            " {} ",
            l.f(
                "board.requests",
                &[("n", &(emergencies.len() + requests.len()).to_string())]
            )
        ),
        th.title(),
    ));
    let inner = block.inner(a.requests);
    frame.render_widget(block, a.requests);
    let lines: Vec<Line> = if emergencies.is_empty() && requests.is_empty() && s.board.is_some() {
        vec![Line::from(Span::styled(
            l.t("board.no_requests"),
            th.muted(),
        ))]
    } else {
        let cols = inner.width as usize;
        emergencies
            .iter()
            .map(|e| emergency_line(e, ui, cols))
            .chain(requests.iter().map(|r| request_line(r, ui, cols)))
            .take(inner.height as usize)
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn now_lines(b: &Board, ui: &Ui, cols: usize) -> Vec<Line<'static>> {
    let mut out = FigureLines::new(ui, LABELS, cols, cols * 2 / 3, "  ");
    out.figure("board.in_progress", b.calls_in_progress.to_string());
    out.figure("board.due_now", b.due_now.to_string());
    out.figure("board.due_later", b.due_later_today.to_string());
    out.figure("board.callbacks_late", b.callbacks_late.to_string());
    out.figure("board.referrals_overdue", b.referrals_overdue.to_string());
    out.figure("board.unassigned", b.unassigned.len().to_string());
    if let Some(d) = b.oldest_follow_up {
        out.detail(ui.lang.f(
            "board.oldest_follow_up",
            &[("date", &d.format("%d/%m").to_string())],
        ));
    }
    out.lines
}

/// The pace, each cohort's "reached of due → by Sunday", then the program's verdict.
fn week_lines(f: &WeekForecast, ui: &Ui, cols: usize) -> Vec<Line<'static>> {
    let l = ui.lang;
    let th = ui.theme;
    let Some(per_hour) = f.reached_per_hour else {
        let days = crate::store::PACE_DAYS.to_string();
        return vec![Line::from(Span::styled(
            l.f("board.no_pace", &[("days", &days)]),
            th.muted(),
        ))];
    };
    // "0,4" in French, "0.4" in English.
    let pace = match l {
        crate::i18n::Lang::Fr => format!("{per_hour:.1}").replace('.', ","),
        crate::i18n::Lang::En => format!("{per_hour:.1}"),
    };
    let mut out = vec![Line::from(l.f(
        "board.pace",
        &[("pace", &pace), ("left", &format!("{:.0}", f.hours_left))],
    ))];
    let figures = |c: &crate::domain::forecast::Forecast| {
        l.f(
            "board.cohort_week",
            &[
                ("reached", &c.reached.to_string()),
                ("due", &c.due.to_string()),
                (
                    "sunday",
                    &c.reached_by_sunday.unwrap_or(c.reached).to_string(),
                ),
            ],
        )
    };
    for c in &f.cohorts {
        let program = c.name.is_empty();
        let name = if program {
            l.t("board.program").to_string()
        } else {
            c.name.clone()
        };
        let value = figures(c);
        let name_w = cols.saturating_sub(value.chars().count() + 1);
        let style = if program { th.bold() } else { th.normal() };
        out.push(Line::from(vec![
            Span::styled(pad(&name, name_w), style),
            Span::styled(format!(" {value}"), style),
        ]));
    }
    let program = f.cohorts.last();
    let verdict = match program.and_then(|p| p.hours_missing) {
        Some(m) if m >= 0.5 => Span::styled(
            l.f("board.missing", &[("hours", &format!("{m:.0}"))]),
            th.error().patch(th.bold()),
        ),
        _ => Span::styled(
            l.f(
                "board.spare",
                &[(
                    "hours",
                    &format!("{:.0}", program.and_then(|p| p.hours_spare).unwrap_or(0.0)),
                )],
            ),
            th.success(),
        ),
    };
    out.push(Line::from(verdict));
    out
}

fn operators_title(operators: &[OperatorNow], ui: &Ui) -> String {
    let count = |f: fn(&Activity) -> bool| {
        operators
            .iter()
            .filter(|o| f(&o.activity))
            .count()
            .to_string()
    };
    ui.lang.f(
        "board.operators",
        &[
            ("n", &operators.len().to_string()),
            ("calls", &count(|a| matches!(a, Activity::OnCall { .. }))),
            ("breaks", &count(|a| matches!(a, Activity::OnBreak { .. }))),
        ],
    )
}

/// "12 min" or "1 h 05": how long someone has been in their state.
fn elapsed(ui: &Ui, from: DateTime<Utc>) -> String {
    ui.elapsed(from)
}

/// Name, what they are doing, for how long; and their calls this shift when there is room.
fn operator_line(o: &OperatorNow, ui: &Ui, cols: usize) -> Line<'static> {
    let l = ui.lang;
    let th = ui.theme;
    let (state, style) = match o.activity {
        Activity::OnCall { .. } => (l.t("board.on_call").to_string(), th.bold()),
        Activity::BetweenCalls { .. } => (l.t("board.between_calls").to_string(), th.normal()),
        Activity::OnBreak { reason, .. } => (
            l.f(
                "board.on_break",
                &[("reason", l.code_name("break_reason", reason.code()))],
            ),
            th.muted(),
        ),
    };
    let since = elapsed(ui, o.activity.since());
    let calls = l.f("board.calls", &[("n", &o.calls.to_string())]);
    let state_w = 16;
    let since_w = 8;
    let calls_w = if cols >= 56 { 10 } else { 0 };
    let name_w = cols.saturating_sub(state_w + since_w + calls_w + 1).max(6);
    let mut text = format!(
        " {}{}{}",
        pad(&o.name, name_w),
        pad(&state, state_w),
        pad(&format!("{since:>7}"), since_w)
    );
    if calls_w > 0 {
        text.push_str(&pad(&format!("{calls:>10}"), calls_w));
    }
    Line::from(Span::styled(clip(&text, cols), style))
}

/// An emergency no coordinator has taken: always marked, as the header's alert is.
fn emergency_line(e: &EmergencyWaiting, ui: &Ui, cols: usize) -> Line<'static> {
    let text = ui.lang.f(
        "board.emergency",
        &[
            ("since", &elapsed(ui, e.at)),
            ("tenant", &e.tenant_name),
            ("operator", &e.operator),
        ],
    );
    Line::from(Span::styled(
        clip(&format!("! {text}"), cols),
        ui.theme.error(),
    ))
}

fn request_line(r: &UnassignedRequest, ui: &Ui, cols: usize) -> Line<'static> {
    let l = ui.lang;
    let th = ui.theme;
    // The alert is a mark as well as a colour, for screens without colour.
    let mark = if r.alert { "! " } else { "  " };
    let text = format!(
        "{mark}{} · {} · {} · {}",
        l.code_name("urgency", r.urgency.code()),
        elapsed(ui, r.created_at),
        r.tenant_name,
        l.code_name("intervention_kind", r.kind.code()),
    );
    let style = if r.alert { th.error() } else { th.normal() };
    Line::from(Span::styled(clip(&text, cols), style))
}
