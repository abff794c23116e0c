//! The help overlay (`?` or F1): every key of the screen below, from the same table
//! as the status bar.

use ratatui::Frame;
use ratatui::layout::Size;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::Ui;
use super::keys::{self, Scope};
use super::popup::{centered, frame_box};
use super::rows::{pad, wrap};

pub fn render(scope: Scope, coordinator: bool, ui: &Ui, size: Size, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let bindings: Vec<_> = keys::bindings(scope)
        .filter(|b| coordinator || !b.coordinators)
        .collect();
    // Room for every line as wrapped in the box, so that no sentence is cut.
    let text_w = usize::from(size.width.min(72).saturating_sub(2)).max(10);
    let wrapped = |key: &'static str| wrap(l.t(key), text_w, "", "").len() as u16;
    let height =
        (bindings.len() as u16 + wrapped(scope.help_intro()) + wrapped("help.never_lost") + 4)
            .min(size.height.saturating_sub(2));
    let area = centered(size, 72, height);
    let inner = frame_box(ui, l.t("help.title"), area, frame);
    let key_w = bindings
        .iter()
        .map(|b| keys::keys_label(b, l, false).chars().count())
        .max()
        .unwrap_or(8)
        .min(22)
        + 2;
    let mut lines = vec![
        Line::from(Span::styled(l.t(scope.help_intro()), th.bold())),
        Line::from(""),
    ];
    for b in &bindings {
        lines.push(Line::from(vec![
            Span::styled(pad(&keys::keys_label(b, l, false), key_w), th.key()),
            Span::raw(l.t(b.label)),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(l.t("help.never_lost"), th.muted())));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    frame.set_cursor_position((inner.x, inner.y));
}
