//! The operator screens driven by key events, as an operator uses them: the database
//! is checked after each flow.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

mod tui_support;

use ratatui::crossterm::event::KeyModifiers;
use ratatui::crossterm::event::{Event, KeyCode, MouseButton, MouseEvent, MouseEventKind};
use tui_support::*;
use veille::i18n::Lang;
use veille::tui::Input;
use veille::tui::app::Screen;
use veille::tui::call::form::Field;
use veille::tui::popup::Popup;

use KeyCode::{BackTab, Char, Down, Enter, Esc, F, Tab};

fn on_call(app: &veille::tui::App) -> &veille::tui::call::CallState {
    match &app.screen {
        Screen::Call(c) => c,
        _ => panic!("not on the call screen"),
    }
}

fn on_queue(app: &veille::tui::App) -> bool {
    matches!(app.screen, Screen::Queue(_))
}

/// The queue is: Jean (callback due), Hélène, André, Françoise, Zoé.
fn open_helene(app: &mut veille::tui::App) {
    press(app, &[Char('j'), Enter]);
    assert_eq!(on_call(app).card.tenant.first_name, "Hélène");
}

#[test]
fn a_whole_call_is_saved_with_needs_referral_and_intervention() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    let queue = screen(&mut app, 100, 30);
    assert!(queue.contains("Jean Moreau"), "{queue}");
    assert!(queue.contains("Rappel à 10:30"), "{queue}");
    open_helene(&mut app);
    let helene = fx.tenant_id("Lefèvre");
    let marie = fx.operator_id("mdupont");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM claims WHERE tenant_id = {helene} AND operator_id = {marie} AND released_at IS NULL"
        )),
        1,
        "opening the call claims the tenant"
    );
    let call_screen = screen(&mut app, 80, 24);
    assert!(call_screen.contains("01 99 00 12 34"), "{call_screen}");

    // Reached (1), worried (2), food need (2) with details, notes.
    press(&mut app, &[Char('1'), Char('2'), Char('2'), Tab]);
    assert_eq!(
        on_call(&app).focus,
        Field::NeedDetails(veille::domain::NeedCategory::Food)
    );
    type_text(&mut app, "N'arrive plus à porter ses courses");
    press(&mut app, &[Tab]);
    assert_eq!(on_call(&app).focus, Field::Notes);
    type_text(&mut app, "Sa fille passe le dimanche.");

    // A referral: the category follows the ticked need; second food service.
    press(&mut app, &[F(3)]);
    assert!(matches!(app.popup, Some(Popup::Referral(_))));
    press(&mut app, &[Tab, Char('2'), Tab]);
    type_text(&mut app, "Livraison dès lundi");
    press(&mut app, &[Enter]);
    assert!(app.popup.is_none());
    assert_eq!(on_call(&app).form.referrals.len(), 1);

    // An intervention: accompaniment, urgent, on 2 December at 14:00.
    press(&mut app, &[F(4), Tab, Char('2'), Tab]);
    type_text(&mut app, "02/12 14:00");
    press(&mut app, &[Tab, Tab]);
    type_text(&mut app, "RDV cardiologue");
    press(&mut app, &[Enter]);
    assert_eq!(on_call(&app).form.interventions.len(), 1);
    assert!(
        fx.drafts.read_dir().map_or(0, std::iter::Iterator::count) == 1,
        "the form is kept as a draft while it is filled"
    );

    send(&mut app, ctrl('s'));
    assert!(on_queue(&app), "saving returns to the queue");
    let after = screen(&mut app, 100, 30);
    assert!(
        after.contains("Appel enregistré. Prochain appel le 05/12 à 00:00."),
        "{after}"
    );
    assert!(
        after.contains("Appels 1 · Joints 1 · Orient. 1 · Interv. 1"),
        "{after}"
    );

    let conn = fx.conn();
    let (call_id, outcome, wellbeing, notes, shift): (i64, String, String, String, Option<i64>) =
        conn.query_row(
            "SELECT id, outcome, wellbeing, notes, shift_id FROM calls
             WHERE tenant_id = ?1 AND operator_id = ?2",
            [helene, marie],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("the call");
    assert_eq!(
        (outcome.as_str(), wellbeing.as_str()),
        ("reached", "worried")
    );
    assert_eq!(notes, "Sa fille passe le dimanche.");
    assert!(shift.is_some(), "the call belongs to the shift");
    let need: (String, String) = conn
        .query_row(
            "SELECT category, details FROM needs WHERE call_id = ?1",
            [call_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the need");
    assert_eq!(
        need,
        ("food".into(), "N'arrive plus à porter ses courses".into())
    );
    let referral: (String, String, String, String, String) = conn
        .query_row(
            "SELECT r.category, r.status, r.note, r.follow_up_on, s.name_fr FROM referrals r
             JOIN services s ON s.id = r.service_id WHERE r.call_id = ?1",
            [call_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("the referral");
    let second_food: String = conn
        .query_row(
            "SELECT name_fr FROM services WHERE category = 'food' AND active = 1
             ORDER BY name_fr LIMIT 1 OFFSET 1",
            [],
            |r| r.get(0),
        )
        .expect("services");
    assert_eq!(
        referral,
        (
            "food".into(),
            "proposed".into(),
            "Livraison dès lundi".into(),
            "2026-12-05".into(),
            second_food
        )
    );
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM referral_events e JOIN referrals r ON r.id = e.referral_id WHERE r.call_id = {call_id}"
        )),
        1
    );
    let intervention: (String, String, String, String, String) = conn
        .query_row(
            "SELECT kind, urgency, wanted_at, place, details FROM interventions WHERE call_id = ?1",
            [call_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("the intervention");
    assert_eq!(intervention.0, "accompaniment");
    assert_eq!(intervention.1, "urgent");
    assert_eq!(intervention.2, "2026-12-02T13:00:00.000Z");
    assert!(
        intervention.3.starts_with("12 rue des Lilas, 75019 Paris"),
        "{}",
        intervention.3
    );
    assert!(intervention.3.contains("code 4821A"), "{}", intervention.3);
    assert_eq!(intervention.4, "RDV cardiologue");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM claims WHERE tenant_id = {helene} AND released_at IS NULL"
        )),
        0,
        "the claim is released"
    );
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM claims WHERE tenant_id = {helene} AND release_reason = 'saved'"
        )),
        2,
        "last week's claim and this one were released by saving"
    );
    let due: String = conn
        .query_row("SELECT due_at FROM tenants WHERE id = ?1", [helene], |r| {
            r.get(0)
        })
        .expect("due");
    assert_eq!(
        due, "2026-12-04T23:00:00.000Z",
        "next week at opening (all day: midnight in Paris)"
    );
    assert_eq!(
        fx.drafts.read_dir().map_or(0, std::iter::Iterator::count),
        0,
        "the draft is removed after the save"
    );
}

