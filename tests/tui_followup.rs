//! Quick entry, follow-up, dispatch, the referral check on a call, and who sees what:
//! driven with key presses on the fixture, checked in the database afterwards.

mod tui_support;

use chrono::{Duration, NaiveDate};
use ratatui::crossterm::event::KeyCode;
use tui_support::*;
use veille::domain::{InterventionKind, Need, NeedCategory, Outcome, Urgency, Wellbeing};
use veille::i18n::Lang;
use veille::store::{CallToSave, new_save_id};
use veille::tui::app::Screen;
use veille::tui::popup::Popup;

use KeyCode::{Backspace, Char, Enter, Esc, F, Tab};

fn on_queue(app: &veille::tui::App) -> bool {
    matches!(app.screen, Screen::Queue(_))
}

fn followup(app: &veille::tui::App) -> &veille::tui::followup::FollowUpState {
    match &app.screen {
        Screen::FollowUp(f) => f,
        _ => panic!("not on the follow-up screen"),
    }
}

fn dispatch(app: &veille::tui::App) -> &veille::tui::dispatch::DispatchState {
    match &app.screen {
        Screen::Dispatch(d) => d,
        _ => panic!("not on the dispatch screen"),
    }
}

fn message(app: &veille::tui::App) -> String {
    app.message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// Presses `keys` and returns how many there were.
fn count_presses(app: &mut veille::tui::App, keys: &[KeyCode]) -> usize {
    press(app, keys);
    keys.len()
}

#[test]
fn a_referral_found_by_name_is_saved_in_at_most_ten_keys_from_the_queue() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    assert!(on_queue(&app));
    assert!(
        app.quick_index.is_none(),
        "no index before the quick entry opens"
    );
    let keys = [
        F(6),      // quick entry
        Char('l'), // "lamb"
        Char('a'),
        Char('m'),
        Char('b'),
        Enter,     // the first result: André Lambert
        Char('r'), // a referral
        Char('2'), // food
        Enter,     // save with the first food service
    ];
    let n = count_presses(&mut app, &keys);
    assert!(n <= 10, "{n} keys");
    assert!(app.popup.is_none(), "saved and closed: {:?}", app.popup);
    assert!(message(&app).contains("André"), "{}", message(&app));

    let andre = fx.tenant_id("Lambert");
    let marie = fx.operator_id("mdupont");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM referrals WHERE tenant_id = {andre} AND category = 'food' AND created_by = {marie} AND status = 'proposed'"
        )),
        1
    );
    let first_food = fx.count(
        "SELECT id FROM services WHERE category = 'food' AND active = 1 ORDER BY name_fr LIMIT 1",
    );
    assert_eq!(
        fx.count(&format!(
            "SELECT service_id FROM referrals WHERE tenant_id = {andre}"
        )),
        first_food
    );
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM referral_events e JOIN referrals r ON r.id = e.referral_id WHERE r.tenant_id = {andre} AND e.operator_id = {marie}"
        )),
        1,
        "who and when are in its history"
    );
    // At once in the tenant's card and in the follow-up list.
    let card = app.store.tenant_card(andre).expect("card");
    assert_eq!(card.open_referrals.len(), 1);
    press(&mut app, &[Char('f')]);
    assert!(
        followup(&app)
            .items
            .iter()
            .any(|i| i.tenant_name() == "André Lambert")
    );
    // The index is kept for the session.
    assert!(app.quick_index.as_ref().is_some_and(|i| i.len() == 5));
}

#[test]
fn the_quick_entry_finds_tenants_by_phone_and_address_and_opens_from_a_call() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::En, "mdupont");
    // On a call, with a text field focused, F6 still opens it.
    press(&mut app, &[Char('j'), Enter, Char('1'), Char('1'), Tab]);
    assert!(matches!(app.screen, Screen::Call(_)));
    press(&mut app, &[F(6)]);
    assert!(matches!(app.popup, Some(Popup::Quick(_))));
    type_text(&mut app, "06 39 98 12 34");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Lefèvre Hélène"), "{s}");
    for _ in 0.."06 39 98 12 34".len() {
        press(&mut app, &[Backspace]);
    }
    type_text(&mut app, "zzzz");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Nobody matches"), "{s}");
    press(&mut app, &[Esc]);
    assert!(app.popup.is_none());
    assert!(
        matches!(app.screen, Screen::Call(_)),
        "the call is still open"
    );
}

#[test]
fn an_emergency_request_from_the_quick_entry_shows_the_15_112_banner() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[F(6)]);
    type_text(&mut app, "petit");
    press(&mut app, &[Enter, Char('i'), Char('2'), Tab, Char('3')]);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("112"), "the banner shows before saving: {s}");
    // Without details for the team it is refused where they can be typed.
    press(&mut app, &[Enter]);
    let s = screen(&mut app, 80, 24);
    assert!(app.popup.is_some(), "refused without details");
    assert!(s.contains("précisions pour l'équipe"), "{s}");
    type_text(&mut app, "Chute, ne se relève pas");
    press(&mut app, &[Enter]);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    assert!(message(&app).contains("112"), "{}", message(&app));
    let francoise = fx.tenant_id("Petit");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM interventions WHERE tenant_id = {francoise} AND kind = 'welfare_visit' AND urgency = 'emergency' AND status = 'requested' AND place LIKE '12 rue des Lilas%' AND details = 'Chute, ne se relève pas' AND wanted_at IS NOT NULL"
        )),
        1
    );
}

