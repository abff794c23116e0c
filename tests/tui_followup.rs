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
    // The header counts it as the end-of-shift summary does.
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Appels 0 · Joints 0 · Orient. 1"), "{s}");
    let shift = app.session.as_ref().expect("session").shift_id;
    let summary = fx.store().shift_summary(shift, now()).expect("summary");
    assert_eq!(summary.referrals_made, 1);
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
                emergency: None,
                incoming: false,
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

#[test]
fn an_emergency_call_alerts_every_coordinator_until_one_takes_it() {
    let fx = fixture();
    // Léa coordinates, in two terminals (French and English); Karim is an operator.
    let mut lea = signed_in(&fx, Lang::Fr, "lfaure");
    let mut lea_en = signed_in(&fx, Lang::En, "lfaure");
    let mut karim = signed_in(&fx, Lang::Fr, "kbenali");
    assert!(!screen(&mut lea, 80, 24).contains("URGENCE"));

    // Marie, on the phone: reached, urgent; the protocol cannot be skipped.
    let mut marie = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut marie, &[Char('j'), Enter, Char('1'), Char('3')]);
    send(&mut marie, ctrl('s'));
    assert!(
        matches!(marie.screen, Screen::Call(_)),
        "refused without the protocol"
    );
    let s = screen(&mut marie, 80, 24);
    assert!(s.contains("dites si les secours"), "{s}");
    press(&mut marie, &[Char('1')]);
    type_text(&mut marie, "SAMU appelé, en route");
    press(&mut marie, &[Tab]);
    type_text(&mut marie, "Le SAMU se déplace");
    send(&mut marie, ctrl('s'));
    assert!(on_queue(&marie), "{:?}", marie.message);
    assert!(
        !screen(&mut marie, 80, 24).contains("URGENCE(S)"),
        "an operator has no coordinator's alert"
    );

    // Within the refresh, on whatever screen, each coordinator sees it.
    for app in [&mut lea, &mut lea_en, &mut karim] {
        app.clock = veille::clock::Clock::Fixed(now() + Duration::seconds(20));
        tick(app);
    }
    let s = screen(&mut lea, 80, 24);
    assert!(s.contains("1 URGENCE(S) À PRENDRE EN CHARGE"), "{s}");
    assert!(screen(&mut lea_en, 80, 24).contains("1 EMERGENCY(IES) TO TAKE"));
    assert!(!screen(&mut karim, 80, 24).contains("URGENCE(S)"));

    // Léa opens dispatch: the emergency with the phone, who called and what was decided.
    press(&mut lea, &[Char('d')]);
    let s = screen(&mut lea, 100, 30);
    assert!(s.contains("URGENCES À PRENDRE EN CHARGE (1)"), "{s}");
    assert!(
        s.contains("Hélène Lefèvre · 01 99 00 12 34 · Marie Dupont"),
        "{s}"
    );
    assert!(
        s.contains("Je les ai appelés · SAMU appelé, en route"),
        "{s}"
    );
    press(&mut lea, &[Char('p')]);
    assert!(
        message(&lea).contains("Vous prenez l'urgence"),
        "{}",
        message(&lea)
    );
    assert_eq!(dispatch(&lea).emergencies.len(), 0);
    assert!(!screen(&mut lea, 80, 24).contains("URGENCE(S)"));
    let lea_id = fx.operator_id("lfaure");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM emergencies WHERE taken_by = {lea_id} AND taken_at IS NOT NULL"
        )),
        1
    );
    assert_eq!(
        fx.count("SELECT count(*) FROM audit_log WHERE action = 'emergency_taken'"),
        1
    );

    // The other terminal's alert goes at its next refresh; taking it again from a list
    // read before says who has it.
    lea_en.clock = veille::clock::Clock::Fixed(now() + Duration::seconds(40));
    tick(&mut lea_en);
    assert!(!screen(&mut lea_en, 80, 24).contains("EMERGENCY(IES)"));
    let id = fx.count("SELECT id FROM emergencies");
    lea_en.apply(veille::tui::effect::Effect::TakeEmergency(id));
    assert!(
        message(&lea_en).contains("taken already by Léa Fauré"),
        "{}",
        message(&lea_en)
    );
}

