//! A coordinator corrects a tenant's name from the call screen (letters a spreadsheet
//! lost), on a test terminal: written and audited, refused when empty without losing
//! what was typed, and not offered to operators.
// Test code: an unwrap that fails is the test failing.
#![allow(clippy::unwrap_used)]

mod tui_support;

use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;
use veille::i18n::Lang;
use veille::tui::App;
use veille::tui::app::Screen;
use veille::tui::popup::Popup;

/// Opens a call on the first tenant of the queue, whose name a spreadsheet damaged.
fn on_a_call(fx: &Fixture, login: &str) -> (App, i64) {
    let mut app = signed_in(fx, Lang::Fr, login);
    let Screen::Queue(q) = &app.screen else {
        panic!("the queue first");
    };
    let tenant = q.entries[0].tenant.id;
    fx.conn()
        .execute(
            "UPDATE tenants SET last_name = 'Nguy?n', first_name = 'Thi' WHERE id = ?1",
            [tenant],
        )
        .unwrap();
    press(&mut app, &[KeyCode::Enter]);
    assert!(matches!(app.screen, Screen::Call(_)), "the call is open");
    (app, tenant)
}

fn last_name(fx: &Fixture, tenant: i64) -> String {
    fx.conn()
        .query_row(
            "SELECT last_name FROM tenants WHERE id = ?1",
            [tenant],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_coordinator_corrects_a_name_on_the_card() {
    let fx = fixture();
    let (mut app, tenant) = on_a_call(&fx, "lfaure");
    send(&mut app, ctrl('e'));
    assert!(matches!(app.popup, Some(Popup::Name(_))));
    assert_snapshot!("name_fr_80x24", draw(&mut app, 80, 24).backend());

    // An empty last name is refused in the popup; what was typed stays.
    send(&mut app, ctrl('u'));
    send(&mut app, ctrl('s'));
    let Some(Popup::Name(form)) = &app.popup else {
        panic!("the form stays open");
    };
    assert_eq!(form.first_name.value(), "Thi");
    assert!(screen(&mut app, 80, 24).contains("Le nom ne peut pas être vide."));
    assert_eq!(last_name(&fx, tenant), "Nguy?n");

    type_text(&mut app, "Nguyễn");
    send(&mut app, ctrl('s'));
    assert!(app.popup.is_none());
    assert_eq!(last_name(&fx, tenant), "Nguyễn");
    assert_eq!(
        fx.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'tenant_name_changed'
               AND tenant_id = {tenant} AND operator_id = {}",
            fx.operator_id("lfaure")
        )),
        1
    );
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("Nom corrigé."), "{shown}");
    assert!(
        shown.contains("Nguyễn"),
        "the card shows the new name: {shown}"
    );
}

#[test]
fn an_operator_is_not_offered_the_correction() {
    let fx = fixture();
    let (mut app, tenant) = on_a_call(&fx, "mdupont");
    send(&mut app, ctrl('e'));
    assert!(app.popup.is_none());
    assert!(screen(&mut app, 80, 24).contains("Seuls les coordinateurs corrigent un nom"));
    assert_eq!(last_name(&fx, tenant), "Nguy?n");
}
