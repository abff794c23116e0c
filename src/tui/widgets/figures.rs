//! The figure lines of the program report and the shift summary: "label  value", the
//! value below its label when both do not fit, and details indented under it.

use ratatui::text::{Line, Span};

use crate::tui::app::Ui;
use crate::tui::rows::{pad, width, wrap};

pub struct FigureLines {
    ui: Ui,
    cols: usize,
    label_w: usize,
    /// The indent of a detail's first line.
    bullet: &'static str,
    pub lines: Vec<Line<'static>>,
}

impl FigureLines {
    /// Lines `cols` wide whose labels (translation keys in `labels`) take at most
    /// `max_label` columns; details start with `bullet`.
    pub fn new(
        ui: &Ui,
        labels: &[&'static str],
        cols: usize,
        max_label: usize,
        bullet: &'static str,
    ) -> FigureLines {
        let longest = labels.iter().map(|k| width(ui.lang.t(k))).max();
        FigureLines {
            ui: *ui,
            cols,
            label_w: (longest.unwrap_or(0) + 1).min(max_label),
            bullet,
            lines: Vec::new(),
        }
    }

    /// The value beside its label, or below it when both do not fit on one line.
    pub fn figure(&mut self, key: &'static str, value: String) {
        let (l, th) = (self.ui.lang, self.ui.theme);
        if self.label_w + width(&value) <= self.cols {
            self.lines.push(Line::from(vec![
                Span::styled(pad(l.t(key), self.label_w), th.bold()),
                Span::raw(value),
            ]));
        } else {
            self.lines
                .push(Line::from(Span::styled(l.t(key), th.bold())));
            for line in wrap(&value, self.cols, "  ", "  ") {
                self.lines.push(Line::from(line));
            }
        }
    }

    /// Details of the figure above, indented.
    pub fn detail(&mut self, text: String) {
        for line in wrap(&text, self.cols, self.bullet, "    ") {
            self.lines.push(Line::from(line));
        }
    }
}
