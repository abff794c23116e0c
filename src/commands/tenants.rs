//! `veille tenants`: look a tenant up, and the changes a coordinator makes.

use anyhow::Result;

use super::Context;
use crate::access::Need;
use crate::cli::{ActingCoordinator, TenantsCommand};
use crate::domain::tenant::TenantName;
use crate::domain::{Rules, TenantStatus, parse, phone::Phone};
use crate::store::{Erased, Erasure, PastNeed, Store, Tenant, TenantCard};
use crate::tr;

pub fn run(ctx: &Context, cmd: &TenantsCommand) -> Result<()> {
    let mut store = ctx.open()?;
    let now = ctx.clock.now();
    let rules = store.rules()?;
    match cmd {
        TenantsCommand::Show {
            reference,
            json,
            health,
            operator,
        } => {
            // Reading a card outside a call is in the audit log; health details need a
            // coordinator.
            let need = if *health {
                Need::Coordinator
            } else {
                Need::Operator
            };
            let by = ctx.act(&store, operator.as_deref(), need)?;
            let card = store.tenant_card(store.find_tenant(reference)?.id)?;
            store.record_read(by.id(), "tenant_card_read", card.tenant.id, now)?;
            let needs = if *health {
                store.read_needs(card.tenant.id, by.id(), 50, now)?
            } else {
                Vec::new()
            };
            if *json {
                print_card_json(&card, &needs)?;
            } else {
                print_card_text(&card, &needs, &rules);
            }
        }
        TenantsCommand::Flagged(flag) => {
            ctx.act(&store, None, Need::Coordinator)?;
            print_flagged(&store, flag.json)?;
        }
        TenantsCommand::Reopen { reference, by } => {
            let (t, by) = (store.find_tenant(reference)?, coordinator(ctx, &store, by)?);
            store.reopen_tenant(t.id, by, now)?;
            tell!(
                "{} est de retour dans la file, à appeler maintenant.",
                "{} is back in the queue, due now.",
                t.full_name()
            );
        }
        TenantsCommand::Phone {
            reference,
            number,
            by,
        } => {
            let (t, by) = (store.find_tenant(reference)?, coordinator(ctx, &store, by)?);
            let phone = Phone::parse(number).map_err(anyhow::Error::msg)?;
            store.set_tenant_phone(t.id, phone.as_str(), by, now)?;
            tell!(
                "{} : téléphone {}.",
                "{}: phone {}.",
                t.full_name(),
                phone.display()
            );
        }
        TenantsCommand::Name {
            reference,
            last_name,
            first_name,
            title,
            by,
        } => {
            let by = coordinator(ctx, &store, by)?;
            let parts = [title, last_name, first_name].map(Option::as_deref);
            correct_name(&mut store, reference, parts, by, now)?;
        }
        TenantsCommand::Status {
            reference,
            status,
            until,
            by,
        } => {
            let (t, by) = (store.find_tenant(reference)?, coordinator(ctx, &store, by)?);
            let status: TenantStatus = status.parse().map_err(anyhow::Error::msg)?;
            let until = until
                .as_deref()
                .map(parse::date)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            store.set_tenant_status(t.id, status, until, by, now, &rules)?;
            say!("{}: {status}.", t.full_name());
        }
        TenantsCommand::Object {
            reference,
            withdraw,
            dry_run,
            by,
        } => {
            let (t, by) = (store.find_tenant(reference)?, coordinator(ctx, &store, by)?);
            object(&mut store, &t, *withdraw, *dry_run, by, now)?;
        }
        TenantsCommand::Erase {
            reference,
            dry_run,
            by,
        } => {
            let (t, by) = (store.find_tenant(reference)?, coordinator(ctx, &store, by)?);
            erase(&mut store, &t, *dry_run, by, now)?;
        }
    }
    Ok(())
}

/// Records an objection (everything but the reference wiped), or withdraws it.
fn object(
    store: &mut Store,
    t: &Tenant,
    withdraw: bool,
    dry_run: bool,
    by: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    if withdraw {
        store.withdraw_objection(t.id, by, now)?;
        tell!(
            "{} : opposition retirée, de retour dans la file. Nom, téléphones et adresse ont \
             été effacés avec l'opposition : importez de nouveau la liste du bailleur avant de \
             l'appeler.",
            "{}: objection withdrawn, back in the queue. Their name, phones and address were \
             wiped with the objection: import the landlord's list again before they are called.",
            t.full_name()
        );
    } else {
        let erased = store.erase_tenant(t.id, Erasure::Objection, Some(by), dry_run, now)?;
        let kept = crate::tr!(
            "la référence du bailleur et l'opposition",
            "the landlord's reference and the objection"
        );
        tell_erased(t, &erased, dry_run, &kept);
    }
    Ok(())
}

