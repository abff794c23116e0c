//! The state of the operator screens: who is signed in, which screen is open, the
//! popup above it, the message line. Every change goes through `update`; views only
//! read this.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use ratatui::layout::Size;

use super::board::BoardState;
use super::call::CallState;
use super::dispatch::DispatchState;
use super::draft::{Draft, Drafts, Found};
use super::effect::{Ctx, Effect};
use super::followup::FollowUpState;
use super::keys::Scope;
use super::on_break::BreakState;
use super::popup::Popup;
use super::popup::quick_entry::QuickIndex;
use super::queue::QueueState;
use super::report::ReportState;
use super::signin::SignInState;
use super::summary::SummaryState;
use super::theme::Theme;
use crate::clock::Clock;
use crate::config::Config;
use crate::domain::Rules;
use crate::i18n::Lang;
use crate::store::{Operator, Service, ShiftStats, Store, StoreError};

/// What every view needs besides its own state.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub lang: Lang,
    pub theme: Theme,
    pub now: DateTime<Utc>,
    pub tz: chrono_tz::Tz,
}

impl Ui {
    /// "12 min" or "1 h 05": the time from `from` to now.
    pub fn elapsed(&self, from: DateTime<Utc>) -> String {
        let minutes = (self.now - from).num_minutes().max(0);
        if minutes < 60 {
            self.lang
                .f("summary.minutes", &[("m", &minutes.to_string())])
        } else {
            self.lang.f(
                "board.hours",
                &[
                    ("h", &(minutes / 60).to_string()),
                    ("m", &format!("{:02}", minutes % 60)),
                ],
            )
        }
    }

    /// "28/11 10:42" in the program's time zone.
    pub fn day_time(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&self.tz);
        let today = self.now.with_timezone(&self.tz).date_naive();
        if local.date_naive() == today {
            self.lang.f(
                "time.today_at",
                &[("time", &local.format("%H:%M").to_string())],
            )
        } else {
            self.lang.f(
                "time.day_at",
                &[
                    ("date", &local.format("%d/%m").to_string()),
                    ("time", &local.format("%H:%M").to_string()),
                ],
            )
        }
    }

    pub fn time(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz).format("%H:%M").to_string()
    }

    pub fn date(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.tz).format("%d/%m").to_string()
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }
}

/// The signed-in operator and their shift.
#[derive(Debug, Clone)]
pub struct Session {
    pub operator: Operator,
    pub shift_id: i64,
    pub stats: ShiftStats,
}

#[derive(Debug)]
pub enum Screen {
    SignIn(SignInState),
    Queue(Box<QueueState>),
    Call(Box<CallState>),
    FollowUp(Box<FollowUpState>),
    Dispatch(Box<DispatchState>),
    /// The end-of-shift summary, before leaving.
    Summary(Box<SummaryState>),
    /// The coordinator's program report.
    Report(Box<ReportState>),
    /// The coordinator's live board.
    Board(Box<BoardState>),
    /// The operator is on a break.
    Break(BreakState),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Info,
    Error,
    /// A save waiting for a busy database: stays until it lands.
    Waiting,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub kind: MessageKind,
    /// When it disappears by itself.
    pub until: Option<DateTime<Utc>>,
}

/// How the app is set up (the parts tests choose).
#[derive(Debug, Clone)]
pub struct Options {
    pub clock: Clock,
    pub lang: Lang,
    pub theme: Theme,
    pub drafts_dir: PathBuf,
    /// Where the per-machine preferences are saved; `None` remembers nothing.
    pub config_path: Option<PathBuf>,
    pub config: Config,
}