#[test]
fn enter_moves_on_and_space_ticks() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::En, "mdupont");
    open_helene(&mut app);
    press(&mut app, &[KeyCode::Right, KeyCode::Right, Char(' ')]);
    assert_eq!(
        on_call(&app).form.outcome,
        Some(veille::domain::Outcome::Busy)
    );
    // Nobody reached: the form goes from the outcome to the notes.
    press(&mut app, &[Enter]);
    assert_eq!(on_call(&app).focus, Field::Notes);
    press(
        &mut app,
        &[BackTab, KeyCode::Left, KeyCode::Left, Char(' ')],
    );
    assert_eq!(
        on_call(&app).form.outcome,
        Some(veille::domain::Outcome::Reached)
    );
    press(&mut app, &[Enter]);
    assert_eq!(on_call(&app).focus, Field::Wellbeing);
    press(&mut app, &[Enter, Char(' ')]);
    assert!(
        on_call(&app).form.needs[0].checked,
        "space ticks the highlighted need"
    );
    press(&mut app, &[BackTab, BackTab]);
    assert_eq!(on_call(&app).focus, Field::Outcome);
}

#[test]
fn saving_checks_the_form_and_keeps_it() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    send(&mut app, ctrl('s'));
    assert!(
        matches!(app.screen, Screen::Call(_)),
        "nothing saved without an outcome"
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Choisissez le résultat de l'appel"), "{s}");

    // A callback needs a time to come.
    press(&mut app, &[Char('7')]);
    assert_eq!(on_call(&app).focus, Field::CallbackAt);
    send(&mut app, ctrl('s'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Indiquez quand rappeler"), "{s}");
    type_text(&mut app, "28/11 09:00");
    send(&mut app, ctrl('s'));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("déjà passée"), "{s}");
    assert_eq!(fx.count("SELECT count(*) FROM calls WHERE operator_id = (SELECT id FROM operators WHERE login = 'mdupont')"), 0);
    // Ctrl+U empties the field; what is not understood says so whole, with examples; a
    // time said as on the phone is echoed as it was read.
    send(&mut app, ctrl('u'));
    type_text(&mut app, "bientôt");
    send(&mut app, ctrl('s'));
    let s = screen(&mut app, 80, 24).replace("\"\n\"", " ");
    assert!(
        s.contains("Heure de rappel non comprise : écrivez par exemple 16:30, demain")
            && s.contains("10h, jeudi 14h30 ou dans 2h."),
        "{s}"
    );
    send(&mut app, ctrl('u'));
    assert_eq!(on_call(&app).form.callback_at.value(), "");
    type_text(&mut app, "demain 10h");
    assert!(screen(&mut app, 80, 24).contains("→ dim. 29/11 10:00"));
    send(&mut app, ctrl('u'));
    type_text(&mut app, "16h30");
    assert!(screen(&mut app, 80, 24).contains("→ sam. 28/11 16:30"));
    press(&mut app, &[Tab, Char(' ')]);
    assert!(on_call(&app).form.callback_only_me);
    send(&mut app, ctrl('s'));
    assert!(on_queue(&app));
    let helene = fx.tenant_id("Lefèvre");
    let marie = fx.operator_id("mdupont");
    let (callback_at, op): (String, i64) = fx
        .conn()
        .query_row(
            "SELECT callback_at, callback_operator_id FROM tenants WHERE id = ?1",
            [helene],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("tenant");
    assert_eq!(
        (callback_at.as_str(), op),
        ("2026-11-28T15:30:00.000Z", marie)
    );
}

#[test]
fn leaving_a_call_offers_no_answer_as_the_quick_save() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    press(&mut app, &[Esc]);
    assert!(matches!(
        app.popup,
        Some(Popup::LeaveCall { entered: false })
    ));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Enregistrer « pas de réponse »"), "{s}");
    press(&mut app, &[Esc]);
    assert!(app.popup.is_none(), "Esc goes back to the call");
    press(&mut app, &[Esc, Char('1')]);
    assert!(on_queue(&app));
    let helene = fx.tenant_id("Lefèvre");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM calls WHERE tenant_id = {helene} AND outcome = 'no_answer'"
        )),
        1
    );
    let (attempts, due): (i64, String) = fx
        .conn()
        .query_row(
            "SELECT attempts_count, due_at FROM tenants WHERE id = ?1",
            [helene],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("tenant");
    assert_eq!(
        (attempts, due.as_str()),
        (1, "2026-11-28T11:42:00.000Z"),
        "tried again two hours later"
    );
}

