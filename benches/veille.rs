//! What an operator waits for, measured at two sizes ten times apart: 10,000 and
//! 100,000 tenants with ten weeks of history (about 110,000 and 1,100,000 calls).
//! The demo databases are made once and kept in `target/bench-data/`.
//!
//! `cargo bench` runs everything; `cargo bench -- search` runs what matches. The last
//! figures and the machine they come from are in docs/PERFORMANCE.md.
// Test code: an unwrap that fails is the test failing, and a scenario reads top to bottom.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent};
use veille::clock::Clock;
use veille::config::Config;
use veille::domain::Outcome;
use veille::domain::period::Period;
use veille::domain::search::{SearchRow, TenantIndex};
use veille::i18n::Lang;
use veille::store::{CallToSave, Store, new_save_id};
use veille::tui::theme::Theme;
use veille::tui::{App, Input, Options};

const SIZES: [usize; 2] = [10_000, 100_000];
const WEEKS: u32 = 10;

fn now() -> DateTime<Utc> {
    "2026-11-28T09:00:00Z".parse().unwrap()
}

fn label(tenants: usize) -> String {
    format!("{}k", tenants / 1000)
}

/// A demo database of `tenants` with ten weeks of history, made once.
fn demo_file(tenants: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("demo-{tenants}-{WEEKS}w.db"));
    if !path.exists() {
        let tmp = dir.join(format!("making-{tenants}.db"));
        let _ = std::fs::remove_file(&tmp);
        let params = veille::demo::Params {
            tenants,
            weeks: WEEKS,
            seed: 7,
            now: now(),
            lang: veille::i18n::Lang::En,
        };
        let mut store = Store::open(&tmp).unwrap();
        for (k, v) in veille::demo::settings(&params) {
            store.set_setting(&k, &v).unwrap();
        }
        let rules = store.rules().unwrap();
        let bulk = veille::demo::generate(&params, &rules, &store.services().unwrap()).unwrap();
        store.insert_bulk(&bulk).unwrap();
        store.checkpoint_and_close().unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    path
}

/// A scratch copy, for benchmarks that write.
fn scratch_copy(tenants: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("veille.db");
    std::fs::copy(demo_file(tenants), &path).unwrap();
    (dir, path)
}

fn first_operator(store: &Store) -> i64 {
    store.operators().unwrap()[0].id
}

fn claim_and_save(c: &mut Criterion) {
    let mut g = c.benchmark_group("claim_and_save");
    g.sample_size(30).measurement_time(Duration::from_secs(6));
    for tenants in SIZES {
        let (_dir, path) = scratch_copy(tenants);
        let mut store = Store::open(&path).unwrap();
        let rules = store.rules().unwrap();
        let op = first_operator(&store);
        let save = |store: &mut Store, claim| {
            let call = CallToSave {
                save_id: new_save_id(now()),
                claim,
                shift_id: None,
                started_at: now(),
                outcome: Outcome::Reached,
                wellbeing: Some(veille::domain::Wellbeing::Fine),
                callback_at: None,
                callback_only_me: false,
                hospitalised_until: None,
                notes: "Va bien.".into(),
                needs: vec![],
                referrals: vec![],
                interventions: vec![],
                emergency: None,
                incoming: false,
                lives_alone: None,
            };
            store.save_call(&call, now(), &rules).unwrap()
        };
        g.bench_function(BenchmarkId::from_parameter(label(tenants)), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let started = std::time::Instant::now();
                    let Some(claim) = store.claim_next(op, now(), &rules).unwrap() else {
                        // Everyone has been called: make them all due again (not timed).
                        make_everyone_due(&path);
                        let started = std::time::Instant::now();
                        let claim = store
                            .claim_next(op, now(), &rules)
                            .unwrap()
                            .expect("due again");
                        spent += started.elapsed();
                        let started = std::time::Instant::now();
                        save(&mut store, claim);
                        spent += started.elapsed();
                        continue;
                    };
                    save(&mut store, claim);
                    spent += started.elapsed();
                }
                spent
            });
        });
    }
    g.finish();
}

/// Puts every active tenant back in the queue, for benchmarks that empty it.
fn make_everyone_due(path: &Path) {
    rusqlite::Connection::open(path)
        .unwrap()
        .execute(
            "UPDATE tenants SET due_at = '2026-11-01T08:00:00.000Z', callback_at = NULL WHERE status = 'active'",
            [],
        )
        .unwrap();
}

fn queue_listing(c: &mut Criterion) {
    let mut g = c.benchmark_group("queue_listing_50");
    for tenants in SIZES {
        let store = Store::open(&demo_file(tenants)).unwrap();
        let rules = store.rules().unwrap();
        let op = first_operator(&store);
        g.bench_function(BenchmarkId::from_parameter(label(tenants)), |b| {
            b.iter(|| store.queue(op, now(), &rules, 50).unwrap());
        });
    }
    g.finish();
}