#[test]
fn the_quick_search_counts_every_namesake_scrolls_to_them_and_shows_their_age() {
    let fx = fixture();
    {
        let mut store = fx.store();
        let cohort = fx.count("SELECT id FROM cohorts ORDER BY id LIMIT 1");
        let lebruns: Vec<veille::store::NewTenant> = (0..16)
            .map(|n| veille::store::NewTenant {
                external_ref: format!("L{n:02}"),
                title: "Mme".into(),
                first_name: format!("Prénom{n:02}"),
                last_name: "Lebrun".into(),
                birth_date: NaiveDate::from_ymd_opt(1930 + n, 1, 15),
                phone: Some(format!("01990099{n:02}")),
                address: "3 rue Haxo".into(),
                postcode: "75020".into(),
                city: "Paris".into(),
                language: "fr".into(),
                ..veille::store::NewTenant::default()
            })
            .collect();
        store
            .upsert_tenants(&lebruns, cohort, None, now())
            .expect("tenants");
    }
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[F(6)]);
    type_text(&mut app, "lebrun");
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("16 trouvé·e(s)"), "{s}");
    assert!(
        s.contains("Lebrun Prénom00 · 96 ans · 01 99 00 99 00"),
        "{s}"
    );
    assert!(!s.contains("Prénom15"), "eight at once: {s}");
    for _ in 0..15 {
        press(&mut app, &[KeyCode::Down]);
    }
    let s = screen(&mut app, 100, 30);
    assert!(
        s.contains("▶ Lebrun Prénom15 · 81 ans"),
        "scrolled to the last: {s}"
    );
    assert!(!s.contains("Prénom00"), "{s}");
}

#[test]
fn a_tenant_who_phones_in_is_found_and_recorded_as_an_incoming_call() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[F(6)]);
    type_text(&mut app, "petit");
    press(&mut app, &[Enter]);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains(" a  Appel entrant"), "{s}");
    press(&mut app, &[Char('a')]);
    assert!(app.popup.is_none(), "{:?}", app.popup);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Appel entrant · pris à 10:42"), "{s}");
    assert!(s.contains("(•) 1 Joint"), "reached, since they called: {s}");
    // Fine, with a food need; saved like any call.
    press(&mut app, &[Char('1'), Char('2')]);
    send(&mut app, ctrl('s'));
    assert!(on_queue(&app), "{:?}", app.message);
    let francoise = fx.tenant_id("Petit");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM calls c JOIN needs n ON n.call_id = c.id
             WHERE c.tenant_id = {francoise} AND c.incoming = 1 AND c.outcome = 'reached'
               AND c.wellbeing = 'fine' AND n.category = 'food'"
        )),
        1
    );
    let store = fx.store();
    let shift = app.session.as_ref().expect("session").shift_id;
    let summary = store.shift_summary(shift, now()).expect("summary");
    assert_eq!((summary.calls_made, summary.calls_incoming), (1, 1));
}

#[test]
fn a_slash_narrows_the_follow_up_and_dispatch_lists_as_one_types() {
    let fx = fixture();
    team_and_emergency(&fx);
    let mut app = signed_in(&fx, Lang::Fr, "lfaure");
    press(&mut app, &[Char('f')]);
    let all = followup(&app).items.len();
    assert!(all >= 3, "{all}");
    press(&mut app, &[Char('/')]);
    type_text(&mut app, "nguy");
    assert_eq!(followup(&app).items.len(), 1);
    assert_eq!(followup(&app).items[0].tenant_name(), "Zoé Nguyen");
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("Filtre : nguy▏"), "{s}");
    // Enter keeps the filter and gives the keys back to the list; Esc drops it.
    press(&mut app, &[Enter]);
    assert!(screen(&mut app, 100, 30).contains("Filtre : nguy ·"));
    press(&mut app, &[Esc]);
    assert_eq!(followup(&app).items.len(), all);
    press(&mut app, &[Esc]);
    assert!(on_queue(&app));

    // Dispatch: by phone number, spaces or not.
    press(&mut app, &[Char('d'), Char('/')]);
    type_text(&mut app, "0199001235");
    let d = dispatch(&app);
    assert_eq!(d.items.len(), 1, "{:?}", d.items);
    assert_eq!(d.items[0].tenant_name, "Jean Moreau");
    press(&mut app, &[Esc]);
    assert_eq!(dispatch(&app).items.len(), 2);
}