#[test]
fn abandoning_gives_the_tenant_back_and_drops_the_draft() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    press(&mut app, &[Char('1')]);
    assert_eq!(
        fx.drafts.read_dir().map_or(0, std::iter::Iterator::count),
        1
    );
    press(&mut app, &[Esc, Char('2')]);
    assert!(on_queue(&app));
    let helene = fx.tenant_id("Lefèvre");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM claims WHERE tenant_id = {helene} AND release_reason = 'abandoned'"
        )),
        1
    );
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM calls WHERE tenant_id = {helene}"
        )),
        1
    );
    assert_eq!(
        fx.drafts.read_dir().map_or(0, std::iter::Iterator::count),
        0
    );
}

#[test]
fn next_due_claims_the_first_of_the_queue() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[Char('n')]);
    assert_eq!(
        on_call(&app).card.tenant.last_name,
        "Moreau",
        "the callback comes first"
    );
}

#[test]
fn a_tenant_held_by_a_colleague_is_refused_with_their_name() {
    let fx = fixture();
    let mut other = fx.store();
    let rules = other.rules().expect("rules");
    let karim = fx.operator_id("kbenali");
    let helene = fx.tenant_id("Lefèvre");
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    other
        .claim_tenant(karim, helene, now(), &rules)
        .expect("Karim takes Hélène");
    press(&mut app, &[Char('j'), Enter]);
    assert!(on_queue(&app));
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("Karim Benali appelle cette personne en ce moment."),
        "{s}"
    );
}

#[test]
fn the_claim_is_renewed_while_the_call_is_open() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    let first = on_call(&app).claim.expires_at;
    app.clock = veille::clock::Clock::Fixed(now() + chrono::Duration::minutes(6));
    tick(&mut app);
    let renewed = on_call(&app).claim.expires_at;
    assert_eq!(renewed, now() + chrono::Duration::minutes(26));
    assert!(renewed > first);
    let helene = fx.tenant_id("Lefèvre");
    let stored: String = fx
        .conn()
        .query_row(
            "SELECT expires_at FROM claims WHERE tenant_id = ?1 AND released_at IS NULL",
            [helene],
            |r| r.get(0),
        )
        .expect("claim");
    assert_eq!(stored, "2026-11-28T10:08:00.000Z");
}

#[test]
fn a_lost_claim_keeps_what_was_typed_and_the_tenant_can_be_taken_back() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    press(&mut app, &[Char('1'), Char('1'), Tab]);
    assert_eq!(on_call(&app).focus, Field::Notes);
    type_text(&mut app, "Tout va bien");
    let form = on_call(&app).form.clone();

    // The lease runs out (a suspended laptop) and Karim takes Hélène.
    let later = now() + chrono::Duration::minutes(30);
    let mut other = fx.store();
    let rules = other.rules().expect("rules");
    let karim_claim = other
        .claim_tenant(
            fx.operator_id("kbenali"),
            fx.tenant_id("Lefèvre"),
            later,
            &rules,
        )
        .expect("Karim takes Hélène");
    app.clock = veille::clock::Clock::Fixed(later);
    send(&mut app, ctrl('s'));
    assert!(on_call(&app).claim_lost);
    assert_eq!(on_call(&app).form, form, "what was typed is kept");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("RÉSERVATION PERDUE"), "{s}");
    assert_eq!(
        fx.drafts.read_dir().map_or(0, std::iter::Iterator::count),
        1,
        "the draft stays"
    );

    // While Karim holds the tenant, taking them back is refused.
    send(&mut app, ctrl('r'));
    assert!(on_call(&app).claim_lost);
    // Karim leaves without saving; Marie takes Hélène back and saves.
    other.release_claim(&karim_claim, later).expect("release");
    send(&mut app, ctrl('r'));
    assert!(!on_call(&app).claim_lost);
    send(&mut app, ctrl('s'));
    assert!(on_queue(&app));
    assert_eq!(
        fx.count("SELECT count(*) FROM calls WHERE notes = 'Tout va bien' AND outcome = 'reached'"),
        1
    );
}

