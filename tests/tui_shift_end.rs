//! The end of a shift and the coordinator's report as people meet them: the summary
//! screen and the report screen drawn on a test terminal (80×24 and 120×40, French and
//! English, fixed clock), and the handover note, handed-over callbacks, drafts left
//! open and the coordinators-only report checked in the database and on screen.

mod tui_support;

use chrono::NaiveDate;
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;
use veille::clock::Clock;
use veille::domain::{InterventionKind, Need, NeedCategory, Outcome, Urgency, Wellbeing};
use veille::i18n::Lang;
use veille::store::{CallToSave, InterventionToSave, ReferralToSave, Store, new_save_id};
use veille::tui::App;
use veille::tui::app::Screen;
use veille::tui::popup::Popup;

use KeyCode::{Char, Down, Enter, Esc, Left, Right, Tab};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn name(screen: &str, lang: Lang, (w, h): (u16, u16)) -> String {
    format!("{screen}_{}_{w}x{h}", lang.code())
}

/// A call saved by `login` during `shift`, ending at `ended` (UTC).
#[allow(clippy::too_many_arguments)]
fn call(
    store: &mut Store,
    fx: &Fixture,
    login: &str,
    shift: i64,
    last_name: &str,
    ended: &str,
    outcome: Outcome,
    wellbeing: Option<Wellbeing>,
    callback: Option<(&str, bool)>,
    needs: Vec<NeedCategory>,
    referral_service: Option<&str>,
    intervention: Option<(InterventionKind, Urgency)>,
) {
    let rules = store.rules().expect("rules");
    let operator = fx.operator_id(login);
    let tenant = fx.tenant_id(last_name);
    let ended = at(ended);
    let started = ended - chrono::Duration::minutes(5);
    let claim = store
        .claim_tenant(operator, tenant, started, &rules)
        .expect("claim");
    let referrals = referral_service
        .map(|code| {
            let service = store
                .services()
                .expect("services")
                .into_iter()
                .find(|s| s.code == code)
                .expect("service");
            vec![ReferralToSave {
                service_id: service.id,
                note: String::new(),
                follow_up_on: NaiveDate::from_ymd_opt(2026, 12, 2),
            }]
        })
        .unwrap_or_default();
    store
        .save_call(
            &CallToSave {
                save_id: new_save_id(started),
                claim,
                shift_id: Some(shift),
                started_at: started,
                outcome,
                wellbeing,
                callback_at: callback.map(|(t, _)| at(t)),
                callback_only_me: callback.is_some_and(|(_, me)| me),
                hospitalised_until: None,
                notes: String::new(),
                needs: needs
                    .into_iter()
                    .map(|category| Need {
                        category,
                        details: String::new(),
                    })
                    .collect(),
                referrals,
                interventions: intervention
                    .map(|(kind, urgency)| {
                        vec![InterventionToSave {
                            kind,
                            urgency,
                            wanted_at: None,
                            place: String::new(),
                            details: String::new(),
                        }]
                    })
                    .unwrap_or_default(),
                // An urgent state goes with its protocol, as the call screen asks it.
                emergency: (wellbeing == Some(Wellbeing::Urgent)
                    || intervention.is_some_and(|(_, u)| u == Urgency::Emergency))
                .then(|| veille::domain::emergency::Protocol {
                    services: veille::domain::emergency::ServicesCalled::AlreadyCalled,
                    decision: "Sa fille l'emmène aux urgences".into(),
                    no_request_reason: "Sa fille est sur place".into(),
                }),
                incoming: false,
                lives_alone: None,
            },
            ended,
            &rules,
        )
        .expect("save the call");
}

