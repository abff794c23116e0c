//! During a call: checking the tenant's open referrals with them ("has the meal
//! delivery started?"), each answer written at once as its own change of status; and
//! the health details of past calls, read (and audited) when the call opens.

use chrono::{DateTime, Utc};
use ratatui::text::{Line, Span};

use super::app::{App, Screen, Ui};
use super::call::CallState;
use super::effect::{Ctx, Effect};
use super::followup::{move_referral, saved};
use super::popup::Popup;
use super::popup::choice::{Answer, ChoiceForm, Purpose};
use super::rows::wrap;
use crate::domain::ReferralStatus;
use crate::domain::lifecycle::referral_step;
use crate::i18n::Lang;
use crate::store::Store;

/// How many past needs the call shows.
const PAST_NEEDS: usize = 6;

/// The answers to "has it started?", and the status each one gives.
const ANSWERS: [(&str, Option<ReferralStatus>); 4] = [
    ("check.started", Some(ReferralStatus::InProgress)),
    ("check.done", Some(ReferralStatus::Done)),
    ("check.not_yet", None),
    ("check.declined", Some(ReferralStatus::Declined)),
];

/// Opens the check of the first of the tenant's open referrals (`ids`); the others follow one by one.
pub fn start(ids: Vec<i64>, ctx: &Ctx) -> Effect {
    let l = ctx.ui.lang;
    match ids.split_first() {
        Some((first, rest)) => form_for(ctx.store, l, *first, rest.to_vec()),
        None => Effect::Info(l.t("check.nothing_open").to_string()),
    }
}

/// The question about one referral, with the answers its status allows; a referral
/// closed meanwhile is skipped.
fn form_for(store: &Store, l: Lang, id: i64, next: Vec<i64>) -> Effect {
    let Ok(r) = store.referral(id) else {
        return Effect::None;
    };
    if !r.status.is_open() {
        return match next.split_first() {
            Some((first, rest)) => form_for(store, l, *first, rest.to_vec()),
            None => Effect::None,
        };
    }
    let service = if l == Lang::En {
        &r.service_en
    } else {
        &r.service_fr
    };
    let answers: Vec<(&str, Option<ReferralStatus>)> = ANSWERS
        .iter()
        .copied()
        .filter(|(_, to)| to.is_none_or(|to| referral_step(r.status, to, "x").is_ok()))
        .collect();
    let mut form = ChoiceForm::new(
        Purpose::Check {
            id,
            to: answers.iter().map(|(_, to)| *to).collect(),
            next,
        },
        l.t("check.title"),
        &l.f(
            "check.question",
            &[
                ("service", service),
                ("status", l.code_name("referral_status", r.status.code())),
            ],
        ),
        answers.iter().map(|(k, _)| l.t(k).to_string()).collect(),
    );
    form.note_label = l.t("followup.note").to_string();
    form.note_hint = l.t("followup.note_hint").to_string();
    Effect::Popup(Popup::Choice(Box::new(form)))
}

/// Acts on an answer to "has it started?": writes the change of status at once, then
/// asks about the next open referral.
pub fn answer(
    store: &mut Store,
    answer: &Answer,
    l: Lang,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Effect, String> {
    let Purpose::Check { id, to, next } = &answer.purpose else {
        return Ok(Effect::None);
    };
    let done = match to.get(answer.choice).copied().flatten() {
        Some(to) => move_referral(store, l, *id, to, &answer.note, by, now)?,
        None => "choice.unchanged",
    };
    let then = match next.split_first() {
        Some((first, rest)) => form_for(store, l, *first, rest.to_vec()),
        None => Effect::None,
    };
    Ok(Effect::Then(vec![saved(l, done), then]))
}

impl CallState {
    /// Reloads the card of the tenant on the call (after a change made from the call).
    pub fn reload_card(&mut self, ctx: &Ctx) -> Effect {
        if let Ok(card) = ctx.store.tenant_card(self.claim.tenant_id) {
            self.card = card;
        }
        Effect::None
    }
}

/// Reads the health details of the tenant's past calls for the operator on the call:
/// the store writes the read in the audit log.
pub fn load_past_needs(app: &mut App, now: DateTime<Utc>) {
    let Some(op) = app.session.as_ref().map(|s| s.operator.id) else {
        return;
    };
    let Screen::Call(call) = &mut app.screen else {
        return;
    };
    match app
        .store
        .read_needs(call.claim.tenant_id, Some(op), PAST_NEEDS, now)
    {
        Ok(needs) => call.past_needs = needs,
        Err(e) => {
            app.store_error(&e);
        }
    }
}

fn past_need_texts(call: &CallState, ui: &Ui) -> Vec<String> {
    let l = ui.lang;
    call.past_needs
        .iter()
        .map(|n| {
            let mut s = format!(
                "{} {} ({})",
                ui.date(n.at),
                l.code_name("need", n.category.code()),
                n.operator
            );
            if !n.details.is_empty() {
                s.push_str(" : ");
                s.push_str(&n.details);
            }
            s
        })
        .collect()
}

/// The past needs under the tenant's card on the call screen.
pub fn past_needs_lines(call: &CallState, ui: &Ui, cols: u16) -> Vec<Line<'static>> {
    let texts = past_need_texts(call, ui);
    if texts.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![Line::from(Span::styled(
        ui.lang.t("check.past_needs").to_string(),
        ui.theme.title(),
    ))];
    for t in texts {
        lines.extend(
            wrap(&t, cols as usize, "• ", "  ")
                .into_iter()
                .map(Line::from),
        );
    }
    lines
}

/// The past needs added to a script step about needs (where the card is not shown).
pub fn past_needs_text(call: &CallState, ui: &Ui, fields: &[String]) -> Option<String> {
    let texts = past_need_texts(call, ui);
    if texts.is_empty() || !fields.iter().any(|f| f.starts_with("need.")) {
        return None;
    }
    Some(format!(
        "{}\n{}",
        ui.lang.t("check.past_needs"),
        texts
            .iter()
            .map(|t| format!("• {t}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}
