//! A small database made through the store API, and helpers to drive the operator
//! screens with key events on a fixed clock.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tempfile::TempDir;
use veille::clock::Clock;
use veille::config::Config;
use veille::domain::{Outcome, Role, Rules, Wellbeing};
use veille::i18n::Lang;
use veille::store::{
    CallToSave, NewCohort, NewOperator, NewTenant, ReferralToSave, Store, new_save_id,
};
use veille::tui::theme::Theme;
use veille::tui::{App, Input, Options};

/// Saturday 28 November 2026, 10:42 in Paris.
pub fn now() -> DateTime<Utc> {
    at("2026-11-28T09:42:00Z")
}

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a time")
}

pub struct Fixture {
    pub dir: TempDir,
    pub db: PathBuf,
    pub drafts: PathBuf,
}

impl Fixture {
    pub fn store(&self) -> Store {
        Store::open(&self.db).expect("open the fixture database")
    }

    pub fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("open with rusqlite")
    }

    /// One number from the database.
    pub fn count(&self, sql: &str) -> i64 {
        self.conn()
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub fn tenant_id(&self, last_name: &str) -> i64 {
        self.conn()
            .query_row(
                "SELECT id FROM tenants WHERE last_name = ?1",
                [last_name],
                |r| r.get(0),
            )
            .expect("tenant")
    }

    pub fn operator_id(&self, login: &str) -> i64 {
        self.conn()
            .query_row("SELECT id FROM operators WHERE login = ?1", [login], |r| {
                r.get(0)
            })
            .expect("operator")
    }
}

fn tenant(
    reference: &str,
    title: &str,
    first: &str,
    last: &str,
    born: &str,
    phone: &str,
    alone: bool,
) -> NewTenant {
    NewTenant {
        external_ref: reference.into(),
        title: title.into(),
        first_name: first.into(),
        last_name: last.into(),
        birth_date: Some(NaiveDate::parse_from_str(born, "%Y-%m-%d").expect("date")),
        phone: Some(phone.into()),
        address: "12 rue des Lilas".into(),
        postcode: "75019".into(),
        city: "Paris".into(),
        lives_alone: Some(alone),
        language: "fr".into(),
        ..NewTenant::default()
    }
}

/// Three operators, two cohorts, five tenants (one with last week's call and an open
/// referral, one to call back, one with an unanswered attempt this morning); calls
/// allowed all day so that the real time of day does not matter.
pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("veille.db");
    let drafts = dir.path().join("data").join("drafts");
    let mut store = Store::open(&db).expect("create the database");
    store
        .set_setting("calling_hours", "00:00-24:00")
        .expect("setting");
    // A demo: the terminal tests set the clock, which only a demo allows.
    store.set_setting("demo", "1").expect("setting");
    let week_ago = at("2026-11-21T09:00:00Z");
    store
        .upsert_operators(
            &[
                NewOperator {
                    login: "mdupont".into(),
                    name: "Marie Dupont".into(),
                    organisation: "Paris Habitat".into(),
                    role: Role::Operator,
                    phone: None,
                    email: None,
                    unix_account: None,
                },
                NewOperator {
                    login: "kbenali".into(),
                    name: "Karim Benali".into(),
                    organisation: "Protection civile".into(),
                    role: Role::Operator,
                    phone: None,
                    email: None,
                    unix_account: None,
                },
                NewOperator {
                    login: "lfaure".into(),
                    name: "Léa Fauré".into(),
                    organisation: "Paris Habitat".into(),
                    role: Role::Coordinator,
                    phone: None,
                    email: None,
                    unix_account: None,
                },
            ],
            week_ago,
        )
        .expect("operators");
    let isolated = store
        .add_cohort(
            &NewCohort {
                name: "Isolés 70+".into(),
                priority: 1,
                cadence_days: 7,
                starts_on: NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            },
            None,
            week_ago,
        )
        .expect("cohort");
    let others = store
        .add_cohort(
            &NewCohort {
                name: "Non isolés 70+".into(),
                priority: 2,
                cadence_days: 7,
                starts_on: NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"),
            },
            None,
            week_ago,
        )
        .expect("cohort");
    let mut helene = tenant(
        "T001",
        "Mme",
        "Hélène",
        "Lefèvre",
        "1942-03-14",
        "0199001234",
        true,
    );
    helene.phone_alt = Some("0639981234".into());
    helene.building = "B".into();
    helene.staircase = "2".into();
    helene.floor = "3".into();
    helene.door = "12".into();
    helene.access_code = "4821A".into();
    helene.notes = "Malentendante : parler lentement.".into();
    store
        .upsert_tenants(&[helene], isolated, None, week_ago)
        .expect("tenants");
    let two_hours_ago = at("2026-11-28T07:42:00Z");
    store
        .upsert_tenants(
            &[
                tenant(
                    "T002",
                    "M.",
                    "Jean",
                    "Moreau",
                    "1938-07-02",
                    "0199001235",
                    true,
                ),
                tenant(
                    "T003",
                    "Mme",
                    "Françoise",
                    "Petit",
                    "1945-11-30",
                    "0199001236",
                    true,
                ),
                tenant(
                    "T004",
                    "M.",
                    "André",
                    "Lambert",
                    "1950-01-20",
                    "0199001237",
                    true,
                ),
            ],
            isolated,
            None,
            two_hours_ago,
        )
        .expect("tenants");
    store
        .upsert_tenants(
            &[tenant(
                "T005",
                "Mme",
                "Zoé",
                "Nguyen",
                "1951-05-05",
                "0199001238",
                false,
            )],
            others,
            None,
            two_hours_ago,
        )
        .expect("tenants");
    let rules = store.rules().expect("rules");
    let karim = store.operator("kbenali").expect("operator").id;
    let meals = store
        .services()
        .expect("services")
        .into_iter()
        .find(|s| s.code == "meal_delivery")
        .expect("meal delivery")
        .id;
    let id = |store: &Store, last: &str| {
        store
            .queue(karim, at("2026-11-28T09:00:00Z"), &rules, 50)
            .expect("queue")
            .into_iter()
            .find(|e| e.tenant.last_name == last)
            .map_or_else(|| panic!("{last} in the queue"), |e| e.tenant.id)
    };
    // Last week: Hélène was reached and oriented to meal delivery.
    let helene_id = store
        .queue(karim, week_ago, &rules, 50)
        .expect("queue")
        .first()
        .expect("Hélène due")
        .tenant
        .id;
    past_call(
        &mut store,
        karim,
        helene_id,
        week_ago,
        Outcome::Reached,
        None,
        "Va bien, a du mal à porter les courses.",
        vec![ReferralToSave {
            service_id: meals,
            note: "Deux repas par jour".into(),
            follow_up_on: NaiveDate::from_ymd_opt(2026, 11, 30),
        }],
        &rules,
    );
    // This morning: Jean asked to be called back at 10:30; Françoise did not answer.
    let jean = id(&store, "Moreau");
    past_call(
        &mut store,
        karim,
        jean,
        at("2026-11-28T08:00:00Z"),
        Outcome::CallbackRequested,
        Some(at("2026-11-28T09:30:00Z")),
        "Rappeler après sa sieste.",
        vec![],
        &rules,
    );
    let francoise = id(&store, "Petit");
    past_call(
        &mut store,
        karim,
        francoise,
        at("2026-11-28T07:00:00Z"),
        Outcome::NoAnswer,
        None,
        "",
        vec![],
        &rules,
    );
    Fixture { dir, db, drafts }
}