/// Time per keystroke of typing `query` one character after another, `iters` times:
/// each keystroke narrows the previous results, as when an operator types.
fn typing(index: &mut TenantIndex, query: &str, iters: u64) -> Duration {
    let mut spent = Duration::ZERO;
    let keys = query.chars().count() as u32;
    for _ in 0..iters {
        index.search("", 20);
        let started = std::time::Instant::now();
        for n in 1..=query.len() {
            if query.is_char_boundary(n) {
                std::hint::black_box(index.search(&query[..n], 20));
            }
        }
        spent += started.elapsed() / keys;
    }
    spent
}

fn search(c: &mut Criterion) {
    let mut g = c.benchmark_group("search");
    for tenants in SIZES {
        let store = Store::open(&demo_file(tenants)).unwrap();
        g.bench_function(BenchmarkId::new("build_index", label(tenants)), |b| {
            b.iter(|| store.search_index().unwrap());
        });
        let mut index = store.search_index().unwrap();
        // As an operator types: each keystroke narrows the previous results.
        for (name, query) in [
            ("typing_name_per_keystroke", "lefevre"),
            ("typing_address_per_keystroke", "rue de belleville"),
        ] {
            g.bench_function(BenchmarkId::new(name, label(tenants)), |b| {
                b.iter_custom(|iters| typing(&mut index, query, iters));
            });
        }
        for (name, query) in [
            ("cold_name", "lefev"),
            ("cold_phone", "06 39 98 1"),
            ("cold_address", "rue de belle"),
        ] {
            // A whole query at once (pasted), over every tenant.
            g.bench_function(BenchmarkId::new(name, label(tenants)), |b| {
                b.iter(|| {
                    index.search("", 20);
                    index.search(query, 20)
                });
            });
        }
    }
    // The demo shares a few hundred names and a few thousand addresses among all
    // tenants; a real landlord's list is more varied, and the index scores each
    // distinct text once. The same searches on 100,000 tenants with a different last
    // name for nearly each, 20,000 addresses and references in no order.
    let rows = varied_tenants(100_000);
    let name = rows[1234].last_name.to_lowercase();
    let address = rows[1234].address.to_lowercase();
    g.bench_function(BenchmarkId::new("build_index", "100k_varied"), |b| {
        b.iter(|| {
            let mut index = TenantIndex::empty();
            for r in &rows {
                index.push(r).unwrap();
            }
            index.ready();
            index
        });
    });
    let mut index = TenantIndex::empty();
    for r in &rows {
        index.push(r).unwrap();
    }
    index.ready();
    for (kind, query) in [("name", &name), ("address", &address)] {
        g.bench_function(
            BenchmarkId::new(format!("typing_{kind}_per_keystroke"), "100k_varied"),
            |b| b.iter_custom(|iters| typing(&mut index, query, iters)),
        );
        g.bench_function(
            BenchmarkId::new(format!("cold_{kind}"), "100k_varied"),
            |b| {
                b.iter(|| {
                    index.search("", 20);
                    index.search(query, 20)
                });
            },
        );
    }
    g.finish();
}

/// Tenants with made-up names and addresses, varied as a large real list could be.
fn varied_tenants(n: usize) -> Vec<SearchRow> {
    const SYLLABLES: [&str; 48] = [
        "ber", "nard", "du", "bois", "mar", "tin", "le", "fe", "vre", "ro", "bert", "pe", "tit",
        "mo", "reau", "gi", "rard", "fran", "çois", "lau", "rent", "si", "mon", "ga", "bri", "el",
        "mi", "chel", "an", "dré", "da", "vid", "ka", "rim", "ben", "ali", "ngu", "yen", "sa",
        "lah", "tho", "mas", "lu", "cie", "hé", "lè", "ne", "zo",
    ];
    let mut rng = fastrand::Rng::with_seed(7);
    let word = |rng: &mut fastrand::Rng, parts: usize| -> String {
        let w: String = (0..parts)
            .map(|_| SYLLABLES[rng.usize(..SYLLABLES.len())])
            .collect();
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    };
    let first_names: Vec<String> = (0..5_000).map(|_| word(&mut rng, 2)).collect();
    // A street number and name, and its postcode.
    let streets: Vec<(String, String)> = (0..20_000)
        .map(|i| {
            let kind = ["rue", "avenue", "boulevard", "place", "allée"][i % 5];
            let number = rng.u32(1..200);
            let street = format!("{number} {kind} {}", word(&mut rng, 3));
            (street, format!("750{:02}", i % 20 + 1))
        })
        .collect();
    (0..n)
        .map(|i| SearchRow {
            tenant_id: i as i64 + 1,
            reference: format!("R{:08}", rng.u32(..100_000_000)),
            last_name: {
                let parts = 3 + rng.usize(..2);
                word(&mut rng, parts)
            },
            first_name: first_names[rng.usize(..first_names.len())].clone(),
            phones: vec![format!("06{:08}", rng.u32(..100_000_000))],
            address: streets[i * 7919 % streets.len()].0.clone(),
            postcode: streets[i * 7919 % streets.len()].1.clone(),
            city: "Paris".into(),
        })
        .collect()
}

