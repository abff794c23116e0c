//! Forms and lists drawn as rows of pieces. Each piece may name what it stands for (a
//! field, an option); the same rows are used to draw and to find what a mouse click hit,
//! so the two never disagree. The rows are a pure function of state.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

#[derive(Debug, Clone)]
pub struct Piece<T> {
    pub text: String,
    pub style: Style,
    pub target: Option<T>,
}

#[derive(Debug, Clone)]
pub struct Rows<T> {
    pub rows: Vec<Vec<Piece<T>>>,
    /// Row and column of the text cursor (the focused field).
    pub cursor: Option<(usize, usize)>,
    /// The first and last rows of the focused field, kept visible when scrolling.
    pub focus: Option<(usize, usize)>,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            rows: Vec::new(),
            cursor: None,
            focus: None,
        }
    }
}

pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

/// `text` cut to `max` columns, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if width(&out) + 2 > max {
            break;
        }
        out.push(c);
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
    out.push('…');
    out
}

/// `text` padded with spaces (or clipped) to exactly `cols` columns.
pub fn pad(text: &str, cols: usize) -> String {
    let t = clip(text, cols);
    let w = width(&t);
    format!("{t}{}", " ".repeat(cols.saturating_sub(w)))
}

impl<T: Copy + PartialEq> Rows<T> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a new row.
    pub fn row(&mut self) {
        self.rows.push(Vec::new());
    }

    /// Adds a piece to the current row.
    pub fn push(&mut self, text: impl Into<String>, style: Style, target: Option<T>) {
        if self.rows.is_empty() {
            self.row();
        }
        if let Some(r) = self.rows.last_mut() {
            r.push(Piece {
                text: text.into(),
                style,
                target,
            });
        }
    }

    /// The column where the next piece of the current row starts.
    pub fn col(&self) -> usize {
        self.rows
            .last()
            .map_or(0, |r| r.iter().map(|p| width(&p.text)).sum())
    }

    pub fn current_row(&self) -> usize {
        self.rows.len().saturating_sub(1)
    }

    /// Marks the current row as part of the focused field.
    pub fn mark_focus(&mut self) {
        let r = self.current_row();
        self.focus = Some(match self.focus {
            Some((a, _)) => (a, r),
            None => (r, r),
        });
    }

    /// The smallest scroll that keeps the focused rows visible in `height` rows.
    pub fn scroll_for(&self, height: usize) -> usize {
        let Some((first, last)) = self.focus else {
            return 0;
        };
        let height = height.max(1);
        let total = self.rows.len();
        let mut scroll = (last + 1).saturating_sub(height);
        if first < scroll {
            scroll = first;
        }
        scroll.min(total.saturating_sub(1))
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer, scroll: usize) {
        let lines: Vec<Line> = self
            .rows
            .iter()
            .skip(scroll)
            .take(area.height as usize)
            .map(|r| {
                Line::from(
                    r.iter()
                        .map(|p| Span::styled(p.text.clone(), p.style))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        Paragraph::new(lines).render(area, buf);
    }

    /// Where the terminal cursor goes, if the focused field is on screen.
    pub fn cursor_position(&self, area: Rect, scroll: usize) -> Option<Position> {
        let (row, col) = self.cursor?;
        if row < scroll || row >= scroll + area.height as usize || col >= area.width as usize {
            return None;
        }
        Some(Position::new(
            area.x + col as u16,
            area.y + (row - scroll) as u16,
        ))
    }

    /// What a click at (x, y) hit.
    pub fn hit(&self, area: Rect, scroll: usize, x: u16, y: u16) -> Option<T> {
        if !area.contains(Position::new(x, y)) {
            return None;
        }
        let row = self.rows.get(scroll + (y - area.y) as usize)?;
        let mut col = area.x as usize;
        let mut last_target = None;
        for p in row {
            let w = width(&p.text);
            if (x as usize) < col + w {
                return p.target.or(last_target);
            }
            if p.target.is_some() {
                last_target = p.target;
            }
            col += w;
        }
        None
    }
}

/// Builds a form as rows: a label column, then choices, text boxes, buttons. `T` names
/// what each piece stands for (a field, or one option of a field).
pub struct FormRows<T> {
    pub rows: Rows<T>,
    pub theme: super::theme::Theme,
    pub width: usize,
    pub label_w: usize,
}

impl<T: Copy + PartialEq> FormRows<T> {
    pub fn new(theme: super::theme::Theme, width: usize, label_w: usize) -> Self {
        FormRows {
            rows: Rows::new(),
            theme,
            width,
            label_w,
        }
    }

    /// The label of a field: "▶" marks the focus, "!" a problem (not colour alone).
    pub fn label(&mut self, text: &str, focused: bool, problem: bool, target: Option<T>) {
        let th = self.theme;
        let marker = if focused {
            "▶"
        } else if problem {
            "!"
        } else {
            " "
        };
        let style = if problem {
            th.error()
        } else if focused {
            th.bold()
        } else {
            th.muted()
        };
        self.rows
            .push(pad(&format!("{marker}{text}"), self.label_w), style, target);
    }

    fn blank_label(&mut self, target: Option<T>) {
        self.rows
            .push(" ".repeat(self.label_w), self.theme.normal(), target);
    }

    /// Options in as many columns as fit, numbered from 1 (the digit picks them).
    #[allow(clippy::too_many_arguments)]
    pub fn grid(
        &mut self,
        label: &str,
        focused: bool,
        problem: bool,
        options: &[(String, bool)],
        checkbox: bool,
        cursor: usize,
        field: T,
        choice: impl Fn(usize) -> T,
    ) {
        let th = self.theme;
        let texts: Vec<String> = options
            .iter()
            .enumerate()
            .map(|(i, (name, chosen))| {
                let mark = match (checkbox, chosen) {
                    (true, true) => "[x]",
                    (true, false) => "[ ]",
                    (false, true) => "(•)",
                    (false, false) => "( )",
                };
                format!("{mark} {} {name}", i + 1)
            })
            .collect();
        let col_w = texts.iter().map(|o| width(o)).max().unwrap_or(1) + 2;
        let avail = self.width.saturating_sub(self.label_w).max(col_w);
        // The last column needs no gap after it.
        let per_row = ((avail + 1) / col_w).clamp(1, texts.len().max(1));
        for (row_i, chunk) in texts.chunks(per_row).enumerate() {
            self.rows.row();
            if row_i == 0 {
                self.label(label, focused, problem, Some(field));
            } else {
                self.blank_label(Some(field));
            }
            if focused {
                self.rows.mark_focus();
            }
            for (j, text) in chunk.iter().enumerate() {
                let i = row_i * per_row + j;
                let mut style = if options[i].1 { th.bold() } else { th.normal() };
                if focused && i == cursor {
                    style = th.focus();
                    self.rows.cursor = Some((self.rows.current_row(), self.rows.col()));
                }
                self.rows.push(pad(text, col_w - 1), style, Some(choice(i)));
                self.rows.push(" ", th.normal(), None);
            }
        }
    }

    /// A vertical list of options; the selected one is marked with "▶".
    #[allow(clippy::too_many_arguments)]
    pub fn list(
        &mut self,
        label: &str,
        focused: bool,
        problem: bool,
        items: &[String],
        selected: usize,
        field: T,
        choice: impl Fn(usize) -> T,
    ) {
        let th = self.theme;
        let item_w = self.width.saturating_sub(self.label_w);
        for (i, item) in items.iter().enumerate() {
            self.rows.row();
            if i == 0 {
                self.label(label, focused, problem, Some(field));
            } else {
                self.blank_label(Some(field));
            }
            if focused {
                self.rows.mark_focus();
            }
            let chosen = i == selected;
            let marker = if chosen { "▶" } else { " " };
            let style = match (focused, chosen) {
                (true, true) => th.focus(),
                (false, true) => th.bold(),
                _ => th.normal(),
            };
            if chosen && focused {
                self.rows.cursor = Some((self.rows.current_row(), self.rows.col()));
            }
            self.rows.push(
                pad(&format!("{marker} {} {item}", i + 1), item_w),
                style,
                Some(choice(i)),
            );
        }
    }

    /// A one-line text box, with an optional hint after it.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        label: &str,
        focused: bool,
        problem: bool,
        value: &super::text_field::TextField,
        hint: &str,
        field: T,
    ) {
        let th = self.theme;
        self.rows.row();
        self.label(label, focused, problem, Some(field));
        if focused {
            self.rows.mark_focus();
        }
        let hint_w = if hint.is_empty() { 0 } else { width(hint) + 1 };
        let box_w = self.width.saturating_sub(self.label_w + 2 + hint_w).max(4);
        // Unfocused, a long value shows its beginning; focused, the part at the cursor.
        let (shown, col) = if focused {
            value.visible(box_w)
        } else {
            (clip(value.value(), box_w), 0)
        };
        self.rows.push("[", th.muted(), Some(field));
        if focused {
            self.rows.cursor = Some((self.rows.current_row(), self.rows.col() + col));
        }
        let style = if focused { th.focus() } else { th.normal() };
        self.rows.push(pad(&shown, box_w), style, Some(field));
        self.rows.push("]", th.muted(), Some(field));
        if !hint.is_empty() {
            self.rows.push(format!(" {hint}"), th.muted(), Some(field));
        }
    }

    pub fn checkbox(&mut self, text: &str, focused: bool, checked: bool, field: T) {
        let th = self.theme;
        self.rows.row();
        self.blank_label(Some(field));
        if focused {
            self.rows.mark_focus();
            self.rows.cursor = Some((self.rows.current_row(), self.rows.col()));
        }
        let mark = if checked { "[x]" } else { "[ ]" };
        let style = if focused { th.focus() } else { th.normal() };
        self.rows.push(format!("{mark} {text}"), style, Some(field));
    }

    /// A line standing for one item (a referral, an intervention) of a field.
    pub fn item(&mut self, label: &str, text: &str, focused: bool, field: T) {
        let th = self.theme;
        self.labelled_row(label, focused);
        let style = if focused { th.focus() } else { th.normal() };
        self.rows.push(
            clip(text, self.width.saturating_sub(self.label_w)),
            style,
            Some(field),
        );
    }

    pub fn button(&mut self, label: &str, text: &str, focused: bool, field: T) {
        let th = self.theme;
        self.labelled_row(label, focused);
        let style = if focused { th.focus() } else { th.bold() };
        self.rows.push(format!("[ {text} ]"), style, Some(field));
    }

    /// A new row with `label` in the label column; the cursor goes after it when focused.
    fn labelled_row(&mut self, label: &str, focused: bool) {
        self.rows.row();
        self.rows.push(
            pad(&format!(" {label}"), self.label_w),
            self.theme.muted(),
            None,
        );
        if focused {
            self.rows.mark_focus();
            self.rows.cursor = Some((self.rows.current_row(), self.rows.col()));
        }
    }

    /// A problem found by validation, under its field: whole, on as many lines as it
    /// takes (its example is what the operator needs).
    pub fn problem(&mut self, text: &str, field: T) {
        let th = self.theme;
        let cols = self.width.saturating_sub(self.label_w).max(10);
        for line in wrap(text, cols, "! ", "  ") {
            self.rows.row();
            self.blank_label(None);
            self.rows.push(line, th.error(), Some(field));
        }
    }

    pub fn blank(&mut self) {
        self.rows.row();
    }
}

/// Whether a list line's texts hold what was typed after `/`: without case or accents,
/// every typed word somewhere in them.
pub fn filter_matches(typed: &str, texts: &[&str]) -> bool {
    use crate::domain::parse::fold_keep_spaces;
    let haystack = fold_keep_spaces(&texts.join(" "));
    fold_keep_spaces(typed)
        .split_whitespace()
        .all(|word| haystack.contains(word))
}

/// Word-wraps `text` to `cols` columns: the first line starts with `first`, the
/// others with `rest` (a hanging indent). Words longer than a line are cut. French
/// punctuation stays with its word (no line starting with "?" or "»").
pub fn wrap(text: &str, cols: usize, first: &str, rest: &str) -> Vec<String> {
    const NBSP: &str = "\u{a0}";
    let text = text
        .replace(" ?", &format!("{NBSP}?"))
        .replace(" !", &format!("{NBSP}!"))
        .replace(" :", &format!("{NBSP}:"))
        .replace(" ;", &format!("{NBSP};"))
        .replace(" »", &format!("{NBSP}»"))
        .replace("« ", &format!("«{NBSP}"));
    let cols = cols.max(width(rest) + 1).max(width(first) + 1);
    let mut out = Vec::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split([' ', '\t', '\n']).filter(|w| !w.is_empty()) {
        let gap = usize::from(!empty);
        if !empty && width(&line) + gap + width(word) > cols {
            out.push(std::mem::replace(&mut line, rest.to_string()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        for c in word.chars() {
            if width(&line) + 1 > cols {
                out.push(std::mem::replace(&mut line, rest.to_string()));
            }
            line.push(c);
        }
        empty = false;
    }
    out.push(line);
    // The no-break spaces only kept words together; on screen they are spaces.
    out.into_iter().map(|l| l.replace(NBSP, " ")).collect()
}

/// The row a list key moves to, from `selected` in a list of `len` rows; `None` when
/// `action` does not move in lists.
pub fn moved_to(action: super::Action, selected: usize, len: usize) -> Option<usize> {
    use super::Action as A;
    let to = match action {
        A::Up | A::ScrollUp => selected.saturating_sub(1),
        A::Down | A::ScrollDown => selected + 1,
        A::PageUp => selected.saturating_sub(10),
        A::PageDown => selected + 10,
        A::Home => 0,
        A::End => usize::MAX,
        _ => return None,
    };
    Some(to.min(len.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_with_a_hanging_indent() {
        assert_eq!(
            wrap("Comment allez-vous en ce moment ?", 16, "- ", "  "),
            vec!["- Comment", "  allez-vous en", "  ce moment ?"]
        );
        assert_eq!(wrap("", 10, " ", " "), vec![" "]);
        assert_eq!(wrap("abcdefghij", 5, "", ""), vec!["abcde", "fghij"]);
        assert_eq!(
            wrap("notez « mauvais numéro ».", 12, "", ""),
            vec!["notez", "« mauvais", "numéro »."]
        );
        assert_eq!(
            wrap("Allez-vous bien ?", 15, "", ""),
            vec!["Allez-vous", "bien ?"]
        );
    }

    #[test]
    fn clips_and_pads_by_columns_not_bytes() {
        assert_eq!(clip("Hélène Lefèvre", 8), "Hélène…");
        assert_eq!(pad("Zoé", 5), "Zoé  ");
    }
}