#[test]
fn a_busy_database_delays_the_save_without_losing_it() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    press(&mut app, &[Char('2')]);

    // Another process holds the write lock.
    let blocker = fx.conn();
    blocker.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let started = std::time::Instant::now();
    send(&mut app, ctrl('s'));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "the screen stays responsive"
    );
    assert!(on_call(&app).saving_since.is_some());
    let s = screen(&mut app, 100, 30);
    assert!(
        s.contains("Enregistrement en attente : la base est occupée"),
        "{s}"
    );
    tick(&mut app);
    assert!(
        matches!(app.screen, Screen::Call(_)),
        "still waiting, form kept"
    );

    blocker.execute_batch("COMMIT").expect("unlock");
    tick(&mut app);
    assert!(on_queue(&app), "saved on the next tick");
    let helene = fx.tenant_id("Lefèvre");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM calls WHERE tenant_id = {helene} AND outcome = 'no_answer'"
        )),
        1
    );
}

#[test]
fn a_draft_survives_a_crash_and_is_offered_at_the_next_start() {
    let fx = fixture();
    let save_id;
    {
        let mut app = signed_in(&fx, Lang::Fr, "mdupont");
        open_helene(&mut app);
        // Reached, urgent: the protocol comes next (help called by me, what was decided,
        // why no team), then the health need.
        press(&mut app, &[Char('1'), Char('3')]);
        assert_eq!(on_call(&app).focus, Field::EmergencyServices);
        press(&mut app, &[Char('1')]);
        type_text(&mut app, "SAMU en route");
        press(&mut app, &[Tab]);
        type_text(&mut app, "Le SAMU se déplace");
        press(&mut app, &[Tab, Char('1'), Tab]);
        type_text(&mut app, "Chute hier soir");
        save_id = on_call(&app).save_id.clone();
        // The process dies here: nothing is saved, nothing is cleaned up.
    }
    let files: Vec<_> = fx.drafts.read_dir().expect("drafts").flatten().collect();
    assert_eq!(files.len(), 1);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = files[0].metadata().expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only its owner can read a draft");
    }

    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    assert!(matches!(app.popup, Some(Popup::ResumeDraft { .. })));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Mme Hélène Lefèvre"), "{s}");
    assert!(s.contains("Besoins : Santé"), "{s}");
    press(&mut app, &[Enter]);
    let call = on_call(&app);
    assert_eq!(call.save_id, save_id, "the same save identifier");
    assert_eq!(
        call.form
            .need(veille::domain::NeedCategory::Health)
            .map(|n| n.details.value()),
        Some("Chute hier soir")
    );
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("URGENCE : appelez le 15"),
        "urgent wellbeing shows the banner: {s}"
    );
    send(&mut app, ctrl('s'));
    assert!(on_queue(&app));
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM calls WHERE save_id = '{save_id}'"
        )),
        1
    );
    // The protocol came back with the draft and was saved with the call; the tenant is
    // called again within the hour, not next week.
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM emergencies e JOIN calls c ON c.id = e.call_id
             WHERE c.save_id = '{save_id}' AND e.services = 'by_operator'
               AND e.decision = 'SAMU en route' AND e.no_request_reason = 'Le SAMU se déplace'
               AND e.taken_at IS NULL"
        )),
        1
    );
    let helene = fx.tenant_id("Lefèvre");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM tenants WHERE id = {helene}
             AND due_at = '2026-11-28T10:42:00.000Z'"
        )),
        1,
        "called again 60 minutes after the emergency"
    );
}

#[test]
fn a_draft_whose_save_had_landed_is_not_saved_twice() {
    let fx = fixture();
    let draft_copy;
    {
        let mut app = signed_in(&fx, Lang::Fr, "mdupont");
        open_helene(&mut app);
        press(&mut app, &[Char('2')]);
        let file = fx
            .drafts
            .read_dir()
            .expect("drafts")
            .flatten()
            .next()
            .expect("draft")
            .path();
        draft_copy = (file.clone(), std::fs::read(&file).expect("read"));
        send(&mut app, ctrl('s'));
        assert!(on_queue(&app));
    }
    // The crash came after the commit but before the draft was removed.
    std::fs::write(&draft_copy.0, &draft_copy.1).expect("restore the draft");
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[Enter]);
    assert!(on_queue(&app));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("déjà été enregistré"), "{s}");
    let helene = fx.tenant_id("Lefèvre");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM calls WHERE tenant_id = {helene} AND outcome = 'no_answer'"
        )),
        1
    );
    assert_eq!(
        fx.drafts.read_dir().map_or(0, std::iter::Iterator::count),
        0
    );
}

