//! Text from spreadsheets and other operators reaches the screen, never the terminal:
//! control characters in a tenant's data cannot move the cursor or change colours.

mod tui_support;

use ratatui::crossterm::event::KeyCode::{Char, Enter};
use tui_support::*;
use veille::i18n::Lang;

#[test]
fn control_characters_in_tenant_data_are_not_sent_to_the_terminal() {
    let fx = fixture();
    let helene = fx.tenant_id("Lefèvre");
    fx.conn()
        .execute(
            "UPDATE tenants SET notes = ?2, first_name = ?3 WHERE id = ?1",
            rusqlite::params![
                helene,
                "code\u{1b}[2J porte\u{7} bleue\r\n2e",
                "Hé\u{1b}]0;x\u{7}lène"
            ],
        )
        .unwrap();
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    press(&mut app, &[Char('j')]);
    for (w, h) in [(80, 24), (120, 40)] {
        let term = draw(&mut app, w, h);
        for cell in term.backend().buffer().content() {
            assert!(
                !cell.symbol().chars().any(char::is_control),
                "a control character reached the terminal: {:?}",
                cell.symbol()
            );
        }
    }
    let queue = screen(&mut app, 120, 40);
    assert!(
        queue.contains("porte"),
        "the rest of the text is still shown: {queue}"
    );
    // And on the call screen, where the notes are read during the call.
    press(&mut app, &[Enter]);
    let term = draw(&mut app, 80, 24);
    assert!(
        term.backend()
            .buffer()
            .content()
            .iter()
            .all(|c| !c.symbol().chars().any(char::is_control))
    );
}

#[test]
fn a_huge_note_is_shown_by_its_start_and_the_screen_stays_whole() {
    // A 10 MB note pasted in a spreadsheet: the screens read its first 2,000 characters
    // (how quick a key press stays is measured in benches/veille.rs, worst_text).
    let fx = fixture();
    let helene = fx.tenant_id("Lefèvre");
    let huge = format!(
        "Préfère être rappelée après sa sieste. {}",
        "x".repeat(10 << 20)
    );
    fx.conn()
        .execute(
            "UPDATE tenants SET notes = ?2 WHERE id = ?1",
            rusqlite::params![helene, huge],
        )
        .unwrap();
    let store = fx.store();
    let card = store.tenant_card(helene).unwrap();
    assert_eq!(card.tenant.notes.chars().count(), 2000);
    assert!(card.tenant.notes.starts_with("Préfère être rappelée"));
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    let queue = screen(&mut app, 120, 40);
    assert!(
        queue.contains("Lefèvre") || queue.contains("LEFÈVRE"),
        "{queue}"
    );
    // The whole note is still in the file, for exports.
    let stored: i64 = fx.count(&format!(
        "SELECT length(notes) FROM tenants WHERE id = {helene}"
    ));
    assert_eq!(stored, i64::try_from(huge.chars().count()).unwrap());
}