/// Erases a tenant: nothing but anonymous counts is kept.
fn erase(
    store: &mut Store,
    t: &Tenant,
    dry_run: bool,
    by: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let erased = store.erase_tenant(t.id, Erasure::Erase, Some(by), dry_run, now)?;
    let kept = crate::tr!(
        "le nombre d'appels, sans nom",
        "the counts of calls, with no name"
    );
    tell_erased(t, &erased, dry_run, &kept);
    if !dry_run {
        tell!(
            "Retirez-le aussi de la liste du bailleur : importer une liste qui le nomme encore \
             l'ajouterait de nouveau comme un nouveau locataire.",
            "Remove them from the landlord's list too: an import of a list that still names \
             them adds them again as a new tenant."
        );
    }
    Ok(())
}

/// Says what an objection or an erasure wiped, or would wipe.
fn tell_erased(t: &Tenant, e: &Erased, dry_run: bool, kept: &str) {
    let texts = crate::tr!(
        "{} notes d'appel, {} détails de besoin, {} notes d'orientation, {} détails de demande, \
         {} notes d'historique",
        "{} call notes, {} need details, {} referral notes, {} request details, {} history notes",
        e.calls,
        e.needs,
        e.referrals,
        e.interventions,
        e.history_notes
    );
    if dry_run {
        tell!(
            "{} : effacerait nom, téléphones, adresse et {texts} ; rien n'a été changé (essai).",
            "{}: would wipe their name, phones, address and {texts}; nothing was changed (dry run).",
            t.full_name()
        );
        return;
    }
    tell!(
        "Effacés : nom, téléphones et adresse de {}, et {texts}. Gardés : {kept}.",
        "Wiped: the name, phones and address of {}, and {texts}. Kept: {kept}.",
        t.full_name()
    );
    if !e.journal_emptied {
        tell!(
            "Les textes ne sont plus dans le fichier, mais son journal (le fichier -wal) n'a pas \
             pu être vidé tant qu'un autre programme le lit : voir docs/DEPLOY.md, Retention.",
            "The texts are gone from the file, but its journal (the -wal file) could not be \
             emptied while another program reads it: follow docs/DEPLOY.md, Retention."
        );
    }
}

fn print_card_json(card: &TenantCard, needs: &[PastNeed]) -> Result<()> {
    let t = &card.tenant;
    let v = serde_json::json!({
        "id": t.id, "reference": t.external_ref, "name": t.full_name(),
        "birth_date": t.birth_date, "phone": t.phone, "phone_alt": t.phone_alt,
        "address": address(t), "lives_alone": t.lives_alone, "cohort": t.cohort,
        "status": t.status, "flag": t.flag, "due_at": t.due_at,
        "callback_at": t.callback_at, "last_outcome": t.last_outcome,
        "objection_at": t.objection_at,
        "open_referrals": card.open_referrals.len(),
        "open_interventions": card.open_interventions.len(),
        "needs": needs,
    });
    println!("{}", serde_json::to_string_pretty(&v)?);
    Ok(())
}

fn print_card_text(card: &TenantCard, needs: &[PastNeed], rules: &Rules) {
    print_tenant(&card.tenant, rules);
    let (call, need) = (tr!("appel ", "call "), tr!("besoin", "need  "));
    for (at, outcome, who, notes) in &card.last_calls {
        let when = at.with_timezone(&rules.tz).format("%d/%m/%Y %H:%M");
        let outcome = super::named("outcome", outcome.code());
        say!("  {call} {when}  {outcome:<18} {who}  {notes}");
    }
    for n in needs {
        let when = n.at.with_timezone(&rules.tz).format("%d/%m/%Y");
        let category = super::named("need", n.category.code());
        say!(
            "  {need} {when}  {category:<18} {}  {}",
            n.operator,
            n.details
        );
    }
}