pub struct App {
    pub lang: Lang,
    pub theme: Theme,
    pub clock: Clock,
    /// The instant of the action or tick being handled (read once from `clock`).
    pub now: DateTime<Utc>,
    pub store: Store,
    pub rules: Rules,
    pub services: Vec<Service>,
    pub drafts: Drafts,
    pub config_path: Option<PathBuf>,
    pub config: Config,
    pub session: Option<Session>,
    pub screen: Screen,
    pub popup: Option<Popup>,
    pub help: bool,
    /// Lines of the help scrolled past, when it is taller than the screen.
    pub help_scroll: u16,
    pub message: Option<Message>,
    /// The terminal's size, for mouse hit-testing.
    pub size: Size,
    pub quit: bool,
    /// A call left unsaved by a crash, offered for resumption.
    pub pending_draft: Option<Draft>,
    pub last_refresh: DateTime<Utc>,
    /// Emergencies no coordinator has taken yet (read for coordinators only), and when
    /// that was read.
    pub emergencies_waiting: i64,
    pub emergencies_read_at: Option<DateTime<Utc>>,
    /// Escape sequences for the terminal itself (the clipboard), written by the main loop
    /// after the next draw.
    pub to_terminal: Vec<String>,
    /// The tenant search of the quick entry, built when it first opens.
    pub quick_index: Option<QuickIndex>,
}

/// How long writes may wait for a locked database before the screen takes control
/// back and retries on its next tick (SQLite's own wait is capped by it too).
pub const RETRY_FOR: std::time::Duration = std::time::Duration::from_millis(250);

impl App {
    pub fn new(mut store: Store, options: Options) -> Result<App, StoreError> {
        store.set_retry_for(RETRY_FOR);
        let rules = store.rules()?;
        let services = store.services()?;
        let now = options.clock.now();
        let operators = store.operators()?;
        let signin = SignInState::new(operators, options.config.last_operator.as_deref());
        Ok(App {
            lang: options.lang,
            theme: options.theme,
            clock: options.clock,
            now,
            store,
            rules,
            services,
            drafts: Drafts::new(options.drafts_dir),
            config_path: options.config_path,
            config: options.config,
            session: None,
            screen: Screen::SignIn(signin),
            popup: None,
            help: false,
            help_scroll: 0,
            message: None,
            size: Size::new(80, 24),
            quit: false,
            pending_draft: None,
            last_refresh: now,
            emergencies_waiting: 0,
            emergencies_read_at: None,
            to_terminal: Vec::new(),
            quick_index: None,
        })
    }

    pub fn ui(&self) -> Ui {
        Ui {
            lang: self.lang,
            theme: self.theme,
            now: self.now,
            tz: self.rules.tz,
        }
    }

    /// Where keys go now, and whether a text field has the focus.
    pub fn scope(&self) -> (Scope, bool) {
        if self.help {
            return (Scope::Help, false);
        }
        self.base_scope()
    }

    /// The scope below the help overlay.
    pub fn base_scope(&self) -> (Scope, bool) {
        if let Some(p) = &self.popup {
            return p.scope();
        }
        match &self.screen {
            Screen::SignIn(_) => (Scope::SignIn, true),
            Screen::Queue(_) => (Scope::Queue, false),
            Screen::Call(c) => (Scope::Call, c.typing()),
            Screen::FollowUp(f) => (Scope::FollowUp, f.typing),
            Screen::Dispatch(d) => (Scope::Dispatch, d.typing),
            Screen::Summary(_) => (Scope::EndShift, false),
            Screen::Report(_) => (Scope::Report, false),
            Screen::Board(_) => (Scope::Board, false),
            Screen::Break(_) => (Scope::Break, false),
        }
    }

    pub fn too_small(&self) -> bool {
        self.size.width < super::MIN_WIDTH || self.size.height < super::MIN_HEIGHT
    }

    pub fn info(&mut self, text: String) {
        self.message = Some(Message {
            text,
            kind: MessageKind::Info,
            until: Some(self.now + chrono::Duration::seconds(8)),
        });
    }

    /// Tells the operator, in their words, what a store error means.
    pub fn store_error(&mut self, e: &StoreError) {
        let text = self.store_error_text(e);
        self.error(text);
    }

    pub fn error(&mut self, text: String) {
        self.message = Some(Message {
            text,
            kind: MessageKind::Error,
            until: Some(self.now + chrono::Duration::seconds(30)),
        });
    }

    pub fn waiting(&mut self, text: String) {
        self.message = Some(Message {
            text,
            kind: MessageKind::Waiting,
            until: None,
        });
    }

    /// A store error in the operator's words.
    pub fn store_error_text(&self, e: &StoreError) -> String {
        store_error_text(self.lang, e)
    }

