//! The coordinator's board and operators' breaks as people meet them: the board drawn on
//! a test terminal (80×24 and 120×40, French and English, fixed clock), its refresh kept
//! off the keyboard's path, and a break taken and ended from the queue.
// Test code: an unwrap that fails is the test failing.
#![allow(clippy::unwrap_used)]

mod tui_support;

use std::time::{Duration, Instant};

use chrono::Duration as Minutes;
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;
use veille::domain::shift::{Activity, BreakReason};
use veille::domain::{InterventionKind, Urgency};
use veille::i18n::Lang;
use veille::tui::App;
use veille::tui::app::Screen;

use KeyCode::{Char, Enter, Esc};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// Karim on a call for 5 minutes after an emergency call no coordinator has taken yet,
/// Marie on a meal break for 20, an emergency request nobody has taken for 25 minutes,
/// and yesterday's shift of Karim, who reached two
/// tenants in two hours (the pace of the forecast).
fn busy_morning(fx: &Fixture) {
    let conn = fx.conn();
    let karim = fx.operator_id("kbenali");
    conn.execute(
        "INSERT INTO shifts (operator_id, started_at, ended_at)
         VALUES (?1, '2026-11-27T08:00:00.000Z', '2026-11-27T10:00:00.000Z')",
        [karim],
    )
    .unwrap();
    for (n, last_name) in ["Nguyen", "Lefèvre"].iter().enumerate() {
        conn.execute(
            "INSERT INTO calls (save_id, tenant_id, operator_id, started_at, ended_at, outcome)
             VALUES (?1, ?2, ?3, '2026-11-27T08:30:00.000Z', '2026-11-27T08:36:00.000Z', 'reached')",
            (format!("yesterday-{n}"), fx.tenant_id(last_name), karim),
        )
        .unwrap();
    }
    let mut store = fx.store();
    let rules = store.rules().unwrap();
    let karim = fx.operator_id("kbenali");
    let marie = fx.operator_id("mdupont");
    store.start_shift(karim, now() - Minutes::hours(1)).unwrap();
    // A call 15 minutes ago under the emergency protocol, not yet taken by a coordinator.
    let claim = store
        .claim_tenant(
            karim,
            fx.tenant_id("Nguyen"),
            now() - Minutes::minutes(18),
            &rules,
        )
        .unwrap();
    store
        .save_call(
            &veille::store::CallToSave {
                save_id: veille::store::new_save_id(now() - Minutes::minutes(18)),
                claim,
                shift_id: None,
                started_at: now() - Minutes::minutes(18),
                outcome: veille::domain::Outcome::Reached,
                wellbeing: Some(veille::domain::Wellbeing::Urgent),
                callback_at: None,
                callback_only_me: false,
                hospitalised_until: None,
                notes: String::new(),
                needs: vec![],
                referrals: vec![],
                interventions: vec![],
                emergency: Some(veille::domain::emergency::Protocol {
                    services: veille::domain::emergency::ServicesCalled::ByOperator,
                    decision: "SAMU appelé".into(),
                    no_request_reason: "Le SAMU se déplace".into(),
                }),
                incoming: false,
                lives_alone: None,
            },
            now() - Minutes::minutes(15),
            &rules,
        )
        .unwrap();
    store
        .claim_tenant(
            karim,
            fx.tenant_id("Petit"),
            now() - Minutes::minutes(5),
            &rules,
        )
        .unwrap();
    let shift = store.start_shift(marie, now() - Minutes::hours(2)).unwrap();
    store
        .start_break(shift, BreakReason::Meal, "", now() - Minutes::minutes(20))
        .unwrap();
    store
        .create_intervention(
            fx.tenant_id("Lambert"),
            InterventionKind::WelfareVisit,
            Urgency::Emergency,
            None,
            "",
            "Ne répond plus depuis hier",
            karim,
            now() - Minutes::minutes(25),
        )
        .unwrap();
}

/// Ticks until the board's thread has handed over a board and a forecast.
fn wait_for_board(app: &mut App) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        tick(app);
        if let Screen::Board(b) = &app.screen
            && b.board.is_some()
            && b.forecast.is_some()
        {
            return;
        }
        assert!(Instant::now() < deadline, "the board was never read");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn board_screen() {
    let fx = fixture();
    busy_morning(&fx);
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = signed_in(&fx, lang, "lfaure");
            press(&mut app, &[Char('t')]);
            wait_for_board(&mut app);
            assert_snapshot!(
                format!("board_{}_{}x{}", lang.code(), size.0, size.1),
                draw(&mut app, size.0, size.1).backend()
            );
            press(&mut app, &[Esc]);
            assert!(matches!(app.screen, Screen::Queue(_)));
            app.end_shift(now());
        }
    }
}

#[test]
fn an_operator_cannot_open_the_board() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::En, "mdupont");
    press(&mut app, &[Char('t')]);
    assert!(matches!(app.screen, Screen::Queue(_)));
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("Only coordinators can open the board."),
        "{text}"
    );
}

/// The board reads again by itself: what operators do shows without a key press.
#[test]
fn the_board_refreshes_by_itself() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::En, "lfaure");
    press(&mut app, &[Char('t')]);
    wait_for_board(&mut app);
    let shown = |app: &App| match &app.screen {
        Screen::Board(b) => b
            .board
            .as_ref()
            .is_some_and(|b| b.operators.iter().any(|o| o.login == "kbenali")),
        _ => false,
    };
    assert!(!shown(&app));

    fx.store()
        .start_shift(fx.operator_id("kbenali"), now() - Minutes::minutes(30))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !shown(&app) {
        assert!(
            Instant::now() < deadline,
            "the board did not refresh by itself"
        );
        tick(&mut app);
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_operator_takes_a_break_with_a_reason_and_comes_back() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::En, "mdupont");
    press(&mut app, &[Char('b')]);
    press(&mut app, &[Char('2')]);
    type_text(&mut app, "back at 11");
    press(&mut app, &[Enter]);
    assert!(matches!(app.screen, Screen::Break(_)));
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("On a break (meal) since 10:42."), "{text}");
    assert!(text.contains("back at 11"), "{text}");

    let store = fx.store();
    let rules = store.rules().unwrap();
    let marie = |store: &veille::store::Store| {
        store
            .board(now(), &rules)
            .unwrap()
            .operators
            .into_iter()
            .find(|o| o.login == "mdupont")
            .unwrap()
    };
    let on_break = marie(&store);
    assert_eq!(
        on_break.activity,
        Activity::OnBreak {
            since: now(),
            reason: BreakReason::Meal
        }
    );
    assert_eq!(on_break.break_note, "back at 11");

    // Keys of the queue do nothing on a break: calls wait until the operator is back.
    press(&mut app, &[Char('n')]);
    assert!(matches!(app.screen, Screen::Break(_)));
    press(&mut app, &[Enter]);
    assert!(matches!(app.screen, Screen::Queue(_)));
    assert!(matches!(
        marie(&store).activity,
        Activity::BetweenCalls { .. }
    ));
    assert_eq!(
        fx.count("SELECT count(*) FROM breaks WHERE ended_at IS NULL"),
        0
    );
}

#[test]
fn ending_the_shift_from_a_break_ends_the_break() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[Char('b'), Enter]);
    assert!(matches!(app.screen, Screen::Break(_)));
    press(&mut app, &[Char('q')]);
    assert!(matches!(app.screen, Screen::Summary(_)));
    assert_eq!(
        fx.count("SELECT count(*) FROM breaks WHERE ended_at IS NULL"),
        0
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM breaks WHERE reason = 'rest'"),
        1
    );
}