/// Marie signed in at 09:00 (Paris) and made four calls before 10:42: Hélène reached and
/// worried (food, meal delivery), André reached and urgent (health, urgent
/// accompaniment), Zoé to call back at 16:00 by Marie herself, Françoise no answer.
fn marie_after_her_calls(fx: &Fixture, lang: Lang) -> App {
    let mut app = app_at(fx, lang, at("2026-11-28T08:00:00Z"));
    let marie = app.store.operator("mdupont").expect("operator");
    app.sign_in(marie, at("2026-11-28T08:00:00Z"))
        .expect("sign in");
    let shift = app.session.as_ref().expect("session").shift_id;
    let mut store = fx.store();
    use NeedCategory::{Food, Health};
    call(
        &mut store,
        fx,
        "mdupont",
        shift,
        "Lefèvre",
        "2026-11-28T08:15:00Z",
        Outcome::Reached,
        Some(Wellbeing::Worried),
        None,
        vec![Food],
        Some("meal_delivery"),
        None,
    );
    call(
        &mut store,
        fx,
        "mdupont",
        shift,
        "Lambert",
        "2026-11-28T08:40:00Z",
        Outcome::Reached,
        Some(Wellbeing::Urgent),
        None,
        vec![Health],
        None,
        Some((InterventionKind::Accompaniment, Urgency::Urgent)),
    );
    call(
        &mut store,
        fx,
        "mdupont",
        shift,
        "Nguyen",
        "2026-11-28T09:00:00Z",
        Outcome::CallbackRequested,
        None,
        Some(("2026-11-28T15:00:00Z", true)),
        vec![],
        None,
        None,
    );
    call(
        &mut store,
        fx,
        "mdupont",
        shift,
        "Petit",
        "2026-11-28T09:20:00Z",
        Outcome::NoAnswer,
        None,
        None,
        vec![],
        None,
        None,
    );
    app.clock = Clock::Fixed(now());
    app.open_queue(now());
    app
}

fn on_summary(app: &App) -> &veille::tui::summary::SummaryState {
    match &app.screen {
        Screen::Summary(s) => s,
        _ => panic!("not on the summary screen"),
    }
}