#[test]
fn a_draft_is_discarded_only_when_asked_twice() {
    let fx = fixture();
    {
        let mut app = signed_in(&fx, Lang::Fr, "mdupont");
        open_helene(&mut app);
        press(&mut app, &[Char('1')]);
    }
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[KeyCode::Delete]);
    assert!(matches!(
        app.popup,
        Some(Popup::ResumeDraft {
            confirm_discard: true
        })
    ));
    press(&mut app, &[Esc, Esc]);
    assert!(app.popup.is_none());
    assert!(app.pending_draft.is_some(), "Later keeps the draft");
    // Taking another tenant offers the draft first: it is never overwritten.
    press(&mut app, &[Enter]);
    assert!(matches!(app.popup, Some(Popup::ResumeDraft { .. })));
    press(&mut app, &[KeyCode::Delete, KeyCode::Delete]);
    assert!(app.pending_draft.is_none());
    assert_eq!(
        fx.drafts.read_dir().map_or(0, std::iter::Iterator::count),
        0
    );
    let helene = fx.tenant_id("Lefèvre");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM claims WHERE tenant_id = {helene} AND released_at IS NULL"
        )),
        0,
        "the draft's claim is given back"
    );
}

#[test]
fn sign_in_finds_operators_without_accents_and_starts_a_shift() {
    let fx = fixture();
    let mut app = app(&fx, Lang::Fr);
    type_text(&mut app, "faure");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Léa Fauré"), "{s}");
    assert!(!s.contains("Marie Dupont"), "{s}");
    press(&mut app, &[Enter]);
    assert!(on_queue(&app));
    assert_eq!(
        fx.count(
            "SELECT count(*) FROM shifts s JOIN operators o ON o.id = s.operator_id
                  WHERE o.login = 'lfaure' AND s.ended_at IS NULL"
        ),
        1
    );
}

#[test]
fn the_last_operator_on_this_machine_is_offered_first_and_remembered() {
    let fx = fixture();
    let config = fx.dir.path().join("config").join("config.toml");
    let options = |last: Option<&str>| veille::tui::Options {
        clock: veille::clock::Clock::Fixed(now()),
        lang: Lang::Fr,
        theme: veille::tui::theme::Theme::plain(),
        drafts_dir: fx.drafts.clone(),
        config_path: Some(config.clone()),
        config: veille::config::Config {
            last_operator: last.map(String::from),
            ..veille::config::Config::default()
        },
    };
    let mut app = veille::tui::App::new(fx.store(), options(Some("kbenali"))).expect("app");
    let s = screen(&mut app, 80, 24);
    assert!(
        s.contains("Dernière connexion sur ce poste : Karim Benali"),
        "{s}"
    );
    press(&mut app, &[Enter]);
    assert_eq!(
        app.session.as_ref().map(|s| s.operator.login.as_str()),
        Some("kbenali")
    );
    let written = std::fs::read_to_string(&config).expect("config written");
    assert!(written.contains("kbenali"), "{written}");
}

#[test]
fn ending_the_shift_asks_then_releases_everything() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[Char('q')]);
    assert!(matches!(app.screen, Screen::Summary(_)));
    press(&mut app, &[Esc]);
    assert!(!app.quit);
    press(&mut app, &[Char('q'), Enter]);
    assert!(app.quit);
    assert_eq!(
        fx.count("SELECT count(*) FROM shifts WHERE ended_at IS NULL"),
        0
    );
}

#[test]
fn mouse_clicks_select_rows_and_options() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    let click = |x, y| {
        Input::Event(Event::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        }))
    };
    let s = screen(&mut app, 80, 24);
    let row = s
        .lines()
        .position(|l| l.contains("Hélène"))
        .expect("Hélène on screen") as u16;
    send(&mut app, click(5, row));
    match &app.screen {
        Screen::Queue(q) => assert_eq!(q.entries[q.selected].tenant.first_name, "Hélène"),
        _ => panic!("queue"),
    }
    press(&mut app, &[Enter]);
    let s = screen(&mut app, 80, 24);
    let (row, col) = s
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("Messagerie").map(|c| (i, l[..c].chars().count())))
        .expect("the voicemail option on screen");
    send(&mut app, click(col as u16, row as u16));
    assert_eq!(
        on_call(&app).form.outcome,
        Some(veille::domain::Outcome::Voicemail)
    );
    // Nobody reached: no needs to click; reached, they are back.
    assert!(!screen(&mut app, 80, 24).contains("Alimentation"));
    press(&mut app, &[Char('1')]);
    let s = screen(&mut app, 80, 24);
    let (row, col) = s
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("Alimentation").map(|c| (i, l[..c].chars().count())))
        .expect("the food need on screen");
    send(&mut app, click(col as u16, row as u16));
    assert!(
        on_call(&app)
            .form
            .need(veille::domain::NeedCategory::Food)
            .is_some_and(|n| n.checked)
    );
    let _ = Down;
}

