//! The whole screen: header (who, shift counters, clock), the open screen, the message
//! line, the status bar of keys, then popups and help above. A pure function of `App`.

use ratatui::Frame;
use ratatui::layout::{Rect, Size};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, MessageKind, Screen, Ui};
use super::rows::{clip, pad, width};
use super::{
    MIN_HEIGHT, MIN_WIDTH, board, call, dispatch, followup, help, keys, on_break, popup, queue,
    report, signin, summary,
};

/// The part of the screen between the header and the message line.
pub fn body(size: Size) -> Rect {
    Rect::new(0, 1, size.width, size.height.saturating_sub(3))
}

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let ui = app.ui();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(&ui, area, frame);
        return;
    }
    let size = Size::new(area.width, area.height);
    header(app, &ui, Rect::new(0, 0, area.width, 1), frame);
    let body = body(size);
    match &app.screen {
        Screen::SignIn(s) => signin::render(s, &ui, body, frame),
        Screen::Queue(q) => queue::render(
            q,
            app.pending_draft.as_ref().map(|d| d.tenant_name.as_str()),
            &ui,
            body,
            frame,
        ),
        Screen::Call(c) => {
            call::view::render(c, app.session.as_ref(), &app.services, &ui, body, frame);
        }
        Screen::FollowUp(f) => followup::render(f, app, &ui, body, frame),
        Screen::Dispatch(d) => dispatch::render(d, app, &ui, body, frame),
        Screen::Summary(s) => summary::render(s, &ui, body, frame),
        Screen::Report(r) => report::render(r, &ui, body, frame),
        Screen::Board(b) => board::render(b, &ui, body, frame),
        Screen::Break(b) => on_break::render(b, &ui, body, frame),
    }
    message_line(
        app,
        &ui,
        Rect::new(0, area.height - 2, area.width, 1),
        frame,
    );
    status_bar(
        app,
        &ui,
        Rect::new(0, area.height - 1, area.width, 1),
        frame,
    );
    popup::render(app, frame);
    if app.help {
        help::render(
            app.base_scope().0,
            app.is_coordinator(),
            app.help_scroll,
            &ui,
            size,
            frame,
        );
    }
}

fn too_small(ui: &Ui, area: Rect, frame: &mut Frame) {
    let text = ui.lang.f(
        "screen.too_small",
        &[
            ("min", &format!("{MIN_WIDTH}×{MIN_HEIGHT}")),
            ("now", &format!("{}×{}", area.width, area.height)),
        ],
    );
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
}

fn header(app: &App, ui: &Ui, area: Rect, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let clock = format!(" {} ", ui.now.with_timezone(&ui.tz).format("%d/%m %H:%M"));
    let mut left = format!(" {}", l.t("app.name"));
    let mut counters = String::new();
    match &app.session {
        Some(s) => {
            left.push_str(" · ");
            left.push_str(&s.operator.name);
            counters = l.f(
                "header.counters",
                &[
                    ("calls", &s.stats.calls.to_string()),
                    ("reached", &s.stats.reached.to_string()),
                    ("referrals", &s.stats.referrals.to_string()),
                    ("interventions", &s.stats.interventions.to_string()),
                ],
            );
        }
        None => {
            left.push_str(" · ");
            left.push_str(l.t("signin.header"));
        }
    }
    let w = area.width as usize;
    let room = w.saturating_sub(width(&clock));
    let mut text = left;
    if !counters.is_empty() {
        let name = app
            .session
            .as_ref()
            .map_or("", |s| s.operator.name.as_str());
        if width(&text) + 3 + width(&counters) > room {
            text = format!(" {name}");
        }
        let name_room = room.saturating_sub(width(&counters) + 3);
        text = format!("{} │ {counters}", clip(&text, name_room));
    }
    // A waiting emergency takes the coordinator's header until someone takes it.
    let line = if app.emergencies_waiting > 0 {
        let alert = l.f(
            "header.emergencies",
            &[("n", &app.emergencies_waiting.to_string())],
        );
        Line::from(vec![
            Span::styled(pad(&format!(" {alert}"), room), th.banner()),
            Span::styled(clock, th.bar()),
        ])
    } else {
        Line::from(vec![
            Span::styled(pad(&text, room), th.bar().patch(th.bold())),
            Span::styled(clock, th.bar()),
        ])
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn message_line(app: &App, ui: &Ui, area: Rect, frame: &mut Frame) {
    let th = ui.theme;
    let Some(m) = &app.message else {
        return;
    };
    let (mark, style) = match m.kind {
        MessageKind::Info => ("✓", th.success()),
        MessageKind::Error => ("✗", th.error()),
        MessageKind::Waiting => ("…", th.bold()),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            pad(&format!(" {mark} {}", m.text), area.width as usize),
            style,
        )),
        area,
    );
}

fn status_bar(app: &App, ui: &Ui, area: Rect, frame: &mut Frame) {
    let th = ui.theme;
    let (scope, typing) = app.scope();
    let mut spans = Vec::new();
    let mut used = 0;
    // Keys in reverse video, what they do in plain text (as nano does): readable
    // without colour, and compact enough that the save key and help fit at 80 columns.
    for (k, label) in keys::hints(scope, typing, app.is_coordinator(), ui.lang) {
        let piece_w = width(&k) + width(label) + 3;
        if used + piece_w > area.width as usize {
            break;
        }
        spans.push(Span::styled(k, th.bar().patch(th.bold())));
        spans.push(Span::styled(format!(" {label}  "), th.normal()));
        used += piece_w;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