#[test]
fn a_status_change_needs_a_note_to_close_and_keeps_the_history() {
    let fx = fixture();
    // Karim made Hélène's referral last week.
    let mut app = signed_in(&fx, Lang::Fr, "kbenali");
    press(&mut app, &[Char('f')]);
    let f = followup(&app);
    assert_eq!(f.items.len(), 1, "{:?}", f.items);
    assert_eq!(f.history.len(), 1);
    press(&mut app, &[Enter, Char('3')]); // done
    press(&mut app, &[Enter]);
    assert!(
        matches!(&app.popup, Some(Popup::Choice(c)) if c.problem.is_some()),
        "closing without a note is refused"
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM referrals WHERE status = 'proposed'"),
        1
    );
    type_text(&mut app, "Repas livrés depuis lundi");
    press(&mut app, &[Enter]);
    assert!(app.popup.is_none());
    assert_eq!(
        fx.count("SELECT count(*) FROM referrals WHERE status = 'done'"),
        1
    );
    let karim = fx.operator_id("kbenali");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM referral_events WHERE status = 'done' AND note = 'Repas livrés depuis lundi' AND operator_id = {karim}"
        )),
        1
    );
    assert_eq!(fx.count("SELECT count(*) FROM referral_events"), 2);
    // Done is no longer open: the list is empty now.
    assert!(followup(&app).items.is_empty());
}

#[test]
fn operators_follow_their_own_requests_coordinators_everyones_and_overdue_ones_say_so() {
    let fx = fixture();
    let mut store = fx.store();
    let andre = fx.tenant_id("Lambert");
    let marie = fx.operator_id("mdupont");
    let service =
        fx.count("SELECT id FROM services WHERE category = 'health' ORDER BY name_fr LIMIT 1");
    store
        .create_referral(
            andre,
            service,
            "Rendez-vous infirmière",
            NaiveDate::from_ymd_opt(2026, 11, 25),
            marie,
            now() - Duration::days(5),
        )
        .expect("referral");

    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[Char('f')]);
    let names: Vec<_> = followup(&app)
        .items
        .iter()
        .map(|i| i.tenant_name().to_string())
        .collect();
    assert_eq!(names, vec!["André Lambert"], "only Marie's own requests");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("EN RETARD"), "overdue in words: {s}");
    press(&mut app, &[Char('m')]);
    assert_eq!(followup(&app).items.len(), 1, "operators cannot see all");

    let mut app = signed_in(&fx, Lang::Fr, "lfaure");
    press(&mut app, &[Char('f')]);
    assert_eq!(
        followup(&app).items.len(),
        2,
        "a coordinator sees everyone's"
    );
    // Sorted by follow-up date: the overdue one (25/11) before Hélène's (30/11).
    assert_eq!(followup(&app).items[0].tenant_name(), "André Lambert");
    press(&mut app, &[Char('m')]);
    assert_eq!(followup(&app).items.len(), 0, "Léa made none herself");
    press(&mut app, &[Char('m'), Char('c'), Char('c')]); // health, then food
    let items = &followup(&app).items;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].tenant_name(), "Hélène Lefèvre");
    press(&mut app, &[Esc]);
    assert!(on_queue(&app));
}

fn team_and_emergency(fx: &Fixture) -> i64 {
    let mut store = fx.store();
    store
        .upsert_field_team("Équipe Nord", Some("Julie T., Paul R."), None, None, now())
        .expect("team");
    let karim = fx.operator_id("kbenali");
    store
        .create_intervention(
            fx.tenant_id("Moreau"),
            InterventionKind::Delivery,
            Urgency::Routine,
            None,
            "12 rue des Lilas",
            "Courses",
            karim,
            now() - Duration::hours(1),
        )
        .expect("routine");
    store
        .create_intervention(
            fx.tenant_id("Nguyen"),
            InterventionKind::WelfareVisit,
            Urgency::Emergency,
            None,
            "12 rue des Lilas",
            "Ne répond plus, voisine inquiète",
            karim,
            now() - Duration::minutes(30),
        )
        .expect("emergency")
}