fn summary_and_report(c: &mut Criterion) {
    let mut g = c.benchmark_group("summary_and_report");
    g.sample_size(10);
    for tenants in SIZES {
        let path = demo_file(tenants);
        let store = Store::open(&path).unwrap();
        let rules = store.rules().unwrap();
        let shift: i64 = rusqlite::Connection::open(&path)
            .unwrap()
            .query_row(
                "SELECT shift_id FROM calls GROUP BY shift_id ORDER BY count(*) DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        g.bench_function(BenchmarkId::new("shift_summary", label(tenants)), |b| {
            b.iter(|| store.shift_summary(shift, now()).unwrap());
        });
        let today = rules.local_date(now());
        let week = Period::new(veille::domain::period::week_monday(today), today).unwrap();
        g.bench_function(
            BenchmarkId::new("program_report_week", label(tenants)),
            |b| b.iter(|| store.program_report(week, None, now(), rules.tz).unwrap()),
        );
        // What the coordinator's `p` screen loads: this week's report and the chart's
        // 28 days.
        let monday = veille::domain::period::week_monday(today);
        g.bench_function(BenchmarkId::new("report_screen", label(tenants)), |b| {
            b.iter(|| {
                veille::tui::report::ReportState::load(&store, monday, None, now(), rules.tz)
                    .unwrap()
            });
        });
        let all = Period::new(store.program_start(rules.tz).unwrap().unwrap(), today).unwrap();
        g.bench_function(
            BenchmarkId::new("program_report_all", label(tenants)),
            |b| b.iter(|| store.program_report(all, None, now(), rules.tz).unwrap()),
        );
    }
    g.finish();
}

/// A landlord's list of `n` tenants as French spreadsheet software writes it.
fn tenant_csv(n: usize) -> Vec<u8> {
    let mut out = String::from(
        "N° locataire;Civilité;Nom;Prénom;Date de naissance;Téléphone;Adresse;Code postal;Ville;Bât;Esc;Étage;Porte;Vit seul(e)\r\n",
    );
    for i in 0..n {
        let _ = write!(
            out,
            "L{i:06};Mme;LEFÈVRE{i};Hélène;{:02}/{:02}/19{};01 99 00 {:02} {:02};{} rue des Lilas;750{:02};Paris;A;{};{};{};{}\r\n",
            1 + i % 28,
            1 + i % 12,
            30 + i % 25,
            (i / 100) % 100,
            i % 100,
            1 + i % 90,
            1 + i % 20,
            1 + i % 3,
            i % 12,
            100 + i % 400,
            if i % 5 < 3 { "oui" } else { "non" }
        );
    }
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&out);
    bytes.into_owned()
}

fn csv_import(c: &mut Criterion) {
    let mut g = c.benchmark_group("import_csv");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for rows in SIZES {
        let bytes = tenant_csv(rows);
        g.bench_function(BenchmarkId::from_parameter(label(rows)), |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().unwrap();
                    let mut store = Store::open(&dir.path().join("v.db")).unwrap();
                    store
                        .add_cohort(
                            &veille::store::NewCohort {
                                name: "isolés".into(),
                                priority: 1,
                                cadence_days: 7,
                                starts_on: now().date_naive(),
                            },
                            None,
                            now(),
                        )
                        .unwrap();
                    (dir, store)
                },
                |(dir, mut store)| {
                    let mut list = veille::import::tenants::read(bytes.as_slice()).unwrap();
                    let cohorts = store.cohorts().unwrap();
                    list.check(now().date_naive(), (0, 150), &cohorts).unwrap();
                    assert_eq!(list.good_rows(), rows);
                    let imports = list.imports(&cohorts, None);
                    store
                        .import_tenants(&imports, &list.columns, cohorts[0].id, false, now(), None)
                        .unwrap();
                    (dir, store)
                },
                criterion::BatchSize::PerIteration,
            );
        });
    }
    g.finish();
}