#[test]
fn summary_screen() {
    for lang in Lang::ALL {
        for size in SIZES {
            // A fresh database each time: the shift's figures are those of one shift.
            let fx = fixture();
            let mut app = marie_after_her_calls(&fx, lang);
            press(&mut app, &[Char('q')]);
            assert_snapshot!(
                name("summary", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
            press(&mut app, &[Esc]);
            assert!(matches!(app.screen, Screen::Queue(_)), "Esc: back to work");
        }
    }
}

#[test]
fn summary_figures_match_the_calls_made() {
    let fx = fixture();
    let mut app = marie_after_her_calls(&fx, Lang::En);
    press(&mut app, &[Char('q')]);
    let s = &on_summary(&app).summary;
    assert_eq!(s.calls_made, 4);
    assert_eq!(s.tenants_reached_unique, 2);
    assert_eq!(s.callbacks_kept_for_operator.len(), 1);
    assert_eq!(s.tenants_of_concern.len(), 2);
    let text = screen(&mut app, 120, 40);
    for expected in [
        "Mme Zoé Nguyen",
        "M. André Lambert",
        "!! URGENT · Appointment escort",
        "1 callback(s) kept for you alone",
        "Calls made                   4",
    ] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
}

#[test]
fn the_summary_scrolls_at_80x24() {
    let fx = fixture();
    let mut app = marie_after_her_calls(&fx, Lang::En);
    press(&mut app, &[Char('q')]);
    let top = screen(&mut app, 80, 24);
    assert!(top.contains("↓ more"), "{top}");
    assert!(!top.contains("Tenants to worry about"), "{top}");
    press(&mut app, &[KeyCode::End]);
    let bottom = screen(&mut app, 80, 24);
    assert!(bottom.contains("Tenants to worry about"), "{bottom}");
    assert!(bottom.contains("End your shift and quit?"), "{bottom}");
}

#[test]
fn report_screen() {
    let fx = fixture();
    drop(marie_after_her_calls(&fx, Lang::Fr));
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = signed_in(&fx, lang, "lfaure");
            press(&mut app, &[Char('p')]);
            assert!(matches!(app.screen, Screen::Report(_)));
            assert_snapshot!(
                name("report", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
            press(&mut app, &[Esc]);
            assert!(matches!(app.screen, Screen::Queue(_)));
            app.end_shift(now());
        }
    }
}

#[test]
fn the_report_shows_one_cohort_at_a_time_then_all_again() {
    let fx = fixture();
    drop(marie_after_her_calls(&fx, Lang::Fr));
    let mut app = signed_in(&fx, Lang::Fr, "lfaure");
    press(&mut app, &[Char('p')]);
    let shown = |app: &App| match &app.screen {
        Screen::Report(r) => (r.cohort, r.report.cohort.clone(), r.report.calls_total),
        _ => panic!("the report is open"),
    };
    let (none, _, all_calls) = shown(&app);
    assert_eq!(none, None);
    assert!(all_calls > 0, "the week has calls");
    let cohorts: Vec<(i64, String)> = fx
        .conn()
        .prepare("SELECT id, name FROM cohorts ORDER BY priority, name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(cohorts.len(), 2);
    // Each press shows the next cohort: each call belongs to one, so theirs add up.
    let mut calls = 0;
    for (id, name) in &cohorts {
        press(&mut app, &[Char('c')]);
        let (cohort, named, n) = shown(&app);
        assert_eq!((cohort, named.as_deref()), (Some(*id), Some(name.as_str())));
        assert!(screen(&mut app, 120, 40).contains(&format!("cohorte « {name} »")));
        calls += n;
    }
    assert_eq!(calls, all_calls);
    press(&mut app, &[Char('c')]);
    assert_eq!(shown(&app).0, None, "then all of them again");
    assert!(screen(&mut app, 120, 40).contains("toutes cohortes"));
    // Changing week keeps the cohort chosen.
    press(&mut app, &[Char('c'), Left]);
    assert_eq!(shown(&app).0, Some(cohorts[0].0));
}

#[test]
fn ending_a_shift_with_a_note_writes_it() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    let shift = app.session.as_ref().expect("session").shift_id;
    press(&mut app, &[Char('q'), Char('h')]);
    assert!(matches!(app.popup, Some(Popup::HandoverNote(_))));
    type_text(&mut app, "Mme Petit ne répond pas : rappeler à 15 h");
    press(&mut app, &[Enter]);
    assert!(
        app.popup.is_none(),
        "the note is saved and the popup closes"
    );
    assert_eq!(
        fx.conn()
            .query_row(
                "SELECT handover_note FROM shifts WHERE id = ?1",
                [shift],
                |r| r.get::<_, String>(0)
            )
            .expect("shift"),
        "Mme Petit ne répond pas : rappeler à 15 h"
    );
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Mme Petit ne répond pas"), "{text}");
    press(&mut app, &[Enter]);
    assert!(app.quit);
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM shifts WHERE id = {shift} AND ended_at IS NOT NULL"
        )),
        1
    );

    // The next shift reads it on the queue, and in full with m.
    let mut karim = signed_in(&fx, Lang::Fr, "kbenali");
    let queue = screen(&mut karim, 80, 24);
    assert!(queue.contains("Relève (1) : Marie Dupont"), "{queue}");
    press(&mut karim, &[Char('m')]);
    let notes = screen(&mut karim, 80, 24);
    assert!(notes.contains("Notes de relève du jour"), "{notes}");
    assert!(notes.contains("rappeler à 15 h"), "{notes}");
    press(&mut karim, &[Esc]);
    assert!(karim.popup.is_none());
}

