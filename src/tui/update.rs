//! `update`: the one place where actions change the state (and the store). The draft
//! of an open call is written whenever the form or the claim changed.

use chrono::{DateTime, Duration, Utc};

use super::action::Action;
use super::app::{App, Screen};
use super::effect::Ctx;
use super::{call, dispatch, followup, on_break, popup};

/// How often the queue is reloaded while it is shown.
const QUEUE_REFRESH: i64 = 15;

pub fn update(app: &mut App, action: Action, now: DateTime<Utc>) {
    app.now = now;
    let before = open_call(app);
    dispatch(app, action, now);
    let after = open_call(app);
    if after.is_some() && after != before {
        app.write_draft();
    }
}

/// What of an open call must survive a crash.
fn open_call(app: &App) -> Option<(String, call::form::CallForm, crate::store::Claim)> {
    match &app.screen {
        Screen::Call(c) => Some((c.save_id.clone(), c.form.clone(), c.claim.clone())),
        _ => None,
    }
}

fn dispatch(app: &mut App, action: Action, now: DateTime<Utc>) {
    if action == Action::Tick {
        tick(app, now);
        return;
    }
    if app.too_small() {
        return;
    }
    if app.help {
        match action {
            Action::Back | Action::Help | Action::Click { .. } => app.help = false,
            Action::Up | Action::ScrollUp => app.help_scroll = app.help_scroll.saturating_sub(1),
            Action::Down | Action::ScrollDown => app.help_scroll += 1,
            _ => {}
        }
        return;
    }
    if action == Action::Help {
        app.help = true;
        app.help_scroll = 0;
        return;
    }
    if let Some(p) = app.popup.take() {
        popup::update(app, p, action, now);
        return;
    }
    if action == Action::QuickEntry {
        popup::quick_entry::open(app);
        return;
    }
    let ctx = Ctx {
        store: &app.store,
        rules: &app.rules,
        session: app.session.as_ref(),
        pending_draft: app.pending_draft.as_ref(),
        ui: app.ui(),
        size: app.size,
        clock: app.clock,
        services: &app.services,
    };
    let effect = match &mut app.screen {
        Screen::Queue(_) if action == Action::OpenFollowUp => followup::open(&ctx),
        Screen::Queue(_) if action == Action::OpenDispatch => dispatch::open(&ctx),
        Screen::Queue(q) => q.update(action, &ctx),
        Screen::SignIn(s) => s.update(action, &ctx),
        Screen::Call(c) => c.update(action, &ctx),
        Screen::FollowUp(f) => f.update(action, &ctx),
        Screen::Dispatch(d) => d.update(action, &ctx),
        Screen::Report(r) => r.update(action, &ctx),
        Screen::Board(b) => b.update(action, &ctx),
        Screen::Summary(s) => s.update(action, &ctx),
        // Handled above, before the context is made.
        Screen::Break(_) => on_break::update(action, &ctx),
    };
    app.apply(effect);
}

fn tick(app: &mut App, now: DateTime<Utc>) {
    // Coordinators see waiting emergencies on every screen, without pressing a key.
    app.read_emergencies(Duration::seconds(QUEUE_REFRESH));
    if app
        .message
        .as_ref()
        .is_some_and(|m| m.until.is_some_and(|u| now >= u))
    {
        app.message = None;
    }
    match &mut app.screen {
        Screen::Call(_) => call::tick(app, now),
        // Only what the board's own thread has read: a tick never waits for the database.
        Screen::Board(b) => {
            let effect = b.poll();
            app.apply(effect);
        }
        Screen::Queue(_)
            if app.popup.is_none()
                && now - app.last_refresh >= Duration::seconds(QUEUE_REFRESH) =>
        {
            app.open_queue(now);
        }
        // New emergencies must show without anyone pressing a key.
        Screen::Dispatch(_)
            if app.popup.is_none()
                && now - app.last_refresh >= Duration::seconds(QUEUE_REFRESH) =>
        {
            app.reload();
            app.last_refresh = now;
        }
        _ => {}
    }
}