fn app_on(path: &Path) -> App {
    let drafts = std::env::temp_dir().join("veille-bench-drafts");
    let mut app = App::new(
        Store::open(path).unwrap(),
        Options {
            clock: Clock::Fixed(now()),
            lang: Lang::Fr,
            theme: Theme::plain(),
            drafts_dir: drafts,
            config_path: None,
            config: Config::default(),
        },
    )
    .unwrap();
    let op = app.store.operators().unwrap()[0].clone();
    app.sign_in(op, now()).unwrap();
    app
}

fn draw(app: &mut App, terminal: &mut Terminal<TestBackend>) {
    veille::tui::run_loop(terminal, app, || Ok(None)).unwrap();
}

fn key(code: KeyCode) -> Input {
    Input::Event(Event::Key(KeyEvent::from(code)))
}

fn screens(c: &mut Criterion) {
    let mut g = c.benchmark_group("screens");
    g.sample_size(20);
    for tenants in SIZES {
        let (_dir, path) = scratch_copy(tenants);
        g.bench_function(
            BenchmarkId::new("startup_to_first_frame", label(tenants)),
            |b| {
                b.iter(|| {
                    let mut app = app_on(&path);
                    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
                    draw(&mut app, &mut terminal);
                });
            },
        );
        let mut app = app_on(&path);
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        g.bench_function(
            BenchmarkId::new("queue_keypress_and_redraw", label(tenants)),
            |b| {
                let mut down = true;
                b.iter(|| {
                    veille::tui::handle(
                        &mut app,
                        key(if down { KeyCode::Down } else { KeyCode::Up }),
                        now(),
                    );
                    down = !down;
                    draw(&mut app, &mut terminal);
                });
            },
        );
        for (w, h) in [(80, 24), (120, 40)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            g.bench_function(
                BenchmarkId::new(format!("render_queue_{w}x{h}"), label(tenants)),
                |b| b.iter(|| draw(&mut app, &mut terminal)),
            );
        }
        veille::tui::handle(&mut app, key(KeyCode::Enter), now());
        for (w, h) in [(80, 24), (120, 40)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            g.bench_function(
                BenchmarkId::new(format!("render_call_{w}x{h}"), label(tenants)),
                |b| b.iter(|| draw(&mut app, &mut terminal)),
            );
        }
        g.bench_function(
            BenchmarkId::new("call_keypress_and_redraw", label(tenants)),
            |b| {
                let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
                b.iter(|| {
                    veille::tui::handle(&mut app, key(KeyCode::Tab), now());
                    draw(&mut app, &mut terminal);
                });
            },
        );
    }
    g.finish();
}

/// The worst text a spreadsheet can bring: a 10 MB note on the tenants first in the queue,
/// and on their last calls. A key press on their call must stay as quick as any other.
fn worst_text(c: &mut Criterion) {
    let mut g = c.benchmark_group("worst_text");
    g.sample_size(20);
    let (_dir, path) = scratch_copy(SIZES[0]);
    let huge = "Préfère être rappelée après sa sieste. ".repeat(250_000);
    {
        let store = Store::open(&path).unwrap();
        let rules = store.rules().unwrap();
        let op = store.operators().unwrap()[0].id;
        let first: Vec<i64> = store
            .queue(op, now(), &rules, 3)
            .unwrap()
            .iter()
            .map(|e| e.tenant.id)
            .collect();
        let conn = rusqlite::Connection::open(&path).unwrap();
        for tenant in first {
            conn.execute(
                "UPDATE tenants SET notes = ?2 WHERE id = ?1",
                rusqlite::params![tenant, huge],
            )
            .unwrap();
            conn.execute(
                "UPDATE calls SET notes = ?2 WHERE id =
                 (SELECT max(id) FROM calls WHERE tenant_id = ?1)",
                rusqlite::params![tenant, huge],
            )
            .unwrap();
        }
    }
    let mut app = app_on(&path);
    // Wide enough for the card to show the notes and the last calls.
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    g.bench_function("queue_keypress_10mb_notes", |b| {
        let mut down = true;
        b.iter(|| {
            let code = if down { KeyCode::Down } else { KeyCode::Up };
            veille::tui::handle(&mut app, key(code), now());
            down = !down;
            draw(&mut app, &mut terminal);
        });
    });
    veille::tui::handle(&mut app, key(KeyCode::Enter), now());
    g.bench_function("call_keypress_10mb_notes", |b| {
        b.iter(|| {
            veille::tui::handle(&mut app, key(KeyCode::Tab), now());
            draw(&mut app, &mut terminal);
        });
    });
    g.finish();
}

criterion_group!(
    benches,
    worst_text,
    claim_and_save,
    queue_listing,
    search,
    summary_and_report,
    csv_import,
    screens
);
criterion_main!(benches);
