//! The quick entry, the follow-up screen and the dispatch screen as they are drawn, at
//! 80×24 and 120×40, in French and English, on a fixed clock and the fixture data.

mod tui_support;

use chrono::{Duration, NaiveDate};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;
use veille::domain::{InterventionKind, Urgency};
use veille::i18n::Lang;

use KeyCode::{Char, Enter, F};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn name(screen: &str, lang: Lang, (w, h): (u16, u16)) -> String {
    format!("{screen}_{}_{w}x{h}", lang.code())
}

/// An overdue referral for André, a field team, a routine delivery and an emergency
/// left unassigned for 30 minutes.
fn requests(fx: &Fixture) {
    let mut store = fx.store();
    let marie = fx.operator_id("mdupont");
    let karim = fx.operator_id("kbenali");
    let health =
        fx.count("SELECT id FROM services WHERE category = 'health' ORDER BY name_fr LIMIT 1");
    store
        .create_referral(
            fx.tenant_id("Lambert"),
            health,
            "Rendez-vous infirmière",
            NaiveDate::from_ymd_opt(2026, 11, 25),
            marie,
            now() - Duration::days(5),
        )
        .expect("referral");
    store
        .upsert_field_team("Équipe Nord", Some("Julie T., Paul R."), None, None, now())
        .expect("team");
    store
        .create_intervention(
            fx.tenant_id("Moreau"),
            InterventionKind::Delivery,
            Urgency::Routine,
            Some(at("2026-11-30T13:00:00Z")),
            "12 rue des Lilas, 75019 Paris",
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
            "12 rue des Lilas, 75019 Paris",
            "Ne répond plus, voisine inquiète",
            karim,
            now() - Duration::minutes(30),
        )
        .expect("emergency");
}

#[test]
fn quick_entry() {
    let fx = fixture();
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = signed_in(&fx, lang, "mdupont");
            press(&mut app, &[F(6)]);
            type_text(&mut app, "lef");
            assert_snapshot!(
                name("quick_entry", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
        }
    }
}

#[test]
fn quick_entry_kind_and_referral() {
    let fx = fixture();
    for lang in Lang::ALL {
        let mut app = signed_in(&fx, lang, "mdupont");
        press(&mut app, &[F(6)]);
        type_text(&mut app, "lamb");
        press(&mut app, &[Enter]);
        assert_snapshot!(
            name("quick_kind", lang, (80, 24)),
            draw(&mut app, 80, 24).backend()
        );
        press(&mut app, &[Char('r'), Char('2')]);
        assert_snapshot!(
            name("quick_referral", lang, (80, 24)),
            draw(&mut app, 80, 24).backend()
        );
    }
}

#[test]
fn follow_up() {
    let fx = fixture();
    requests(&fx);
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = signed_in(&fx, lang, "lfaure");
            press(&mut app, &[Char('f')]);
            assert_snapshot!(
                name("follow_up", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
        }
    }
}

#[test]
fn dispatch() {
    let fx = fixture();
    requests(&fx);
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = signed_in(&fx, lang, "lfaure");
            press(&mut app, &[Char('d')]);
            assert_snapshot!(
                name("dispatch", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
        }
        let mut app = signed_in(&fx, lang, "lfaure");
        press(&mut app, &[Char('d'), Enter]);
        assert_snapshot!(
            name("dispatch_assign", lang, (80, 24)),
            draw(&mut app, 80, 24).backend()
        );
    }
}

/// An urgent call Marie saved 20 minutes ago with its protocol, waiting for a coordinator.
fn emergency_call(fx: &Fixture) {
    use veille::domain::emergency::{Protocol, ServicesCalled};
    use veille::domain::{Outcome, Wellbeing};
    let mut store = fx.store();
    let rules = store.rules().expect("rules");
    let marie = fx.operator_id("mdupont");
    let when = now() - Duration::minutes(20);
    let claim = store
        .claim_tenant(marie, fx.tenant_id("Lefèvre"), when, &rules)
        .expect("claim");
    let mut call = veille::store::CallToSave {
        save_id: veille::store::new_save_id(when),
        claim,
        shift_id: None,
        started_at: when,
        outcome: Outcome::Reached,
        wellbeing: Some(Wellbeing::Urgent),
        callback_at: None,
        callback_only_me: false,
        hospitalised_until: None,
        notes: String::new(),
        needs: vec![],
        referrals: vec![],
        interventions: vec![],
        emergency: None,
        incoming: false,
        lives_alone: None,
    };
    call.emergency = Some(Protocol {
        services: ServicesCalled::ByOperator,
        decision: "SAMU appelé, arrive dans 20 minutes".into(),
        no_request_reason: "Le SAMU se déplace".into(),
    });
    store
        .save_call(&call, when + Duration::minutes(4), &rules)
        .expect("save");
}

#[test]
fn dispatch_with_an_emergency_to_take() {
    let fx = fixture();
    requests(&fx);
    emergency_call(&fx);
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = signed_in(&fx, lang, "lfaure");
            press(&mut app, &[Char('d')]);
            assert_snapshot!(
                name("dispatch_emergency", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
        }
    }
}
