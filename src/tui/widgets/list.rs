//! A list of items a few lines each (the queue, follow-up, dispatch, sign-in, search
//! results, the handover picker): the selected item is kept in view, and when the items
//! do not all fit a scrollbar on the right edge shows where the view is and that more lies
//! above or below.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState};

/// Where the items of a list go in its area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListView {
    /// The area of the items' text: the list's area, less the scrollbar's column when
    /// there is one.
    pub text: Rect,
    /// The first item shown.
    pub first: usize,
    /// How many items fit.
    pub room: usize,
    len: usize,
    lines: usize,
    /// The scrollbar's column, when the items do not all fit.
    bar: Option<Rect>,
}

impl ListView {
    /// How `len` items, `lines` lines each, with `selected` kept in view, fit in `area`.
    pub fn new(area: Rect, len: usize, selected: usize, lines: usize) -> ListView {
        let lines = lines.max(1);
        let room = (usize::from(area.height) / lines).max(1);
        let first = (selected + 1).saturating_sub(room);
        let (mut text, mut bar) = (area, None);
        if len > room && area.width > 1 {
            text.width -= 1;
            bar = Some(Rect::new(area.right() - 1, area.y, 1, area.height));
        }
        ListView {
            text,
            first,
            room,
            len,
            lines,
            bar,
        }
    }

    /// The items shown, in order.
    pub fn shown(&self) -> std::ops::Range<usize> {
        self.first..(self.first + self.room).min(self.len)
    }

    /// The width of an item's text.
    pub fn width(&self) -> usize {
        usize::from(self.text.width)
    }

    /// Where item `index` starts on screen, if shown.
    pub fn position(&self, index: usize) -> Option<Position> {
        self.shown().contains(&index).then(|| {
            let row = (index - self.first) * self.lines;
            Position::new(self.text.x, self.text.y + row as u16)
        })
    }

    /// The item a click at (x, y) hit.
    pub fn hit(&self, x: u16, y: u16) -> Option<usize> {
        if !self.text.contains(Position::new(x, y)) {
            return None;
        }
        let index = self.first + usize::from(y - self.text.y) / self.lines;
        (index < self.len).then_some(index)
    }

    /// Draws the scrollbar when the items do not all fit.
    pub fn render_scrollbar(&self, frame: &mut Frame) {
        let Some(bar) = self.bar else {
            return;
        };
        let mut state = ScrollbarState::new(self.len.saturating_sub(self.room) + 1)
            .position(self.first)
            .viewport_content_length(self.room);
        let scrollbar = Scrollbar::new(ScrollbarOrientation::VerticalRight)
            .begin_symbol(None)
            .end_symbol(None);
        frame.render_stateful_widget(scrollbar, bar, &mut state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_item_stays_in_view_and_a_bar_shows_when_items_overflow() {
        let area = Rect::new(2, 3, 20, 6);
        // Three items of two lines fit: no bar, the whole width for text.
        let fits = ListView::new(area, 3, 2, 2);
        assert_eq!((fits.first, fits.room, fits.shown()), (0, 3, 0..3));
        assert_eq!(fits.text, area);
        // Ten do not: the selected eighth is the last shown, the bar takes a column.
        let long = ListView::new(area, 10, 7, 2);
        assert_eq!((long.first, long.shown()), (5, 5..8));
        assert_eq!(long.text.width, 19);
        assert_eq!(long.position(7), Some(Position::new(2, 7)));
        assert_eq!(long.position(4), None);
        // A click on the second line of the item shown second is that item.
        assert_eq!(long.hit(4, 6), Some(6));
        assert_eq!(long.hit(21, 6), None, "the bar's column is no item");
        assert_eq!(
            ListView::new(area, 2, 0, 2).hit(4, 8),
            None,
            "below the last item"
        );
    }

    #[test]
    fn the_bar_is_drawn_only_when_items_overflow() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let draw = |len: usize| {
            let mut terminal = Terminal::new(TestBackend::new(10, 4)).unwrap();
            terminal
                .draw(|frame| ListView::new(frame.area(), len, 0, 1).render_scrollbar(frame))
                .unwrap();
            let buffer = terminal.backend().buffer().clone();
            (0..4)
                .map(|y| buffer[(9, y)].symbol().to_string())
                .collect::<String>()
        };
        assert_eq!(draw(4).trim(), "");
        assert_ne!(draw(40).trim(), "");
    }
}
