//! `veille refer`, `intervene`, `referrals`, `interventions`, `teams`: follow-up and
//! dispatch from the command line, for coordinators and for people who script.

use anyhow::{Result, bail};
use chrono::{DateTime, Timelike, Utc};

use super::tenants::coordinator;
use super::{Context, named};
use crate::access::{self, Need};
use crate::cli::{InterveneArgs, InterventionsCommand, ReferArgs, ReferralsCommand, TeamsCommand};
use crate::domain::lifecycle::{self, InterventionOutcome};
use crate::domain::{Rules, hours, parse};
use crate::store::{InterventionFilter, ReferralFilter, Store};
use crate::tr;

/// A service's name in the user's language.
fn service_name(s: &crate::store::Service) -> &str {
    match crate::i18n::cli_lang() {
        crate::i18n::Lang::Fr => &s.name_fr,
        crate::i18n::Lang::En => &s.name_en,
    }
}

fn msg(e: String) -> anyhow::Error {
    anyhow::Error::msg(e)
}

/// A local "dd/mm/yyyy hh:mm" as an instant.
fn local_time(text: &str, rules: &Rules) -> Result<DateTime<Utc>> {
    let t = parse::date_time(text).map_err(msg)?;
    Ok(hours::local_instant(
        t.date(),
        (t.hour() * 60 + t.minute()) as u16,
        rules.tz,
    ))
}

fn local(at: DateTime<Utc>, rules: &Rules) -> String {
    at.with_timezone(&rules.tz)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

pub fn refer(ctx: &Context, a: &ReferArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let by = ctx.act(&store, a.operator.as_deref(), Need::Operator)?;
    let by = by.operator()?;
    let tenant = store.find_tenant(&a.tenant)?;
    let services = store.services()?;
    let Some(service) = services
        .iter()
        .find(|s| s.code == a.service.trim() || s.id.to_string() == a.service.trim())
    else {
        let codes: Vec<&str> = services.iter().map(|s| s.code.as_str()).collect();
        bail!(tr!(
            "aucun service « {} » (les services sont : {})",
            "no service '{}' (the services are: {})",
            a.service,
            codes.join(", ")
        ));
    };
    let follow_up = a
        .follow_up
        .as_deref()
        .map(parse::date)
        .transpose()
        .map_err(msg)?;
    let id = store.create_referral(
        tenant.id,
        service.id,
        &a.note,
        follow_up,
        by.id,
        ctx.clock.now(),
    )?;
    let (who, to) = (tenant.full_name(), service_name(service));
    tell!(
        "Orientation {id} : {who} orienté·e vers {to}.",
        "Referral {id}: {who} oriented to {to}."
    );
    Ok(())
}

pub fn intervene(ctx: &Context, a: &InterveneArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let rules = store.rules()?;
    let by = ctx.act(&store, a.operator.as_deref(), Need::Operator)?;
    let by = by.operator()?;
    let tenant = store.find_tenant(&a.tenant)?;
    let kind = a.kind.parse().map_err(msg)?;
    let urgency: crate::domain::Urgency = a.urgency.parse().map_err(msg)?;
    let when = a
        .when
        .as_deref()
        .map(|w| local_time(w, &rules))
        .transpose()?;
    let id = store.create_intervention(
        tenant.id,
        kind,
        urgency,
        when,
        &a.place,
        &a.details,
        by.id,
        ctx.clock.now(),
    )?;
    let (what, who, how) = (
        named("intervention_kind", kind.code()),
        tenant.full_name(),
        named("urgency", urgency.code()),
    );
    tell!(
        "Demande d'intervention {id} : {what} pour {who} ({how}).",
        "Intervention request {id}: {what} for {who} ({how})."
    );
    if urgency == crate::domain::Urgency::Emergency {
        tell!(
            "URGENCE : appelez maintenant le numéro d'urgence (15 ou 112) si ce n'est pas fait.",
            "EMERGENCY: call the emergency number now (15 or 112) if it has not been done."
        );
    }
    Ok(())
}

pub fn referrals(ctx: &Context, cmd: &ReferralsCommand) -> Result<()> {
    let mut store = ctx.open()?;
    ctx.act(&store, None, Need::Operator)?;
    let rules = store.rules()?;
    let now = ctx.clock.now();
    let today = rules.local_date(now);
    match cmd {
        ReferralsCommand::List {
            status,
            category,
            operator,
            overdue,
            json,
        } => {
            let filter = ReferralFilter {
                status: status.as_deref().map(str::parse).transpose().map_err(msg)?,
                category: category
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(msg)?,
                operator: operator
                    .as_deref()
                    .map(|o| store.operator(o))
                    .transpose()?
                    .map(|o| o.id),
                tenant: None,
            };
            let mut list = store.referrals(&filter)?;
            if *overdue {
                list.retain(|r| r.follow_up_on.is_some_and(|d| d < today));
            }
            if *json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                tell!("Aucune orientation à suivre.", "No referral to follow up.");
            }
            for r in &list {
                print_referral(r, today);
            }
        }
        ReferralsCommand::Set {
            id,
            status,
            note,
            follow_up,
            operator,
        } => {
            let by = ctx.act(&store, operator.as_deref(), Need::Operator)?;
            let by = by.operator()?;
            let current = store.referral(*id)?;
            if !access::may_coordinate(by) && current.created_by_id != by.id {
                bail!(tr!(
                    "{} ne peut suivre que ses propres orientations ; un coordinateur peut changer celle-ci",
                    "{} may only follow up their own referrals; a coordinator can change this one",
                    by.name
                ));
            }
            let to = status.parse().map_err(msg)?;
            store.set_referral_status(*id, to, note, by.id, now)?;
            if let Some(d) = follow_up {
                store.set_referral_follow_up(*id, Some(parse::date(d).map_err(msg)?), now)?;
            }
            let (from, to) = (
                named("referral_status", current.status.code()),
                named("referral_status", to.code()),
            );
            tell!(
                "Orientation {id} : {from} → {to}.",
                "Referral {id}: {from} → {to}."
            );
        }
        ReferralsCommand::History { id } => {
            let r = store.referral(*id)?;
            let (who, to, status) = (
                &r.tenant_name,
                match crate::i18n::cli_lang() {
                    crate::i18n::Lang::Fr => &r.service_fr,
                    crate::i18n::Lang::En => &r.service_en,
                },
                named("referral_status", r.status.code()),
            );
            tell!(
                "Orientation {id} : {who} → {to} ({status})",
                "Referral {id}: {who} → {to} ({status})"
            );
            for e in store.referral_history(*id)? {
                say!(
                    "  {}  {:<12} {:<20} {}",
                    local(e.at, &rules),
                    named("referral_status", &e.status),
                    e.operator.unwrap_or_default(),
                    e.note
                );
            }
        }
        ReferralsCommand::Services => {
            for s in store.services()? {
                say!(
                    "{:<20} {:<10} {}",
                    s.code,
                    named("need", s.category.code()),
                    service_name(&s)
                );
            }
        }
    }
    Ok(())
}