#[test]
fn nothing_happens_below_the_minimum_size_but_the_screen_says_why() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    let s = screen(&mut app, 60, 20);
    assert!(
        s.contains("Agrandissez la fenêtre : 80×24 minimum (actuellement 60×20)."),
        "{s}"
    );
    press(&mut app, &[Enter]);
    assert!(on_queue(&app), "keys are ignored while nothing can be seen");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("File d'appels"), "{s}");
}

#[test]
fn the_queue_refreshes_by_itself_and_keeps_the_place() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[Char('j')]);
    let mut other = fx.store();
    let rules = other.rules().expect("rules");
    other
        .claim_tenant(
            fx.operator_id("kbenali"),
            fx.tenant_id("Lefèvre"),
            now(),
            &rules,
        )
        .expect("Karim takes Hélène");
    app.clock = veille::clock::Clock::Fixed(now() + chrono::Duration::seconds(5));
    tick(&mut app);
    assert!(
        screen(&mut app, 80, 24).contains("Hélène"),
        "not reloaded at every tick"
    );
    app.clock = veille::clock::Clock::Fixed(now() + chrono::Duration::seconds(20));
    tick(&mut app);
    let s = screen(&mut app, 80, 24);
    assert!(!s.contains("Hélène"), "{s}");
    assert!(s.contains("File d'appels (4)"), "{s}");
    match &app.screen {
        Screen::Queue(q) => {
            assert_eq!(q.selected, 1, "the same place in the list");
            assert_eq!(q.entries[1].tenant.last_name, "Lambert");
        }
        _ => panic!("queue"),
    }
}

#[test]
fn without_colour_the_focus_and_the_emergency_still_show() {
    use ratatui::style::{Color, Modifier};
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    assert!(!app.theme.color, "the fixture draws as with NO_COLOR");
    open_helene(&mut app);
    press(&mut app, &[Char('1'), Char('3')]);
    let terminal = draw(&mut app, 80, 24);
    let buf = terminal.backend().buffer();
    let find = |text: &str| {
        let s = terminal.backend().to_string();
        let (row, line) = s
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(text))
            .unwrap_or_else(|| panic!("{text} on screen"));
        // Lines are quoted in the backend's text: skip the opening quote.
        let col = line[..line.find(text).unwrap_or(0)].chars().count() - 1;
        (col as u16, row as u16)
    };
    let (x, y) = find("URGENCE");
    let cell = &buf[(x, y)];
    assert!(
        cell.modifier.contains(Modifier::REVERSED),
        "the banner is in reverse video"
    );
    assert!(
        cell.fg == Color::Reset && cell.bg == Color::Reset,
        "and has no colour"
    );
    let (x, y) = find("( ) 1 Je les ai appelés");
    assert!(
        buf[(x, y)].modifier.contains(Modifier::REVERSED),
        "the highlighted option is in reverse video"
    );
    for row in 0..24 {
        for col in 0..80 {
            let c = &buf[(col, row)];
            assert!(
                c.fg == Color::Reset && c.bg == Color::Reset,
                "colour at {col},{row}"
            );
        }
    }
}

#[test]
fn the_terminal_cursor_follows_the_focus() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    let mut terminal = draw(&mut app, 80, 24);
    let queue_row = terminal
        .backend()
        .to_string()
        .lines()
        .position(|l| l.contains("▶ M. Jean Moreau"))
        .expect("selected row") as u16;
    terminal
        .backend_mut()
        .assert_cursor_position((1, queue_row));
    open_helene(&mut app);
    press(&mut app, &[Char('1'), Char('1'), Tab]);
    type_text(&mut app, "abc");
    let mut terminal = draw(&mut app, 80, 24);
    let screen = terminal.backend().to_string();
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("▶Notes"))
        .expect("notes focused");
    let col = line[..line.find("[abc").expect("the notes box")]
        .chars()
        .count();
    // After "[abc": the quote of the text dump is not on screen, the "[" is.
    terminal
        .backend_mut()
        .assert_cursor_position((col as u16 + 3, row as u16));
}

