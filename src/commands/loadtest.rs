//! `veille loadtest`: many operator processes claiming and saving calls on one file,
//! through the same store functions as the operator screen. Prints throughput, latency
//! percentiles, busy retries and errors, then checks the file independently.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use super::Context;
use crate::cli::LoadtestArgs;
use crate::domain::{InterventionKind, Need, NeedCategory, Outcome, Role, Urgency, Wellbeing};
use crate::store::{
    CallToSave, InterventionToSave, NewOperator, ReferralToSave, Store, new_save_id,
};

/// What one worker process reports on its last line of output. Before that, it prints
/// `ack SAVE_ID` as soon as each save is acknowledged, so that a worker killed in the
/// middle still tells which saves it was told had succeeded.
#[derive(Debug, Default, Serialize, Deserialize)]
struct WorkerReport {
    claims: u64,
    saves: u64,
    busy_retries: u64,
    errors: Vec<String>,
    claim_us: Vec<u64>,
    save_us: Vec<u64>,
    #[serde(skip)]
    acks: Vec<String>,
}

/// A running worker process.
struct Worker {
    pid: u32,
    /// Where it writes its acknowledgements: once not empty, it is at work.
    out: std::path::PathBuf,
    /// Waits for the process, then reads what it wrote.
    reader: std::thread::JoinHandle<Result<WorkerOutput>>,
}

/// Everything a worker printed.
struct WorkerOutput {
    acks: Vec<String>,
    report: Option<WorkerReport>,
    killed: bool,
    stderr: String,
}

/// Waits for a worker, then reads its output from `out`, a file rather than a pipe: a pipe
/// would wake a reader in this process at every save, on the cores the measured processes
/// share. Only whole lines count: a worker killed in the middle of a line did not finish
/// telling it.
fn read_worker(child: &mut std::process::Child, out: &std::path::Path) -> Result<WorkerOutput> {
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        std::io::Read::read_to_string(&mut e, &mut stderr)?;
    }
    let status = child.wait()?;
    let text = std::fs::read_to_string(out).unwrap_or_default();
    let _ = std::fs::remove_file(out);
    let mut acks = Vec::new();
    let mut report = None;
    for line in text
        .split_inclusive('\n')
        .filter_map(|l| l.strip_suffix('\n'))
    {
        match line.strip_prefix("ack ") {
            Some(id) => acks.push(id.to_string()),
            None => report = serde_json::from_str(line).ok(),
        }
    }
    let killed = std::os::unix::process::ExitStatusExt::signal(&status) == Some(9);
    Ok(WorkerOutput {
        acks,
        report: report.filter(|_| status.success()),
        killed,
        stderr,
    })
}

fn login(worker: usize) -> String {
    format!("load-{worker:03}")
}

pub fn run(ctx: &Context, args: &LoadtestArgs) -> Result<()> {
    match args.worker {
        Some(i) => worker(ctx, args, i),
        None => coordinate(ctx, args),
    }
}

