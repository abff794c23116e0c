//! The screens as an operator sees them, drawn on a test terminal at 80×24 and
//! 120×40, in French and English, on a fixed clock and the fixture data.

mod tui_support;

use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use tui_support::*;
use veille::i18n::Lang;

use KeyCode::{Char, Enter, F, Tab};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn name(screen: &str, lang: Lang, (w, h): (u16, u16)) -> String {
    format!("{screen}_{}_{w}x{h}", lang.code())
}

/// A call on Hélène: reached, worried, food need with details.
fn call_in_progress(fx: &Fixture, lang: Lang) -> veille::tui::App {
    let mut app = signed_in(fx, lang, "mdupont");
    press(
        &mut app,
        &[Char('j'), Enter, Char('1'), Char('2'), Char('2'), Tab],
    );
    type_text(&mut app, "Courses difficiles");
    app
}

#[test]
fn sign_in() {
    let fx = fixture();
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = veille::tui::App::new(
                fx.store(),
                veille::tui::Options {
                    clock: veille::clock::Clock::Fixed(now()),
                    lang,
                    theme: veille::tui::theme::Theme::plain(),
                    drafts_dir: fx.drafts.clone(),
                    config_path: None,
                    config: veille::config::Config {
                        last_operator: Some("mdupont".into()),
                        ..veille::config::Config::default()
                    },
                },
            )
            .expect("app");
            assert_snapshot!(
                name("signin", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
        }
    }
}

#[test]
fn queue() {
    let fx = fixture();
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = signed_in(&fx, lang, "mdupont");
            press(&mut app, &[Char('j')]);
            assert_snapshot!(
                name("queue", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
        }
    }
}

#[test]
fn call() {
    let fx = fixture();
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = call_in_progress(&fx, lang);
            assert_snapshot!(
                name("call", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
            press(&mut app, &[KeyCode::Esc, Char('2')]);
        }
    }
}

#[test]
fn call_with_the_emergency_banner() {
    let fx = fixture();
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = signed_in(&fx, lang, "mdupont");
            press(&mut app, &[Char('j'), Enter, Char('1'), Char('3')]);
            assert_snapshot!(
                name("call_emergency", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
            press(&mut app, &[KeyCode::Esc, Char('2')]);
        }
    }
}

#[test]
fn help_overlay() {
    let fx = fixture();
    for lang in Lang::ALL {
        for size in SIZES {
            let mut app = call_in_progress(&fx, lang);
            press(&mut app, &[F(1)]);
            assert_snapshot!(
                name("help", lang, size),
                draw(&mut app, size.0, size.1).backend()
            );
            press(&mut app, &[KeyCode::Esc, KeyCode::Esc, Char('2')]);
        }
    }
}

#[test]
fn too_small() {
    let fx = fixture();
    for lang in Lang::ALL {
        let mut app = signed_in(&fx, lang, "mdupont");
        assert_snapshot!(
            name("too_small", lang, (60, 20)),
            draw(&mut app, 60, 20).backend()
        );
    }
}

#[test]
fn popups() {
    let fx = fixture();
    for lang in Lang::ALL {
        let mut app = call_in_progress(&fx, lang);
        press(&mut app, &[F(3)]);
        assert_snapshot!(
            name("referral", lang, (80, 24)),
            draw(&mut app, 80, 24).backend()
        );
        press(&mut app, &[KeyCode::Esc, F(4), Tab, Char('3')]);
        assert_snapshot!(
            name("intervention", lang, (80, 24)),
            draw(&mut app, 80, 24).backend()
        );
        press(&mut app, &[KeyCode::Esc, KeyCode::Esc]);
        assert_snapshot!(
            name("leave_call", lang, (80, 24)),
            draw(&mut app, 80, 24).backend()
        );
        press(&mut app, &[Char('2')]);
    }
}

#[test]
fn resume_draft_offer() {
    let fx = fixture();
    for lang in Lang::ALL {
        {
            let mut app = call_in_progress(&fx, lang);
            press(&mut app, &[Tab]);
            type_text(&mut app, "Sa fille passe le dimanche");
        }
        let mut app = signed_in(&fx, lang, "mdupont");
        assert_snapshot!(
            name("resume_draft", lang, (80, 24)),
            draw(&mut app, 80, 24).backend()
        );
        press(&mut app, &[KeyCode::Delete, KeyCode::Delete]);
    }
}

#[test]
fn empty_queue_says_why() {
    let fx = fixture();
    fx.store()
        .set_setting("calling_hours", "09:00-19:00")
        .expect("setting");
    for lang in Lang::ALL {
        // 20:30 in Paris: after calling hours.
        let mut app = app_at(&fx, lang, at("2026-11-28T19:30:00Z"));
        let op = app.store.operator("mdupont").expect("operator");
        app.sign_in(op, at("2026-11-28T19:30:00Z"))
            .expect("sign in");
        assert_snapshot!(
            name("queue_outside_hours", lang, (80, 24)),
            draw(&mut app, 80, 24).backend()
        );
    }
}

/// A queue longer than the screen: the selected tenant stays in view, and a scrollbar on
/// the list's right edge shows that more tenants lie below, then above.
#[test]
fn a_long_queue_shows_a_scrollbar() {
    let fx = fixture();
    let conn = fx.conn();
    let columns: Vec<String> = conn
        .prepare(
            "SELECT name FROM pragma_table_info('tenants')
             WHERE name NOT IN ('id', 'external_ref', 'last_name')",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let columns = columns.join(", ");
    for i in 0..20 {
        conn.execute(
            &format!(
                "INSERT INTO tenants (external_ref, last_name, {columns})
                 SELECT ?1, ?2, {columns} FROM tenants WHERE last_name = 'Petit'"
            ),
            rusqlite::params![format!("Q-{i:02}"), format!("Petit-{i:02}")],
        )
        .unwrap();
    }
    let mut app = signed_in(&fx, Lang::Fr, "mdupont");
    assert_snapshot!("queue_long_top_fr_80x24", draw(&mut app, 80, 24).backend());
    press(&mut app, &[KeyCode::End]);
    let bottom = screen(&mut app, 80, 24);
    assert_snapshot!("queue_long_bottom_fr_80x24", bottom);
}