#[test]
fn a_coordinator_assigns_and_closes_from_dispatch_emergencies_first() {
    let fx = fixture();
    let emergency = team_and_emergency(&fx);
    let mut app = signed_in(&fx, Lang::Fr, "lfaure");
    press(&mut app, &[Char('d')]);
    let d = dispatch(&app);
    assert_eq!(d.items.len(), 2, "everyone's requests");
    assert_eq!(d.items[0].id, emergency, "the emergency on top");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("ALERTE"), "unassigned too long: {s}");

    press(&mut app, &[Enter, Char('1')]);
    type_text(&mut app, "28/11 14:00");
    press(&mut app, &[Enter]);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM interventions i JOIN field_teams f ON f.id = i.team_id WHERE i.id = {emergency} AND i.status = 'assigned' AND f.name = 'Équipe Nord' AND i.planned_at LIKE '2026-11-28T13:00%'"
        )),
        1
    );
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("ALERTE"), "assigned: no more alert: {s}");

    press(&mut app, &[Char('c'), Char('1'), Enter]);
    assert!(
        matches!(&app.popup, Some(Popup::Choice(c)) if c.problem.is_some()),
        "a note is needed to close"
    );
    type_text(&mut app, "Visite faite, va bien");
    press(&mut app, &[Enter]);
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM interventions WHERE id = {emergency} AND status = 'done' AND outcome = 'done'"
        )),
        1
    );
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM intervention_events WHERE intervention_id = {emergency}"
        )),
        3
    );
    assert_eq!(dispatch(&app).items.len(), 1);
}

#[test]
fn an_operator_cannot_open_dispatch() {
    let fx = fixture();
    team_and_emergency(&fx);
    let mut app = signed_in(&fx, Lang::En, "mdupont");
    press(&mut app, &[Char('d')]);
    assert!(on_queue(&app));
    assert!(message(&app).contains("coordinators"), "{}", message(&app));
}

/// A call with health details, saved for André a week ago by Karim.
fn past_health_details(fx: &Fixture) {
    let mut store = fx.store();
    let rules = store.rules().expect("rules");
    let karim = fx.operator_id("kbenali");
    let andre = fx.tenant_id("Lambert");
    let when = at("2026-11-21T10:00:00Z");
    let claim = store
        .claim_tenant(karim, andre, when, &rules)
        .expect("claim");
    store
        .save_call(
            &CallToSave {
                save_id: new_save_id(when),
                claim,
                shift_id: None,
                started_at: when,
                outcome: Outcome::Reached,
                wellbeing: Some(Wellbeing::Worried),
                callback_at: None,
                callback_only_me: false,
                hospitalised_until: None,
                notes: String::new(),
                needs: vec![Need {
                    category: NeedCategory::Health,
                    details: "Diabète, insuline le matin".into(),
                }],
                referrals: vec![],
                interventions: vec![],
                lives_alone: None,
            },
            when + Duration::minutes(5),
            &rules,
        )
        .expect("save");
}

fn reads(fx: &Fixture) -> i64 {
    fx.count("SELECT count(*) FROM audit_log WHERE action = 'health_details_read'")
}

#[test]
fn health_details_show_on_the_call_only_and_the_read_is_audited() {
    let fx = fixture();
    past_health_details(&fx);
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    // Select André on the queue: his card shows no health details.
    let andre = fx.tenant_id("Lambert");
    for _ in 0..5 {
        if let Screen::Queue(q) = &app.screen
            && q.selected_tenant() == Some(andre)
        {
            break;
        }
        press(&mut app, &[Char('j')]);
    }
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("André Lambert"), "{s}");
    assert!(!s.contains("insuline"), "the queue card hides them: {s}");
    assert_eq!(reads(&fx), 0);

    press(&mut app, &[Enter]);
    assert!(matches!(app.screen, Screen::Call(_)));
    assert_eq!(reads(&fx), 1, "opening the call reads them, audited");
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("insuline"), "the call shows them: {s}");
    let marie = fx.operator_id("mdupont");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'health_details_read' AND operator_id = {marie} AND tenant_id = {andre}"
        )),
        1
    );
}

#[test]
fn open_referrals_are_checked_on_the_call_and_updated_at_once() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[Char('j'), Enter]);
    assert!(matches!(app.screen, Screen::Call(_)));
    press(&mut app, &[F(7)]);
    let Some(Popup::Choice(form)) = &app.popup else {
        panic!("the check opens: {:?}", app.popup);
    };
    assert!(
        form.subject.contains("Portage de repas"),
        "{}",
        form.subject
    );
    // "Yes, it has started".
    press(&mut app, &[Char('1'), Enter]);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    assert_eq!(
        fx.count("SELECT count(*) FROM referrals WHERE status = 'in_progress'"),
        1
    );
    let marie = fx.operator_id("mdupont");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM referral_events WHERE status = 'in_progress' AND operator_id = {marie}"
        )),
        1
    );
    let Screen::Call(call) = &app.screen else {
        panic!("still on the call");
    };
    assert_eq!(
        call.card.open_referrals[0].3,
        veille::domain::ReferralStatus::InProgress,
        "the card shows the new status"
    );
    // "Not yet" changes nothing.
    press(&mut app, &[F(7), Char('2'), Enter]);
    assert_eq!(fx.count("SELECT count(*) FROM referral_events"), 2);
}