#[test]
fn handing_callbacks_to_a_colleague_changes_who_calls_back() {
    let fx = fixture();
    let mut app = marie_after_her_calls(&fx, Lang::En);
    let zoe = fx.tenant_id("Nguyen");
    let marie = fx.operator_id("mdupont");
    let karim = fx.operator_id("kbenali");
    let callback_operator = || {
        fx.conn()
            .query_row(
                "SELECT callback_operator_id FROM tenants WHERE id = ?1",
                [zoe],
                |r| r.get::<_, Option<i64>>(0),
            )
            .expect("tenant")
    };
    assert_eq!(callback_operator(), Some(marie));
    press(&mut app, &[Char('q'), Char('t')]);
    let picker = screen(&mut app, 80, 24);
    assert!(
        picker.contains("Who will make your 1 callback(s)?"),
        "{picker}"
    );
    type_text(&mut app, "karim");
    press(&mut app, &[Down, Enter]);
    assert!(app.popup.is_none());
    assert_eq!(callback_operator(), Some(karim));
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'hand_over_callback' AND tenant_id = {zoe}"
        )),
        1
    );
    let message = app.message.as_ref().map(|m| m.text.clone());
    assert_eq!(
        message.as_deref(),
        Some("1 callback(s) handed to Karim Benali.")
    );
    // Nothing is kept any more: the summary says so, and t has nothing to hand over.
    assert!(
        on_summary(&app)
            .summary
            .callbacks_kept_for_operator
            .is_empty()
    );
    press(&mut app, &[Char('t')]);
    assert!(app.popup.is_none());
}

#[test]
fn handing_callbacks_to_the_whole_team() {
    let fx = fixture();
    let mut app = marie_after_her_calls(&fx, Lang::Fr);
    press(&mut app, &[Char('q'), Char('t'), Enter]);
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM tenants WHERE id = {} AND callback_at IS NOT NULL AND callback_operator_id IS NULL",
            fx.tenant_id("Nguyen")
        )),
        1
    );
}

#[test]
fn a_draft_left_open_is_listed_in_the_summary() {
    let fx = fixture();
    {
        let mut app = signed_in(&fx, Lang::Fr, "mdupont");
        press(
            &mut app,
            &[Char('j'), Enter, Char('1'), Char('2'), Char('2'), Tab],
        );
        type_text(&mut app, "Courses difficiles");
        // The terminal goes away with the call open.
    }
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[Esc, Char('q')]);
    let s = &on_summary(&app).summary;
    assert_eq!(s.unsaved_drafts.len(), 1);
    assert_eq!(s.unsaved_drafts[0].tenant_name, "Mme Hélène Lefèvre");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("! Appel saisi mais non enregistré"), "{text}");
    assert!(text.contains("Mme Hélène Lefèvre"), "{text}");
    assert!(!text.contains("Rien n'est resté en suspens"), "{text}");
}

#[test]
fn an_operator_cannot_open_the_report() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::En, "mdupont");
    press(&mut app, &[Char('p')]);
    assert!(matches!(app.screen, Screen::Queue(_)));
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("Only coordinators can open the program report."),
        "{text}"
    );
}

#[test]
fn the_report_moves_week_by_week_but_not_into_the_future() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::En, "lfaure");
    press(&mut app, &[Char('p')]);
    let week = |app: &App| match &app.screen {
        Screen::Report(r) => (r.report.since, r.report.until, r.report.calls_total),
        _ => panic!("not on the report"),
    };
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
    // This week so far: Monday 23 to Saturday 28 November, the two calls of this morning.
    assert_eq!(week(&app), (d("2026-11-23"), d("2026-11-28"), 2));
    press(&mut app, &[Left]);
    // Last week: Hélène reached on the 21st.
    assert_eq!(week(&app), (d("2026-11-16"), d("2026-11-22"), 1));
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("2026-W47"), "{text}");
    press(&mut app, &[Right, Right]);
    assert_eq!(week(&app), (d("2026-11-23"), d("2026-11-28"), 2));
    assert_eq!(
        app.message.as_ref().map(|m| m.text.as_str()),
        Some("This is the current week.")
    );
}
