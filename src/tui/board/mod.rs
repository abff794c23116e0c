//! The coordinator's live board: who is signed in and what each is doing, the calls in
//! progress, who is due, what waits for someone, and the week's forecast. It refreshes by
//! itself (`refresh`), off the keyboard's path. Operators cannot open it.

pub mod refresh;
mod view;

pub use view::render;

use super::action::Action;
use super::app::Screen;
use super::effect::{Ctx, Effect};
use crate::store::{Board, WeekForecast};
use refresh::{Reads, Refresher, Update};

#[derive(Debug)]
pub struct BoardState {
    /// The latest board read; `None` until the first read arrives.
    pub board: Option<Board>,
    pub forecast: Option<WeekForecast>,
    /// The first operator shown.
    pub scroll: usize,
    refresher: Refresher,
}

/// Opens the board, for coordinators only; its first read arrives a moment later.
pub fn open(ctx: &Ctx, clock: crate::clock::Clock) -> Effect {
    let Some((_, coordinator)) = ctx.who() else {
        return Effect::None;
    };
    if !coordinator {
        return Effect::Error(ctx.ui.lang.t("board.coordinators_only").to_string());
    }
    let reads = Reads::of_store(ctx.rules.clone());
    let refresher = Refresher::start(ctx.store.path().to_path_buf(), clock, reads);
    Effect::Show(Screen::Board(Box::new(BoardState::new(refresher))))
}

impl BoardState {
    pub fn new(refresher: Refresher) -> BoardState {
        BoardState {
            board: None,
            forecast: None,
            scroll: 0,
            refresher,
        }
    }

    /// Takes the reads that arrived, without waiting for any.
    pub fn poll(&mut self) -> Effect {
        let mut effect = Effect::None;
        for update in self.refresher.arrived() {
            match update {
                Update::Board(b) => self.board = Some(*b),
                Update::Forecast(f) => self.forecast = Some(*f),
                // The last board read stays on screen, with why it is not newer.
                Update::Failed(e) => effect = Effect::Fail(e),
            }
        }
        effect
    }

    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Effect {
        let operators = self.board.as_ref().map_or(0, |b| b.operators.len());
        let page = view::operator_rows(ctx.size).max(1);
        let last = operators.saturating_sub(page);
        match action {
            Action::Up | Action::ScrollUp => self.scroll = self.scroll.saturating_sub(1),
            Action::Down | Action::ScrollDown => self.scroll = (self.scroll + 1).min(last),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(page),
            Action::PageDown => self.scroll = (self.scroll + page).min(last),
            Action::Home => self.scroll = 0,
            Action::End => self.scroll = last,
            Action::Refresh => self.refresher.now(),
            Action::Back | Action::Interrupt => return Effect::Queue,
            _ => {}
        }
        Effect::None
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    use super::*;
    use crate::clock::Clock;
    use crate::domain::Rules;
    use crate::store::Store;
    use crate::tui::app::Ui;

    /// While the thread is stuck in a read, keys and ticks on the board go on at once;
    /// the read shows when it lands.
    #[test]
    fn keys_and_ticks_never_wait_for_a_read_under_way() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("veille.db");
        let store = Store::open(&path).unwrap();
        let rules = Rules::default();
        let now: chrono::DateTime<chrono::Utc> = "2026-11-28T09:42:00Z".parse().unwrap();
        let (open_gate, gate) = mpsc::channel::<()>();
        let board_rules = rules.clone();
        let reads = Reads {
            // A read that takes as long as the test wants: a database busy elsewhere.
            board: Box::new(move |store, now| {
                let _ = gate.recv();
                store.board(now, &board_rules)
            }),
            forecast: Box::new(move |store, now| store.week_forecast(now, rules.tz)),
        };
        let mut state = BoardState::new(Refresher::start(path, Clock::Fixed(now), reads));
        let rules = Rules::default();
        let ctx = Ctx {
            store: &store,
            rules: &rules,
            session: None,
            pending_draft: None,
            ui: Ui {
                lang: crate::i18n::Lang::En,
                theme: crate::tui::theme::Theme::plain(),
                now,
                tz: rules.tz,
            },
            size: ratatui::layout::Size::new(80, 24),
            clock: Clock::Fixed(now),
            services: &[],
        };

        let started = Instant::now();
        for _ in 0..1000 {
            for action in [Action::Down, Action::Up, Action::Refresh] {
                assert!(matches!(state.update(action, &ctx), Effect::None));
            }
            assert!(matches!(state.poll(), Effect::None));
        }
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(1),
            "3,000 keys and 1,000 ticks took {took:?} while a read was under way"
        );
        assert!(state.board.is_none());

        open_gate.send(()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while state.board.is_none() {
            assert!(Instant::now() < deadline, "the read never landed");
            let _ = state.poll();
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(state.board.as_ref().unwrap().made_at, now);
        // Let the reads asked for by F5 go through, then stop the thread.
        drop(open_gate);
    }
}