    /// Applies what a screen or popup asked for: the only place where the current
    /// screen and the popup are replaced.
    pub fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::None => {}
            Effect::Show(screen) => self.screen = screen,
            Effect::Queue => self.open_queue(self.now),
            Effect::Popup(p) => self.popup = Some(p),
            Effect::Reload => self.reload(),
            Effect::Info(text) => self.info(text),
            Effect::Error(text) => self.error(text),
            Effect::Fail(e) => self.store_error(&e),
            Effect::EndShift => self.end_shift(self.now),
            Effect::TakeEmergency(id) => self.take_emergency(id),
            Effect::Claim(tenant) => super::queue::claim(self, self.now, tenant),
            Effect::SignIn(operator) => {
                if let Err(e) = self.sign_in(*operator, self.now) {
                    self.store_error(&e);
                }
            }
            Effect::Quit => self.quit = true,
            Effect::SaveCall => super::call::save(self, self.now),
            Effect::Dial => super::call::dial(self),
            Effect::Reclaim => super::call::reclaim(self, self.now),
            Effect::EndBreak(then) => {
                let Some(operator) = self.session.as_ref().map(|s| s.operator.id) else {
                    return;
                };
                match self.store.end_break(operator, self.now) {
                    Ok(()) => self.apply(*then),
                    Err(e) => self.store_error(&e),
                }
            }
            Effect::Then(effects) => effects.into_iter().for_each(|e| self.apply(e)),
        }
    }

    /// Whether the signed-in person coordinates (keys and screens only they are offered).
    pub fn is_coordinator(&self) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| crate::access::may_coordinate(&s.operator))
    }

    /// Reads how many emergencies wait, for a signed-in coordinator, at most every
    /// `every` (a read of one index: it never waits for writers).
    pub fn read_emergencies(&mut self, every: chrono::Duration) {
        let coordinator = self
            .session
            .as_ref()
            .is_some_and(|s| crate::access::may_coordinate(&s.operator));
        if !coordinator
            || self
                .emergencies_read_at
                .is_some_and(|at| self.now - at < every)
        {
            return;
        }
        if let Ok(n) = self.store.waiting_emergency_count() {
            self.emergencies_waiting = n;
            self.emergencies_read_at = Some(self.now);
        }
    }

    fn take_emergency(&mut self, id: i64) {
        let Some(by) = self.session.as_ref().map(|s| s.operator.id) else {
            return;
        };
        match self.store.take_emergency(id, by, self.now) {
            Ok(()) => {
                self.emergencies_read_at = None;
                self.read_emergencies(chrono::Duration::zero());
                self.reload();
                self.info(self.lang.t("dispatch.emergency_taken").to_string());
            }
            Err(e) => {
                self.reload();
                self.store_error(&e);
            }
        }
    }

    /// What screens read while they handle an action.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            store: &self.store,
            rules: &self.rules,
            session: self.session.as_ref(),
            pending_draft: self.pending_draft.as_ref(),
            ui: self.ui(),
            size: self.size,
            clock: self.clock,
            services: &self.services,
        }
    }

    /// Reloads the current screen after a change made elsewhere (the queue's card,
    /// the lists, the card of the tenant on the call).
    pub fn reload(&mut self) {
        let ctx = Ctx {
            store: &self.store,
            rules: &self.rules,
            session: self.session.as_ref(),
            pending_draft: self.pending_draft.as_ref(),
            ui: self.ui(),
            size: self.size,
            clock: self.clock,
            services: &self.services,
        };
        let effect = match &mut self.screen {
            Screen::Queue(_) => Effect::Queue,
            Screen::FollowUp(f) => f.reload(&ctx),
            Screen::Dispatch(d) => d.reload(&ctx),
            Screen::Call(c) => c.reload_card(&ctx),
            Screen::Summary(s) => s.reload(&ctx),
            _ => Effect::None,
        };
        self.apply(effect);
        self.refresh_stats();
    }

    /// Signs `operator` in: starts a shift, remembers the choice on this machine,
    /// offers a draft left by a crash, and opens the queue.
    pub fn sign_in(&mut self, operator: Operator, now: DateTime<Utc>) -> Result<(), StoreError> {
        let shift_id = self.store.start_shift(operator.id, now)?;
        self.rules = self.store.rules()?;
        self.services = self.store.services()?;
        let stats = self.store.shift_stats(shift_id)?;
        self.config.last_operator = Some(operator.login.clone());
        self.save_config();
        let operator_id = operator.id;
        self.session = Some(Session {
            operator,
            shift_id,
            stats,
        });
        self.open_queue(now);
        self.emergencies_read_at = None;
        self.read_emergencies(chrono::Duration::zero());
        self.drafts.forget_stale();
        match self.drafts.load(self.store.path(), operator_id) {
            Found::None => {}
            Found::Draft(d) => {
                self.pending_draft = Some(*d);
                self.popup = Some(Popup::ResumeDraft {
                    confirm_discard: false,
                });
            }
            Found::Unreadable(path) => {
                let p = path.display().to_string();
                self.error(self.lang.f("drafts.unreadable", &[("path", &p)]));
            }
        }
        Ok(())
    }

    fn save_config(&self) {
        let Some(path) = &self.config_path else {
            return;
        };
        // Remembering the last operator is a convenience: failing to write it is not
        // worth interrupting a shift for.
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(text) = toml::to_string(&self.config) {
            let _ = std::fs::write(path, text);
        }
    }

    /// Opens (or reloads) the queue screen, keeping the selected tenant if still there.
    pub fn open_queue(&mut self, now: DateTime<Utc>) {
        let Some(session) = &self.session else {
            return;
        };
        let selected = match &self.screen {
            Screen::Queue(q) => q.selection(),
            _ => None,
        };
        let op = session.operator.id;
        match QueueState::load(&self.store, op, now, &self.rules, selected) {
            Ok(q) => self.screen = Screen::Queue(Box::new(q)),
            Err(e) => {
                self.store_error(&e);
                if !matches!(self.screen, Screen::Queue(_)) {
                    self.screen = Screen::Queue(Box::default());
                }
            }
        }
        self.refresh_stats();
        self.last_refresh = now;
    }

    pub fn refresh_stats(&mut self) {
        if let Some(s) = &mut self.session
            && let Ok(stats) = self.store.shift_stats(s.shift_id)
        {
            s.stats = stats;
        }
    }

    /// Writes the draft of the open call; tells the operator if it cannot.
    pub fn write_draft(&mut self) {
        let (Screen::Call(call), Some(session)) = (&self.screen, &self.session) else {
            return;
        };
        let draft = call.draft(self.store.path(), session.operator.id);
        if let Err(e) = self.drafts.save(&draft) {
            let path = self.drafts.dir().display().to_string();
            self.error(self.lang.f(
                "drafts.write_failed",
                &[("path", &path), ("error", &e.to_string())],
            ));
        }
    }

    pub fn remove_draft(&mut self) {
        if let Some(session) = &self.session {
            let _ = self.drafts.remove(self.store.path(), session.operator.id);
        }
        self.pending_draft = None;
    }

    /// Ends the shift (releasing any claim) and leaves.
    pub fn end_shift(&mut self, now: DateTime<Utc>) {
        if let Some(session) = &self.session {
            // Leaving: this may wait longer for a busy database than a screen action.
            self.store.set_retry_for(std::time::Duration::from_secs(10));
            let result = self.store.end_shift(session.shift_id, now);
            self.store.set_retry_for(RETRY_FOR);
            if let Err(e) = result {
                self.store_error(&e);
                return;
            }
        }
        self.quit = true;
    }
}

/// A store error in the operator's words.
pub fn store_error_text(l: Lang, e: &StoreError) -> String {
    match e {
        StoreError::Busy => l.t("errors.busy").to_string(),
        StoreError::ClaimLost => l.t("errors.claim_lost").to_string(),
        StoreError::DiskFull => l.t("errors.disk_full").to_string(),
        StoreError::DiskIo(_) => l.t("errors.disk_io").to_string(),
        StoreError::NotSynced(_) => l.t("errors.not_synced").to_string(),
        StoreError::ReadOnly(_) => l.t("errors.read_only").to_string(),
        StoreError::HeldBy(name) => l.f("errors.tenant_taken", &[("name", name)]),
        StoreError::Invalid(m) => l.f("errors.other", &[("error", m)]),
        StoreError::Inconsistent(c) => l
            .lookup(&format!("errors.inconsistent_{}", c.code()))
            .map_or_else(|| c.to_string(), str::to_string),
        other => l.f("errors.other", &[("error", &other.to_string())]),
    }
}