/// One referral of `veille referrals list`, flagged when its follow-up is late.
fn print_referral(r: &crate::store::ReferralRow, today: chrono::NaiveDate) {
    let due = r
        .follow_up_on
        .map_or_else(|| "-".into(), |d| d.format("%d/%m/%Y").to_string());
    let late = if r.follow_up_on.is_some_and(|d| d < today) {
        tr!("EN RETARD", "OVERDUE")
    } else {
        String::new()
    };
    let service = match crate::i18n::cli_lang() {
        crate::i18n::Lang::Fr => &r.service_fr,
        crate::i18n::Lang::En => &r.service_en,
    };
    say!(
        "{:>5}  {:<8} {:<12} {:<26} {:<36} {:>10} {late}",
        r.id,
        r.tenant_ref.as_deref().unwrap_or("-"),
        named("referral_status", r.status.code()),
        r.tenant_name,
        service,
        due
    );
}

pub fn interventions(ctx: &Context, cmd: &InterventionsCommand) -> Result<()> {
    let mut store = ctx.open()?;
    ctx.act(&store, None, Need::Operator)?;
    let rules = store.rules()?;
    let now = ctx.clock.now();
    match cmd {
        InterventionsCommand::List {
            status,
            urgency,
            json,
        } => {
            let filter = InterventionFilter {
                status: status.as_deref().map(str::parse).transpose().map_err(msg)?,
                urgency: urgency
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .map_err(msg)?,
                ..Default::default()
            };
            let list = store.interventions(&filter)?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&list)?);
                return Ok(());
            }
            if list.is_empty() {
                tell!(
                    "Aucune demande d'intervention ouverte.",
                    "No intervention request open."
                );
            }
            for i in list {
                let waiting = lifecycle::emergency_waiting_too_long(
                    i.urgency,
                    i.status,
                    i.created_at,
                    now,
                    &rules,
                );
                let when = i
                    .planned_at
                    .or(i.wanted_at)
                    .map_or_else(|| "-".into(), |t| local(t, &rules));
                say!(
                    "{:>5}  {:<9} {:<20} {:<9} {:<26} {:<16} {:<12} {}",
                    i.id,
                    named("urgency", i.urgency.code()),
                    named("intervention_kind", i.kind.code()),
                    named("intervention_status", i.status.code()),
                    i.tenant_name,
                    when,
                    i.team.as_deref().unwrap_or("-"),
                    if waiting {
                        tr!("SANS ÉQUIPE DEPUIS TROP LONGTEMPS", "UNASSIGNED TOO LONG")
                    } else {
                        String::new()
                    }
                );
            }
        }
        InterventionsCommand::Assign { id, team, at, by } => {
            let by = coordinator(ctx, &store, by)?;
            let team = store.field_team(team)?;
            let at = at.as_deref().map(|t| local_time(t, &rules)).transpose()?;
            store.assign_intervention(*id, team.id, at, by, now)?;
            let team = &team.name;
            tell!(
                "Demande d'intervention {id} confiée à {team}.",
                "Intervention request {id} assigned to {team}."
            );
        }
        InterventionsCommand::Close {
            id,
            outcome,
            note,
            by,
        } => {
            let by = coordinator(ctx, &store, by)?;
            let outcome: InterventionOutcome = outcome.parse().map_err(msg)?;
            store.close_intervention(*id, outcome, note, by, now)?;
            let how = named("intervention_outcome", outcome.code());
            tell!(
                "Demande d'intervention {id} close : {how}.",
                "Intervention request {id} closed: {how}."
            );
        }
        InterventionsCommand::History { id } => {
            let i = store.intervention(*id)?;
            let (what, who, how, status) = (
                named("intervention_kind", i.kind.code()),
                &i.tenant_name,
                named("urgency", i.urgency.code()),
                named("intervention_status", i.status.code()),
            );
            tell!(
                "Demande d'intervention {id} : {what} pour {who} ({how}, {status})",
                "Intervention request {id}: {what} for {who} ({how}, {status})"
            );
            for e in store.intervention_history(*id)? {
                say!(
                    "  {}  {:<10} {:<20} {}",
                    local(e.at, &rules),
                    named("intervention_status", &e.status),
                    e.operator.unwrap_or_default(),
                    e.note
                );
            }
        }
    }
    Ok(())
}

