//! The board's refresh, away from the keyboard: a thread with its own connection reads
//! the board every few seconds (and the week's forecast, which costs more, less often)
//! and hands each read over a channel. The screen only takes what has arrived, so a key
//! press never waits for a read, however slow the database is.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::domain::Rules;
use crate::store::{Board, Store, StoreError, WeekForecast};

/// How often the board is read.
pub const BOARD_EVERY: Duration = Duration::from_secs(5);
/// How often the week's forecast is read: its figures move by the hour.
pub const FORECAST_EVERY: Duration = Duration::from_secs(60);

/// What the thread hands over.
#[derive(Debug)]
pub enum Update {
    Board(Box<Board>),
    Forecast(Box<WeekForecast>),
    Failed(StoreError),
}

/// One read the thread makes on its own connection, at the instant given.
pub type Read<T> = Box<dyn FnMut(&Store, DateTime<Utc>) -> Result<T, StoreError> + Send>;

/// The two reads the thread makes.
pub struct Reads {
    pub board: Read<Board>,
    pub forecast: Read<WeekForecast>,
}

impl Reads {
    /// The board and the forecast as the store reads them.
    pub fn of_store(rules: Rules) -> Reads {
        let tz = rules.tz;
        Reads {
            board: Box::new(move |store, now| store.board(now, &rules)),
            forecast: Box::new(move |store, now| store.week_forecast(now, tz)),
        }
    }
}

/// The screen's end of the refresh thread; dropping it stops the thread.
#[derive(Debug)]
pub struct Refresher {
    updates: Receiver<Update>,
    /// A message asks for a read now; the thread ends when this is dropped.
    wake: Sender<()>,
}

impl Refresher {
    /// Starts reading the database at `path` with `reads`.
    pub fn start(path: PathBuf, clock: Clock, reads: Reads) -> Refresher {
        let (updates_tx, updates) = mpsc::channel();
        let (wake, wake_rx) = mpsc::channel();
        // Opened here, where a setgid veille may lend its group for it, not in the thread.
        let store = crate::process::with_group_rights(|| Store::open(&path));
        std::thread::spawn(move || run(store, clock, reads, &updates_tx, &wake_rx));
        Refresher { updates, wake }
    }

    /// Asks for a read now (F5); never waits.
    pub fn now(&self) {
        let _ = self.wake.send(());
    }

    /// What arrived since the last look, oldest first; never waits.
    pub fn arrived(&self) -> Vec<Update> {
        let mut out = Vec::new();
        loop {
            match self.updates.try_recv() {
                Ok(u) => out.push(u),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return out,
            }
        }
    }
}

fn run(
    store: Result<Store, crate::store::StoreError>,
    clock: Clock,
    mut reads: Reads,
    out: &Sender<Update>,
    wake: &Receiver<()>,
) {
    let store = match store {
        Ok(s) => s,
        Err(e) => {
            let _ = out.send(Update::Failed(e));
            return;
        }
    };
    let mut forecast_due = Instant::now();
    loop {
        let now = clock.now();
        let board = match (reads.board)(&store, now) {
            Ok(b) => Update::Board(Box::new(b)),
            Err(e) => Update::Failed(e),
        };
        if out.send(board).is_err() {
            return;
        }
        if Instant::now() >= forecast_due {
            forecast_due = Instant::now() + FORECAST_EVERY;
            let forecast = match (reads.forecast)(&store, now) {
                Ok(f) => Update::Forecast(Box::new(f)),
                Err(e) => Update::Failed(e),
            };
            if out.send(forecast).is_err() {
                return;
            }
        }
        match wake.recv_timeout(BOARD_EVERY) {
            Ok(()) => forecast_due = Instant::now(),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
