//! The operator screens: sign in, the queue, the call.
//!
//! One direction: a terminal event becomes an `Action` (`keys`), `update` applies it to
//! the `App` state (calling the store), and `view` draws the state. The main loop is
//! generic over the ratatui backend, so tests run it on a `TestBackend`.

pub mod action;
pub mod address;
pub mod app;
pub mod board;
pub mod call;
pub mod dial;
pub mod dispatch;
pub mod draft;
pub mod effect;
pub mod followup;
pub mod help;
pub mod keys;
pub mod on_break;
pub mod popup;
pub mod queue;
pub mod referral_check;
pub mod report;
pub mod rows;
pub mod signin;
pub mod summary;
pub mod text_field;
pub mod theme;
pub mod update;
pub mod view;
pub mod when;
pub mod widgets;

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::layout::Size;

pub use action::Action;
use app::Screen;
pub use app::{App, Options};
use signin::SignInState;

use crate::access::{self, Standing};
use crate::config::Config;
use crate::context::Context;
use crate::i18n::Lang;

/// The smallest terminal the screens are laid out for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// How often time-driven work runs (clock, claim renewal, save retries).
pub const TICK: Duration = Duration::from_millis(250);

/// What the main loop reads: a terminal event, or time passing.
#[derive(Debug, Clone)]
pub enum Input {
    Event(Event),
    Tick,
}

/// Opens the operator screen; `operator` signs in directly when given.
pub fn run(ctx: &Context, operator: Option<&str>) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the operator screen needs a terminal; run veille in a terminal window (or use the subcommands, see veille --help)"
        );
    }
    let store = ctx.open()?;
    let config = Config::load();
    let lang = Lang::resolve(
        ctx.lang.as_deref(),
        config.language.as_deref(),
        std::env::var("LANG").ok().as_deref(),
    );
    let options = Options {
        clock: ctx.clock,
        lang,
        theme: theme::Theme::from_env(),
        drafts_dir: draft::Drafts::default_dir(),
        config_path: Config::path(),
        config,
    };
    let mut app = App::new(store, options)?;
    // Who may sign in is the system's to say: an account linked to an operator signs in
    // as that person only; an unknown account, or another person named, is refused
    // before the screen opens.
    let standing = ctx.standing(&app.store)?;
    let actor = access::authorize(
        &app.store,
        &ctx.caller,
        &standing,
        operator,
        access::Need::Operator,
    )?;
    if let Standing::Linked(me) = &standing {
        app.screen = Screen::SignIn(SignInState::new(vec![me.clone()], None));
    }
    if let (Some(_), Some(op)) = (operator, actor.operator) {
        app.sign_in(op, ctx.clock.now())?;
    }
    let mut terminal = match ratatui::try_init() {
        Ok(t) => t,
        Err(e) => {
            app.end_shift(ctx.clock.now());
            return Err(e).context("the terminal could not be prepared");
        }
    };
    // The mouse is on unless this machine's configuration turns it off (then the
    // terminal selects text, the number included, as usual).
    let mouse = app.config.mouse != Some(false);
    if mouse {
        let _ = execute!(std::io::stdout(), EnableMouseCapture);
    }
    // The panic hook of ratatui restores the terminal; mouse reporting must stop too.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        hook(info);
    }));
    let mut last_tick = Instant::now();
    watch_for_hang_up();
    let result = run_loop(&mut terminal, &mut app, || {
        // A tick is due even while keys keep coming, so renewal and retries never wait.
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            return Ok(Some(Input::Tick));
        }
        if event::poll(TICK.saturating_sub(last_tick.elapsed()))? {
            Ok(Some(Input::Event(event::read()?)))
        } else {
            last_tick = Instant::now();
            Ok(Some(Input::Tick))
        }
    });
    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    if result.is_err() && !app.quit {
        // The terminal went away: end the shift; an open call stays as a draft.
        app.end_shift(ctx.clock.now());
    }
    result
}

/// A terminal that hangs up (an SSH connection dropped, a window closed) sends veille the
/// hang-up signal, which ends it; what was typed is in its draft and its claim runs out.
/// Under `su` or `runuser` the signal may never come, and the terminal library then reads
/// the dead terminal in a loop at full speed, forever. A watcher looks at the terminal
/// four times a second and, once it has hung up, raises the signal itself.
fn watch_for_hang_up() {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    std::thread::spawn(|| {
        loop {
            std::thread::sleep(TICK);
            let stdin = std::io::stdin();
            let mut fds = [PollFd::new(stdin.as_fd(), PollFlags::POLLIN)];
            let hung_up = matches!(poll(&mut fds, PollTimeout::ZERO), Ok(1..))
                && fds[0]
                    .revents()
                    .is_some_and(|r| r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR));
            if hung_up {
                let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGHUP);
            }
        }
    });
}

/// Draws, reads one input, updates, until the operator leaves or `next` runs dry.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    mut next: impl FnMut() -> std::io::Result<Option<Input>>,
) -> Result<()>
where
    B::Error: Send + Sync + 'static,
{
    loop {
        app.size = terminal.size()?;
        terminal.draw(|f| view::render(app, f))?;
        write_to_terminal(std::mem::take(&mut app.to_terminal));
        if app.quit {
            return Ok(());
        }
        let Some(input) = next()? else {
            return Ok(());
        };
        let now = app.clock.now();
        handle(app, input, now);
    }
}

/// Writes what the app asked of the terminal itself (the clipboard) to standard output,
/// where the terminal reads it; nothing when that is not a terminal (tests, pipes).
fn write_to_terminal(sequences: Vec<String>) {
    use std::io::Write;
    if sequences.is_empty() || !std::io::stdout().is_terminal() {
        return;
    }
    let mut out = std::io::stdout().lock();
    for s in sequences {
        let _ = out.write_all(s.as_bytes());
    }
    let _ = out.flush();
}

/// Turns one input into an action and applies it.
pub fn handle(app: &mut App, input: Input, now: DateTime<Utc>) {
    let action = match input {
        Input::Tick => Some(Action::Tick),
        Input::Event(Event::Key(k)) if k.kind == KeyEventKind::Press => {
            let (scope, typing) = app.scope();
            keys::resolve(scope, typing, &k)
        }
        Input::Event(Event::Mouse(m)) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                x: m.column,
                y: m.row,
            }),
            MouseEventKind::ScrollUp => Some(Action::ScrollUp),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown),
            _ => None,
        },
        Input::Event(Event::Resize(w, h)) => {
            app.size = Size::new(w, h);
            None
        }
        Input::Event(_) => None,
    };
    if let Some(a) = action {
        update::update(app, a, now);
    }
}
