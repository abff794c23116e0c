//! `veille queue`: the queue as the rules order it, without claiming.

use anyhow::Result;
use serde::Serialize;

use super::Context;
use crate::access::Need;
use crate::cli::QueueArgs;
use crate::domain::tenant::age_on;

#[derive(Serialize)]
struct Line {
    position: usize,
    tenant_id: i64,
    reference: Option<String>,
    name: String,
    age: Option<u32>,
    cohort: String,
    lives_alone: Option<bool>,
    phone: Option<String>,
    due_at: Option<String>,
    callback_at: Option<String>,
    last_outcome: Option<String>,
    attempts_today: u32,
    open_referrals: i64,
    open_interventions: i64,
}

pub fn run(ctx: &Context, args: &QueueArgs) -> Result<()> {
    let store = ctx.open()?;
    let rules = store.rules()?;
    let now = ctx.clock.now();
    let me = ctx.act(&store, None, Need::Operator)?;
    // Whose queue: the one named, else the caller's. Without an operator, personal
    // callbacks of others are left out (grace period).
    let operator = match &args.operator.operator {
        Some(id) => store.operator(id)?.id,
        None => me.id().unwrap_or(0),
    };
    let today = rules.local_date(now);
    let entries = store.queue(operator, now, &rules, args.limit)?;
    let local = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&rules.tz)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    };
    let lines: Vec<Line> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let t = &e.tenant;
            Line {
                position: i + 1,
                tenant_id: t.id,
                reference: t.external_ref.clone(),
                name: t.full_name(),
                age: t.birth_date.and_then(|b| age_on(b, today)),
                cohort: t.cohort.clone(),
                lives_alone: t.lives_alone,
                phone: t
                    .phone
                    .as_deref()
                    .map(|p| crate::domain::phone::Phone::from_stored(p).display()),
                due_at: t.due_at.map(local),
                callback_at: t.callback_at.map(local),
                last_outcome: t.last_outcome.map(|o| o.code().to_string()),
                attempts_today: if t.attempts_day == Some(today) {
                    t.attempts_count
                } else {
                    0
                },
                open_referrals: e.open_referrals,
                open_interventions: e.open_interventions,
            }
        })
        .collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&lines)?);
        return Ok(());
    }
    if lines.is_empty() {
        if rules.hours.is_open(now, rules.tz) {
            match store.next_due_at(now)? {
                Some(t) => tell!(
                    "Personne à appeler maintenant : tout le monde a été appelé pour ce tour. Prochain appel prévu le {}.",
                    "Nobody to call now: everyone has been called this round. Next due {}.",
                    local(t)
                ),
                None => tell!(
                    "Personne à appeler : aucun locataire n'est prévu.",
                    "Nobody to call: no tenant is scheduled."
                ),
            }
        } else {
            tell!(
                "Personne à appeler : hors des heures d'appel ({}). Les appels reprennent le {}.",
                "Nobody to call: outside calling hours ({}). Calls resume at {}.",
                rules.hours.display(),
                local(rules.hours.next_open(now, rules.tz))
            );
        }
        return Ok(());
    }
    tell!(
        "{:>3}  {:<28} {:>3}  {:<18} {:<5} {:<15} prévu / rappel",
        "{:>3}  {:<28} {:>3}  {:<18} {:<5} {:<15} due / callback",
        "#",
        crate::tr!("nom", "name"),
        "age",
        crate::tr!("cohorte", "cohort"),
        crate::tr!("seul", "alone"),
        crate::tr!("téléphone", "phone")
    );
    for l in &lines {
        let when = match &l.callback_at {
            Some(c) => crate::tr!("rappel {c}", "callback {c}"),
            None => l.due_at.clone().unwrap_or_default(),
        };
        say!(
            "{:>3}  {:<28} {:>3}  {:<18} {:<5} {:<15} {}",
            l.position,
            truncate(&l.name, 28),
            l.age.map(|a| a.to_string()).unwrap_or_default(),
            truncate(&l.cohort, 18),
            l.lives_alone.map_or_else(|| "?".into(), super::yes_no),
            l.phone.clone().unwrap_or_default(),
            when
        );
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(['…']).collect()
    }
}