/// Tenants waiting for a coordinator, and why.
/// Emergencies no coordinator has taken come first, then the tenants calls flagged.
fn print_flagged(store: &Store, json: bool) -> Result<()> {
    let emergencies = store.waiting_emergencies()?;
    let list = store.flagged_tenants()?;
    if json {
        let mut v: Vec<_> = emergencies
            .iter()
            .map(|e| serde_json::json!({"id": e.tenant_id, "reference": e.tenant_ref, "name": e.tenant_name, "status": "emergency", "flag": e.decision, "emergency": {"id": e.id, "at": e.at, "services_called": e.services, "decision": e.decision, "no_request_reason": e.no_request_reason, "operator": e.operator}}))
            .collect();
        v.extend(list
            .iter()
            .map(|t| serde_json::json!({"id": t.id, "reference": t.external_ref, "name": t.full_name(), "status": t.status, "flag": t.flag})));
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let tz = store.rules()?.tz;
    for e in &emergencies {
        let (reference, tenant, at, by, help, decision) = (
            e.tenant_ref.as_deref().unwrap_or("-"),
            &e.tenant_name,
            e.at.with_timezone(&tz).format("%d/%m %H:%M"),
            &e.operator,
            super::named("services_called", e.services.code()),
            &e.decision,
        );
        tell!(
            "{reference:<10} {tenant:<30} URGENCE le {at} par {by}, secours : {help} : {decision}",
            "{reference:<10} {tenant:<30} EMERGENCY {at} by {by}, help: {help}: {decision}"
        );
    }
    if list.is_empty() && emergencies.is_empty() {
        tell!(
            "Aucun locataire n'attend un coordinateur.",
            "No tenant waits for a coordinator."
        );
    } else {
        for t in &list {
            let why = match &t.flag {
                Some(flag) => super::named("outcome", flag),
                None => super::named("tenant_status", t.status.code()),
            };
            say!(
                "{:<10} {:<30} {}",
                t.external_ref.as_deref().unwrap_or("-"),
                t.full_name(),
                why
            );
        }
    }
    Ok(())
}

/// The coordinator making a change that is recorded with their name (tenant fixes,
/// dispatch, teams).
/// Corrects the parts of a tenant's name given (title, last name, first name).
fn correct_name(
    store: &mut Store,
    reference: &str,
    [title, last_name, first_name]: [Option<&str>; 3],
    by: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let t = store.find_tenant(reference)?;
    let name = TenantName {
        title: title.unwrap_or(&t.title),
        last_name: last_name.unwrap_or(&t.last_name),
        first_name: first_name.unwrap_or(&t.first_name),
    };
    store.set_tenant_name(t.id, &name, by, now)?;
    let t = store.tenant(t.id)?;
    tell!(
        "{reference} : nom corrigé en {}.",
        "{reference}: name corrected to {}.",
        t.full_name()
    );
    Ok(())
}

pub(super) fn coordinator(ctx: &Context, store: &Store, by: &ActingCoordinator) -> Result<i64> {
    let actor = ctx.act(store, by.operator.as_deref(), Need::Coordinator)?;
    Ok(actor.operator()?.id)
}

fn address(t: &Tenant) -> String {
    let mut parts = vec![
        t.address.clone(),
        format!("{} {}", t.postcode, t.city).trim().to_string(),
    ];
    // Labelled as on the screens, in the user's language ("bât. B", not "bât. Bât. B").
    parts.extend(crate::tui::address::access_parts(
        crate::i18n::cli_lang(),
        t,
    ));
    parts.retain(|p| !p.is_empty());
    parts.join(", ")
}

fn print_tenant(t: &Tenant, rules: &crate::domain::Rules) {
    let local = |d: chrono::DateTime<chrono::Utc>| {
        d.with_timezone(&rules.tz)
            .format("%d/%m/%Y %H:%M")
            .to_string()
    };
    let lang = crate::i18n::cli_lang();
    // Codes are shown as they are in English (docs/SCHEMA.md), by their names in French.
    let name = |kind: &str, code: &str| match lang {
        crate::i18n::Lang::Fr => lang.code_name(kind, code).to_string(),
        crate::i18n::Lang::En => code.to_string(),
    };
    let none = tr!("sans référence", "no reference");
    say!(
        "{} ({})",
        t.full_name(),
        t.external_ref.as_deref().unwrap_or(&none)
    );
    let phones: Vec<String> = [&t.phone, &t.phone_alt]
        .into_iter()
        .flatten()
        .map(|p| Phone::from_stored(p).display())
        .collect();
    let [
        phone,
        home,
        household,
        cohort,
        status,
        objected,
        next,
        notes,
    ] = match lang {
        crate::i18n::Lang::Fr => [
            "téléphone",
            "adresse",
            "foyer",
            "cohorte",
            "statut",
            "opposé",
            "prochain",
            "notes",
        ],
        crate::i18n::Lang::En => [
            "phone",
            "address",
            "household",
            "cohort",
            "status",
            "objected",
            "next",
            "notes",
        ],
    };
    say!("  {phone:<9} {}", phones.join(" / "));
    say!("  {home:<9} {}", address(t));
    let lives = match t.lives_alone {
        Some(true) => tr!("vit seul·e", "lives alone"),
        Some(false) => tr!("vit avec quelqu'un", "lives with someone"),
        None => tr!(
            "on ne sait pas si la personne vit seule",
            "not known whether they live alone"
        ),
    };
    say!("  {household:<9} {lives}");
    say!("  {cohort:<9} {}", t.cohort);
    let flag = t
        .flag
        .as_deref()
        .map(|f| tr!(" (signalé : {})", " (flag: {})", name("outcome", f)))
        .unwrap_or_default();
    say!(
        "  {status:<9} {}{flag}",
        name("tenant_status", t.status.code())
    );
    if let Some(o) = t.objection_at {
        say!("  {objected:<9} {}", local(o));
    }
    let when = match (t.callback_at, t.due_at) {
        (Some(c), _) => tr!("rappel {}", "callback {}", local(c)),
        (None, Some(d)) => tr!("à appeler le {}", "due {}", local(d)),
        (None, None) => tr!("pas prévu", "not scheduled"),
    };
    say!("  {next:<9} {when}");
    if !t.notes.is_empty() {
        say!("  {notes:<9} {}", t.notes);
    }
}