pub fn teams(ctx: &Context, cmd: &TeamsCommand) -> Result<()> {
    let mut store: Store = ctx.open()?;
    match cmd {
        TeamsCommand::List => {
            ctx.act(&store, None, Need::Operator)?;
            let teams = store.field_teams()?;
            if teams.is_empty() {
                tell!(
                    "Aucune équipe de terrain pour l'instant : ajoutez-en une avec `veille teams set NOM --members \"...\" --operator ID`.",
                    "No field team yet: add one with `veille teams set NAME --members \"...\" --operator ID`."
                );
            }
            for t in teams {
                say!(
                    "{:<24} {:<8} {}",
                    t.name,
                    if t.active {
                        tr!("active", "active")
                    } else {
                        tr!("inactive", "inactive")
                    },
                    t.members
                );
            }
        }
        TeamsCommand::Set {
            name,
            members,
            deactivate,
            activate,
            by,
        } => {
            let by = coordinator(ctx, &store, by)?;
            let active = if *deactivate {
                Some(false)
            } else if *activate {
                Some(true)
            } else {
                None
            };
            store.upsert_field_team(name, members.as_deref(), active, Some(by), ctx.clock.now())?;
            let name = name.trim();
            tell!(
                "Équipe de terrain « {name} » enregistrée.",
                "Field team '{name}' saved."
            );
        }
    }
    Ok(())
}