#[test]
fn the_script_follows_the_form_and_names_the_tenant() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Script 1/9 : Accueil et identité"), "{s}");
    assert!(s.contains("je m'appelle Marie Dupont"), "{s}");
    assert!(s.contains("de la part de Paris"), "{s}");
    assert!(s.contains("Suis-je bien avec Mme Lefèvre"), "{s}");
    press(&mut app, &[Char('1')]);
    assert!(screen(&mut app, 80, 24).contains("Script 2/9 : Comment allez-vous"));
    // Down to the referrals: the step of open requests, filled from the card.
    for _ in 0..3 {
        press(&mut app, &[Down]);
    }
    assert_eq!(on_call(&app).focus, Field::AddReferral);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("Dernier appel : le 21/11, Joint (Karim"), "{s}");
    assert!(
        s.contains("• Portage de repas à domicile (proposée),"),
        "{s}"
    );
    assert!(
        s.contains("Script 8/9 : Suivi des demandes en cours"),
        "{s}"
    );
}

#[test]
fn a_hospital_stay_pauses_calls_until_the_date() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    press(&mut app, &[Char('8')]);
    assert_eq!(on_call(&app).focus, Field::HospitalisedUntil);
    type_text(&mut app, "10/12");
    send(&mut app, ctrl('s'));
    assert!(on_queue(&app));
    let helene = fx.tenant_id("Lefèvre");
    let (status, until): (String, String) = fx
        .conn()
        .query_row(
            "SELECT status, paused_until FROM tenants WHERE id = ?1",
            [helene],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("tenant");
    assert_eq!(
        (status.as_str(), until.as_str()),
        ("hospitalised", "2026-12-10")
    );
}

#[test]
fn leaving_a_filled_call_offers_to_save_it_and_never_no_answer() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    let before = fx.count("SELECT count(*) FROM calls");
    open_helene(&mut app);
    let helene = fx.tenant_id("Lefèvre");
    // Reached, nothing else yet: leaving offers to save what was entered, not "no answer".
    press(&mut app, &[Char('1')]);
    press(&mut app, &[Esc]);
    assert!(matches!(
        app.popup,
        Some(Popup::LeaveCall { entered: true })
    ));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("1  Enregistrer ce que j'ai saisi"), "{s}");
    assert!(s.contains("ce qui est saisi sera perdu"), "{s}");
    assert!(!s.contains("pas de réponse"), "{s}");
    // Incomplete: the save is refused on the call, with what is missing, nothing lost.
    press(&mut app, &[Char('1')]);
    assert!(app.popup.is_none());
    assert_eq!(on_call(&app).focus, Field::Wellbeing);
    assert_eq!(
        on_call(&app).form.outcome,
        Some(veille::domain::Outcome::Reached)
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("indiquez comment elle va"), "{s}");
    // Worried, with a note: Esc then 1 saves it as entered.
    press(&mut app, &[Char('2'), Tab]);
    assert_eq!(on_call(&app).focus, Field::Notes);
    type_text(&mut app, "Fatiguée");
    press(&mut app, &[Esc, Char('1')]);
    assert!(on_queue(&app));
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM calls WHERE tenant_id = {helene}
             AND outcome = 'reached' AND wellbeing = 'worried' AND notes = 'Fatiguée'"
        )),
        1
    );
    assert_eq!(fx.count("SELECT count(*) FROM calls"), before + 1);
}

#[test]
fn a_save_that_lands_while_a_popup_is_open_closes_it() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    press(&mut app, &[Char('2')]);
    let blocker = fx.conn();
    blocker.execute_batch("BEGIN IMMEDIATE").expect("lock");
    send(&mut app, ctrl('s'));
    press(&mut app, &[Esc]);
    assert!(matches!(
        app.popup,
        Some(Popup::LeaveCall { entered: true })
    ));
    blocker.execute_batch("COMMIT").expect("unlock");
    tick(&mut app);
    assert!(on_queue(&app));
    assert!(app.popup.is_none());
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Appel enregistré."), "{s}");
}

#[test]
fn referrals_and_interventions_can_be_changed_or_removed_before_saving() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    press(&mut app, &[F(3), Enter, F(3), Enter]);
    assert_eq!(on_call(&app).form.referrals.len(), 2);
    // Health (no need ticked): the first health service, follow-up in a week.
    assert_eq!(
        on_call(&app).form.referrals[0].follow_up_on,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
    );
    assert_eq!(on_call(&app).focus, Field::Outcome);
    press(&mut app, &[KeyCode::Up]);
    for _ in 0..5 {
        press(&mut app, &[Down]);
    }
    assert_eq!(on_call(&app).focus, Field::Referral(0));
    press(&mut app, &[Enter]);
    assert!(matches!(&app.popup, Some(Popup::Referral(f)) if f.editing == Some(0)));
    press(&mut app, &[Tab, Tab]);
    type_text(&mut app, "changée");
    press(&mut app, &[Enter]);
    assert_eq!(on_call(&app).form.referrals.len(), 2);
    assert_eq!(on_call(&app).form.referrals[0].note, "changée");
    press(&mut app, &[KeyCode::Delete]);
    assert_eq!(on_call(&app).form.referrals.len(), 1);
    assert_eq!(
        on_call(&app).focus,
        Field::Referral(0),
        "the focus stays on the list"
    );
    press(&mut app, &[KeyCode::Delete]);
    assert!(on_call(&app).form.referrals.is_empty());
    assert_eq!(on_call(&app).focus, Field::AddReferral);

    // A follow-up date that cannot be read keeps the popup open and says why.
    press(&mut app, &[F(3), Tab, Tab, Tab]);
    for _ in 0..10 {
        press(&mut app, &[KeyCode::Backspace]);
    }
    type_text(&mut app, "31/02");
    press(&mut app, &[Enter]);
    assert!(matches!(app.popup, Some(Popup::Referral(_))));
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Date non comprise"), "{s}");
    press(&mut app, &[Esc]);
    assert!(on_call(&app).form.referrals.is_empty(), "Esc adds nothing");
}

