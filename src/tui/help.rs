//! The help overlay (`?` or F1): every key of the screen below, from the same table
//! as the status bar.

use ratatui::Frame;
use ratatui::layout::{Rect, Size};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::app::Ui;
use super::keys::{self, Scope};
use super::popup::{centered, frame_box};
use super::rows::{pad, width, wrap};

/// Taller than the screen, it scrolls by `scroll` lines (↑↓) and says that more follows.
pub fn render(
    scope: Scope,
    coordinator: bool,
    scroll: u16,
    ui: &Ui,
    size: Size,
    frame: &mut Frame,
) {
    let l = ui.lang;
    let th = ui.theme;
    let bindings: Vec<_> = keys::bindings(scope)
        .filter(|b| coordinator || !b.coordinators)
        .collect();
    let key_w = bindings
        .iter()
        .map(|b| keys::keys_label(b, l, false).chars().count())
        .max()
        .unwrap_or(8)
        .min(22)
        + 2;
    // Every line as wrapped in the box: the box is that tall when the screen allows,
    // and scrolls otherwise, so that no sentence is lost.
    let text_w = usize::from(size.width.min(72).saturating_sub(2)).max(10);
    let wrapped = |key: &'static str| wrap(l.t(key), text_w, "", "").len();
    let binding_lines: usize = bindings
        .iter()
        .map(|b| (key_w + width(l.t(b.label))).div_ceil(text_w))
        .sum();
    let total = wrapped(scope.help_intro()) + 1 + binding_lines + 1 + wrapped("help.never_lost");
    let total = u16::try_from(total).unwrap_or(u16::MAX);
    let height = (total + 2).min(size.height.saturating_sub(2));
    let area = centered(size, 72, height);
    let inner = frame_box(ui, l.t("help.title"), area, frame);
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
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    let scroll = scroll.min(total.saturating_sub(inner.height));
    frame.render_widget(paragraph.scroll((scroll, 0)), inner);
    if total > scroll + inner.height {
        let more = format!(" {} ", l.t("call.more_below"));
        let w = more.chars().count() as u16;
        frame.render_widget(
            Paragraph::new(Span::styled(more, th.bold())),
            Rect::new(area.right().saturating_sub(w + 2), area.bottom() - 1, w, 1),
        );
    }
    frame.set_cursor_position((inner.x, inner.y));
}