#[allow(clippy::too_many_arguments)]
fn past_call(
    store: &mut Store,
    operator: i64,
    tenant: i64,
    when: DateTime<Utc>,
    outcome: Outcome,
    callback_at: Option<DateTime<Utc>>,
    notes: &str,
    referrals: Vec<ReferralToSave>,
    rules: &Rules,
) {
    let claim = store
        .claim_tenant(operator, tenant, when, rules)
        .expect("claim");
    store
        .save_call(
            &CallToSave {
                save_id: new_save_id(when),
                claim,
                shift_id: None,
                started_at: when,
                outcome,
                wellbeing: (outcome == Outcome::Reached).then_some(Wellbeing::Fine),
                callback_at,
                callback_only_me: false,
                hospitalised_until: None,
                notes: notes.into(),
                needs: vec![],
                referrals,
                interventions: vec![],
                emergency: None,
                incoming: false,
                lives_alone: None,
            },
            when + chrono::Duration::minutes(6),
            rules,
        )
        .expect("save the past call");
}

/// The operator screens on the fixture, at `now()`.
pub fn app(fx: &Fixture, lang: Lang) -> App {
    app_at(fx, lang, now())
}

pub fn app_at(fx: &Fixture, lang: Lang, when: DateTime<Utc>) -> App {
    App::new(
        fx.store(),
        Options {
            clock: Clock::Fixed(when),
            lang,
            theme: Theme::plain(),
            drafts_dir: fx.drafts.clone(),
            config_path: None,
            config: Config::default(),
        },
    )
    .expect("app")
}

/// Signs in as `login` (as `--operator` does).
pub fn signed_in(fx: &Fixture, lang: Lang, login: &str) -> App {
    let mut app = app(fx, lang);
    let op = app.store.operator(login).expect("operator");
    let now = app.clock.now();
    app.sign_in(op, now).expect("sign in");
    app
}

pub fn key_event(code: KeyCode) -> Input {
    Input::Event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(c: char) -> Input {
    Input::Event(Event::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

/// Presses keys through the same path as the terminal (resolve → update).
pub fn press(app: &mut App, codes: &[KeyCode]) {
    for code in codes {
        let now = app.clock.now();
        veille::tui::handle(app, key_event(*code), now);
    }
}

pub fn send(app: &mut App, input: Input) {
    let now = app.clock.now();
    veille::tui::handle(app, input, now);
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, &[KeyCode::Char(c)]);
    }
}

pub fn tick(app: &mut App) {
    send(app, Input::Tick);
}

/// Draws the app on a test terminal of `w`×`h` through the real main loop.
pub fn draw(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    veille::tui::run_loop(&mut terminal, app, || Ok(None)).expect("draw");
    terminal
}

/// The screen as text.
pub fn screen(app: &mut App, w: u16, h: u16) -> String {
    draw(app, w, h).backend().to_string()
}