#[test]
fn on_a_small_screen_last_calls_notes_are_one_key_away_and_more_form_is_announced() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    // Jean is first: his last call asked to call back after his nap.
    press(&mut app, &[Enter]);
    assert_eq!(on_call(&app).card.tenant.first_name, "Jean");
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("F8 : 1 note(s) des derniers appels"), "{s}");
    assert!(!s.contains("↓ suite"), "the whole form shows: {s}");
    assert!(!s.contains("sieste"), "{s}");
    // Reached: the script asks how what was noted last time went.
    press(&mut app, &[Char('1')]);
    let s = screen(&mut app, 120, 40);
    assert!(
        s.contains("Noté le 28/11 : « Rappeler après sa") && s.contains("Demandez où cela en est."),
        "{s}"
    );
    assert!(!s.contains("F8 :"), "the card is beside the script: {s}");
    press(&mut app, &[KeyCode::BackTab]);
    press(&mut app, &[F(8)]);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Derniers appels (F8 : script)"), "{s}");
    assert!(s.contains("Rappeler après sa sieste"), "{s}");
    send(&mut app, ctrl('p'));
    assert!(screen(&mut app, 80, 24).contains("Script 1/9"));
    // Reached, urgent: the protocol makes the form longer than the screen.
    press(&mut app, &[Char('1'), Char('3')]);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("↓ suite"), "the form goes on below: {s}");
    // At the end of the form, what is above is announced instead.
    for _ in 0..30 {
        press(&mut app, &[Tab]);
    }
    assert_eq!(on_call(&app).focus, Field::Save);
    assert!(screen(&mut app, 80, 24).contains("↑ début"));
}

#[test]
fn the_number_goes_to_the_clipboard_and_the_softphone_with_the_hiding_prefix() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    let dialled = fx.dir.path().join("dialled");
    let script = fx.dir.path().join("softphone.sh");
    std::fs::write(&script, "#!/bin/sh\nprintf '%s' \"$2\" > \"$3\"\n").expect("script");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("mode");
    }
    app.config.caller_id_prefix = Some("#31#".into());
    open_helene(&mut app);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Numéro à composer : #31# 01 99 00 12 34"), "{s}");

    // Without a softphone: copied to the clipboard through the terminal.
    press(&mut app, &[F(9)]);
    assert_eq!(
        app.to_terminal,
        ["\u{1b}]52;c;IzMxIzAxOTkwMDEyMzQ=\u{7}".to_string()],
        "OSC 52 with #31#0199001234"
    );
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("Numéro copié : #31#0199001234"), "{s}");
    assert!(app.to_terminal.is_empty(), "written after the draw");

    // With one: dialled too, the number as one word of the command, no shell.
    app.config.dial_command = Some(format!(
        "{} dial {{number}} {}",
        script.display(),
        dialled.display()
    ));
    send(&mut app, ctrl('n'));
    assert!(
        screen(&mut app, 80, 24).contains("Appel lancé vers #31#0199001234"),
        "{:?}",
        app.message
    );
    let start = std::time::Instant::now();
    while std::fs::read_to_string(&dialled)
        .unwrap_or_default()
        .is_empty()
    {
        assert!(
            start.elapsed().as_secs() < 5,
            "the softphone was not started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(&dialled).expect("dialled"),
        "#31#0199001234"
    );
}

#[test]
fn the_help_taller_than_the_screen_scrolls_to_its_last_sentence() {
    let fx = fixture();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    open_helene(&mut app);
    press(&mut app, &[F(1)]);
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("↓ suite"), "{s}");
    assert!(!s.contains("perdu en cas de coupure"), "{s}");
    for _ in 0..15 {
        press(&mut app, &[KeyCode::Down]);
    }
    let s = screen(&mut app, 80, 24);
    assert!(s.contains("perdu en cas de coupure"), "{s}");
    assert!(!s.contains("↓ suite"), "{s}");
    // Roomy, it is whole at once.
    press(&mut app, &[Esc, F(1)]);
    let s = screen(&mut app, 120, 40);
    assert!(s.contains("perdu en cas de coupure"), "{s}");
}
