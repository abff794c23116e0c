//! Mouse clicks land on the row they point at, whatever lines stand above the list.

mod tui_support;

use ratatui::crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use tui_support::*;
use veille::i18n::Lang;
use veille::tui::Input;
use veille::tui::app::Screen;

fn click(x: u16, y: u16) -> Input {
    Input::Event(Event::Mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }))
}

#[test]
fn a_click_selects_the_row_under_it_below_the_handover_line() {
    let fx = fixture();
    // A colleague left a handover note this morning: a line stands above the queue.
    {
        let mut store = fx.store();
        let karim = fx.operator_id("kbenali");
        let shift = store
            .start_shift(karim, at("2026-11-28T07:00:00Z"))
            .unwrap();
        store
            .write_handover_note(
                shift,
                karim,
                "Rappeler Mme Lefèvre",
                at("2026-11-28T07:30:00Z"),
            )
            .unwrap();
    }
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    let s = screen(&mut app, 100, 30);
    assert!(s.contains("Rappeler Mme Lefèvre"), "{s}");
    for name in ["Hélène", "André", "Jean"] {
        let row = s
            .lines()
            .position(|l| l.contains(name) && !l.contains("Rappeler"))
            .expect(name) as u16;
        // Each tenant takes two lines: a click on either selects them.
        for y in [row, row + 1] {
            send(&mut app, click(5, y));
            match &app.screen {
                Screen::Queue(q) => {
                    assert_eq!(q.entries[q.selected].tenant.first_name, name, "line {y}");
                }
                _ => panic!("queue"),
            }
        }
    }
}