fn coordinate(ctx: &Context, args: &LoadtestArgs) -> Result<()> {
    sign_in_operators(ctx, args)?;
    let started = Instant::now();
    let (finished, kills) = run_workers(ctx, args, started)?;
    let (mut total, killed_reports) = gather(finished)?;
    // Saves acknowledged by killed workers count too: they reached an operator.
    total.saves = total.saves.max(total.acks.len() as u64);
    let elapsed = started.elapsed().as_secs_f64();
    let check = Store::open(&ctx.db)?.verify(&total.acks)?;
    if let Some(path) = &args.acks {
        let mut f = std::fs::File::create(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        for a in &total.acks {
            writeln!(f, "{a}")?;
        }
    }

    let save_rate = total.saves as f64 / elapsed;
    let claim_ms = percentiles(&mut total.claim_us);
    let save_ms = percentiles(&mut total.save_us);
    let quick = at_program_pace(args.think_ms).then(|| {
        claim_ms["p99"].as_f64().unwrap_or(f64::MAX) < CLAIM_P99_MS
            && save_ms["p99"].as_f64().unwrap_or(f64::MAX) < SAVE_P99_MS
    });
    let safe = check.is_clean() && total.errors.is_empty();
    let summary = serde_json::json!({
        "operators": args.operators,
        "seconds": elapsed,
        "think_ms": args.think_ms,
        "ramp_up_seconds": args.ramp_up,
        "claims": total.claims,
        "saves": total.saves,
        "saves_per_second": save_rate,
        "claim_ms": claim_ms,
        "save_ms": save_ms,
        "targets_met": safe && quick != Some(false),
        "busy_retries": total.busy_retries,
        "workers_killed": kills,
        "killed_workers_without_report": killed_reports,
        "errors": total.errors.len(),
        "first_errors": total.errors.iter().take(5).collect::<Vec<_>>(),
        "overlapping_claims": check.overlapping_claims.len(),
        "claims_with_several_calls": check.claims_with_several_calls.len(),
        "acknowledged_saves_missing": check.missing_saves.len(),
        "integrity": check.integrity,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_text(&summary, quick, safe);
    }
    if !safe {
        bail!(crate::tr!(
            "l'essai de charge a trouvé des problèmes (voir ci-dessus)",
            "the load test found problems (see above)"
        ));
    }
    Ok(())
}

/// The run's figures as text: what was measured, what the checks found, the targets.
fn print_text(summary: &serde_json::Value, quick: Option<bool>, safe: bool) {
    let figure = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap_or(0.0);
    let (operators, think, ramp) = (
        &summary["operators"],
        &summary["think_ms"],
        &summary["ramp_up_seconds"],
    );
    let elapsed = figure(summary, "seconds");
    let save_rate = figure(summary, "saves_per_second");
    tell!(
        "{operators} processus d'opérateurs pendant {elapsed:.1} s (temps au téléphone {think} ms, démarrés en {ramp} s)",
        "{operators} operator processes for {elapsed:.1} s (think time {think} ms, started over {ramp} s)"
    );
    let (claims, saves) = (&summary["claims"], &summary["saves"]);
    tell!(
        "prises en charge {claims}   enregistrements {saves}   {save_rate:.0} enregistrements/s",
        "claims {claims}   saves {saves}   {save_rate:.0} saves/s"
    );
    let latency = |v| {
        format!(
            "p50 {:.2}  p99 {:.2}  max {:.2}",
            figure(v, "p50"),
            figure(v, "p99"),
            figure(v, "max")
        )
    };
    let (claims_ms, saves_ms) = (latency(&summary["claim_ms"]), latency(&summary["save_ms"]));
    tell!(
        "délai de prise en charge ms  {claims_ms}",
        "claim latency ms  {claims_ms}"
    );
    tell!(
        "délai d'enregistrement ms    {saves_ms}",
        "save latency ms   {saves_ms}"
    );
    let (busy, errors) = (&summary["busy_retries"], &summary["errors"]);
    tell!(
        "nouvelles tentatives (base occupée) {busy}   erreurs montrées à un opérateur {errors}",
        "busy retries {busy}   errors reaching an operator {errors}"
    );
    for e in summary["first_errors"].as_array().into_iter().flatten() {
        let e = e.as_str().unwrap_or_default();
        tell!("  erreur : {e}", "  error: {e}");
    }
    let (overlapping, several, missing, integrity) = (
        &summary["overlapping_claims"],
        &summary["claims_with_several_calls"],
        &summary["acknowledged_saves_missing"],
        summary["integrity"].as_str().unwrap_or("?"),
    );
    tell!(
        "vérification : prises en charge qui se chevauchent {overlapping}, prises en charge à plusieurs appels {several}, enregistrements confirmés manquants {missing}, intégrité {integrity}",
        "check: overlapping claims {overlapping}, claims with several calls {several}, acknowledged saves missing {missing}, integrity {integrity}"
    );
    let yes = |b: bool| {
        if b {
            crate::tr!("atteint", "met")
        } else {
            crate::tr!("NON ATTEINT", "NOT MET")
        }
    };
    let safe_said = yes(safe);
    match quick {
        Some(quick) => {
            let quick = yes(quick);
            tell!(
                "objectifs au rythme du programme : p99 de prise en charge < {CLAIM_P99_MS} ms et \
                 p99 d'enregistrement < {SAVE_P99_MS} ms : {quick} ; aucune erreur, rien de perdu : {safe_said}",
                "targets at the program's pace: claim p99 < {CLAIM_P99_MS} ms and save p99 < \
                 {SAVE_P99_MS} ms: {quick}; no error, nothing lost: {safe_said}"
            );
        }
        None => tell!(
            "objectif sous contrainte (temps au téléphone de moins de 5 s) : aucune erreur, rien de perdu : {safe_said}",
            "target under stress (think time under 5 s): no error, nothing lost: {safe_said}"
        ),
    }
}

/// The targets of docs/PERFORMANCE.md for operators at the program's pace: minutes on
/// the phone between saves (a think time of seconds in a load test).
const CLAIM_P99_MS: f64 = 5.0;
const SAVE_P99_MS: f64 = 20.0;

/// Whether a run's think time is the program's pace, where latency targets apply; a
/// shorter one is a stress run, where only "no error, nothing lost" does.
fn at_program_pace(think_ms: u64) -> bool {
    think_ms >= 5_000
}

/// Checks that the file is a demo with tenants, and makes the load's operators: one per
/// worker, and one per replacement of a killed worker.
fn sign_in_operators(ctx: &Context, args: &LoadtestArgs) -> Result<()> {
    if args.operators == 0 {
        bail!(crate::tr!(
            "--operators vaut au moins 1",
            "--operators must be at least 1"
        ));
    }
    let mut store = Store::open(&ctx.db)?;
    if !store.is_demo()? {
        bail!(crate::tr!(
            "{} n'est pas une base de démonstration : l'essai de charge écrit des appels inventés, \
             il ne tourne donc que sur une base faite par `veille demo` (par exemple `veille demo --no-tui --db /tmp/load.db`)",
            "{} is not a demo database: the load test writes invented calls, so it only runs on a \
             database made by `veille demo` (e.g. `veille demo --no-tui --db /tmp/load.db`)",
            ctx.db.display()
        ));
    }
    if store.tenant_count()? == 0 {
        bail!(crate::tr!(
            "{} n'a aucun locataire à appeler",
            "{} has no tenants to call",
            ctx.db.display()
        ));
    }
    let now = ctx.clock.now();
    // Replacements of killed workers sign in as new operators, so the claims the killed
    // ones held are left to expire as a crashed terminal's would.
    let operators: Vec<NewOperator> = (0..args.operators + args.kill)
        .map(|i| NewOperator {
            login: login(i),
            name: format!("Load test {i}"),
            organisation: "load test".into(),
            role: Role::Operator,
            phone: None,
            email: None,
            unix_account: None,
        })
        .collect();
    store.upsert_operators(&operators, now)?;

    Ok(())
}

/// Starts the workers over the ramp-up, kills `--kill` of them at random instants and
/// starts others in their place; gives back every worker started, and the kills.
fn run_workers(
    ctx: &Context,
    args: &LoadtestArgs,
    started: Instant,
) -> Result<(Vec<Worker>, usize)> {
    let dir = ctx
        .db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let exe = std::env::current_exe().context("cannot find the veille program to start workers")?;
    let spawn = |i: usize, seconds: u64| -> Result<Worker> {
        let out = dir.join(format!("veille-loadtest-{}-{i}.out", std::process::id()));
        let out_file = std::fs::File::create(&out)
            .with_context(|| format!("cannot create {}", out.display()))?;
        let mut child = Command::new(&exe)
            .arg("--db")
            .arg(&ctx.db)
            .arg("--now")
            .arg(ctx.clock.now().to_rfc3339())
            .args(["loadtest", "--worker", &i.to_string()])
            .args(["--seconds", &seconds.to_string()])
            .args(["--think-ms", &args.think_ms.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::from(out_file))
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot start a worker process")?;
        let pid = child.id();
        // Wait for each worker on its own thread so that its error pipe never fills up.
        let reader = {
            let out = out.clone();
            std::thread::spawn(move || read_worker(&mut child, &out))
        };
        Ok(Worker { pid, out, reader })
    };
    let ramp_up = Duration::from_secs(args.ramp_up);
    let mut workers: Vec<Worker> = (0..args.operators)
        .map(|i| {
            let at = started + ramp_up.mul_f64(i as f64 / args.operators as f64);
            std::thread::sleep(at.saturating_duration_since(Instant::now()));
            spawn(i, args.seconds)
        })
        .collect::<Result<_>>()?;
    let mut finished: Vec<Worker> = Vec::new();
    // Chaos: kill workers with SIGKILL at random instants and start new ones in their place.
    let mut rng = fastrand::Rng::with_seed(args.operators as u64);
    let mut kills = 0;
    while kills < args.kill && args.seconds > 0 {
        let window = Duration::from_secs(args.seconds).as_millis() as u64 * 8 / 10;
        let at = started
            + ramp_up
            + Duration::from_millis(rng.u64(window / 10..window.max(window / 10 + 1)));
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        // The victim is one at work (it has saved a call), so that the kill lands in the
        // middle of calls rather than in a start-up slowed by a busy machine.
        let at_work: Vec<usize> = (0..workers.len())
            .filter(|&i| std::fs::metadata(&workers[i].out).is_ok_and(|m| m.len() > 0))
            .collect();
        let i = match at_work.len() {
            0 => rng.usize(0..workers.len()),
            n => at_work[rng.usize(0..n)],
        };
        let left = args
            .seconds
            .saturating_sub((started + ramp_up).elapsed().as_secs())
            .max(1);
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(workers[i].pid as i32),
            nix::sys::signal::Signal::SIGKILL,
        );
        let replacement = spawn(args.operators + kills, left)?;
        finished.push(std::mem::replace(&mut workers[i], replacement));
        kills += 1;
    }
    finished.extend(workers);
    Ok((finished, kills))
}

/// Waits for every worker and adds up their reports; a killed worker's acknowledgements
/// count, and its missing report is no error.
fn gather(finished: Vec<Worker>) -> Result<(WorkerReport, usize)> {
    let mut total = WorkerReport::default();
    let mut killed_reports = 0;
    for w in finished {
        let r = w
            .reader
            .join()
            .map_err(|_| anyhow::anyhow!("a worker reader thread failed"))??;
        total.acks.extend(r.acks);
        match r.report {
            Some(report) => {
                total.claims += report.claims;
                total.saves += report.saves;
                total.busy_retries += report.busy_retries;
                total.errors.extend(report.errors);
                total.claim_us.extend(report.claim_us);
                total.save_us.extend(report.save_us);
            }
            None if r.killed => killed_reports += 1,
            None => total
                .errors
                .push(format!("a worker failed: {}", r.stderr.trim())),
        }
    }
    Ok((total, killed_reports))
}

fn percentiles(us: &mut [u64]) -> serde_json::Value {
    us.sort_unstable();
    let at = |q: f64| -> f64 {
        if us.is_empty() {
            return 0.0;
        }
        let i = ((us.len() as f64 - 1.0) * q).round() as usize;
        us[i] as f64 / 1000.0
    };
    serde_json::json!({"p50": at(0.50), "p99": at(0.99), "max": at(1.0), "count": us.len()})
}

/// One operator: claim the next tenant, "call" for the think time, save a plausible call.
/// Runs until the time is up, or until nobody is due when `--seconds 0`.
fn worker(ctx: &Context, args: &LoadtestArgs, index: usize) -> Result<()> {
    let mut store = Store::open(&ctx.db)?;
    let rules = store.rules()?;
    let operator = store.operator(&login(index))?.id;
    let services = store.services()?;
    let shift = store.start_shift(operator, ctx.clock.now())?;
    let deadline = (args.seconds > 0).then(|| Instant::now() + Duration::from_secs(args.seconds));
    let mut rng = fastrand::Rng::with_seed(index as u64 * 7919 + 1);
    let mut report = WorkerReport::default();
    let mut idle_since: Option<Instant> = None;
    loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        let t = Instant::now();
        let claim = match store.claim_next(operator, ctx.clock.now(), &rules) {
            Ok(c) => c,
            Err(e) => {
                report.errors.push(format!("claim: {e}"));
                continue;
            }
        };
        report.claim_us.push(t.elapsed().as_micros() as u64);
        let Some(claim) = claim else {
            if deadline.is_none() {
                // Nobody due: make sure it is not a passing gap while others release.
                let since = *idle_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_millis(500) {
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        idle_since = None;
        report.claims += 1;
        if args.think_ms > 0 {
            std::thread::sleep(Duration::from_millis(
                rng.u64(args.think_ms / 2..=args.think_ms * 3 / 2),
            ));
        }
        let now = ctx.clock.now();
        let call = invented_call(&mut rng, claim, shift, now, &services);
        let t = Instant::now();
        match store.save_call(&call, ctx.clock.now(), &rules) {
            Ok(_) => {
                report.save_us.push(t.elapsed().as_micros() as u64);
                report.saves += 1;
                println!("ack {}", call.save_id);
            }
            Err(e) => report.errors.push(format!("save: {e}")),
        }
    }
    store.end_shift(shift, ctx.clock.now())?;
    report.busy_retries = store.busy_retries();
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

fn invented_call(
    rng: &mut fastrand::Rng,
    claim: crate::store::Claim,
    shift: i64,
    now: chrono::DateTime<chrono::Utc>,
    services: &[crate::store::Service],
) -> CallToSave {
    let outcome = match rng.u32(0..100) {
        0..75 => Outcome::Reached,
        75..87 => Outcome::NoAnswer,
        87..92 => Outcome::Voicemail,
        92..95 => Outcome::Busy,
        95..98 => Outcome::CallbackRequested,
        98 => Outcome::Hospitalised,
        _ => Outcome::Refused,
    };
    let reached = matches!(outcome, Outcome::Reached);
    let mut needs = Vec::new();
    let mut referrals = Vec::new();
    let mut interventions = Vec::new();
    if reached && rng.u32(0..100) < 15 {
        let category = NeedCategory::ALL[rng.usize(0..NeedCategory::ALL.len())];
        needs.push(Need {
            category,
            details: "needs help".into(),
        });
        if let Some(s) = services
            .iter()
            .find(|s| s.category == category)
            .or(services.first())
        {
            referrals.push(ReferralToSave {
                service_id: s.id,
                note: String::new(),
                follow_up_on: None,
            });
        }
        if rng.u32(0..10) == 0 {
            interventions.push(InterventionToSave {
                kind: InterventionKind::Accompaniment,
                urgency: Urgency::Routine,
                wanted_at: Some(now + chrono::Duration::days(3)),
                place: "hospital".into(),
                details: String::new(),
            });
        }
    }
    CallToSave {
        save_id: new_save_id(now),
        claim,
        shift_id: Some(shift),
        started_at: now,
        outcome,
        wellbeing: reached.then_some(Wellbeing::Fine),
        callback_at: (outcome == Outcome::CallbackRequested)
            .then(|| now + chrono::Duration::hours(3)),
        callback_only_me: false,
        hospitalised_until: (outcome == Outcome::Hospitalised)
            .then(|| now.date_naive() + chrono::Days::new(10)),
        notes: String::new(),
        needs,
        referrals,
        interventions,
        emergency: None,
        incoming: false,
        lives_alone: None,
    }
}
