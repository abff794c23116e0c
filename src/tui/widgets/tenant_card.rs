//! The tenant's card: who they are, how to reach them, what is open for them. Drawn
//! by the queue, the call and the quick entry.

use ratatui::text::{Line, Span};

use crate::domain::phone::Phone;
use crate::domain::tenant::age_on;
use crate::store::TenantCard;
use crate::tui::app::Ui;
use crate::tui::rows::wrap;

/// "84 ans" / "84 years old".
pub fn age_text(ui: &Ui, birth: Option<chrono::NaiveDate>) -> Option<String> {
    birth
        .and_then(|b| age_on(b, ui.today()))
        .map(|a| ui.lang.f("tenant.age", &[("age", &a.to_string())]))
}

pub fn phone_text(stored: &str) -> String {
    Phone::from_stored(stored).display()
}

/// Whether the tenant lives alone; unknown is said, never shown as "no".
pub fn household(ui: &Ui, lives_alone: Option<bool>) -> &'static str {
    match lives_alone {
        Some(true) => ui.lang.t("tenant.lives_alone"),
        Some(false) => ui.lang.t("tenant.not_alone"),
        None => ui.lang.t("tenant.alone_unknown"),
    }
}

/// A tenant's card: phones, address, household, notes, last calls, open requests,
/// wrapped to `cols` columns (list items with a hanging indent).
pub fn card_lines(card: &TenantCard, ui: &Ui, with_phones: bool, cols: u16) -> Vec<Line<'static>> {
    let l = ui.lang;
    let th = ui.theme;
    let t = &card.tenant;
    // (text, style, is a list item)
    let mut entries: Vec<(String, ratatui::style::Style, bool)> = Vec::new();
    let mut head = t.full_name();
    if let Some(age) = age_text(ui, t.birth_date) {
        head.push_str(", ");
        head.push_str(&age);
    }
    entries.push((head, th.bold(), false));
    if with_phones {
        for p in [&t.phone, &t.phone_alt].into_iter().flatten() {
            entries.push((
                format!("{} {}", l.t("card.phone"), phone_text(p)),
                th.phone(),
                false,
            ));
        }
        if t.phone.is_none() && t.phone_alt.is_none() {
            entries.push((l.t("card.no_phone").to_string(), th.error(), false));
        }
    }
    if !t.address.is_empty() {
        entries.push((t.address.clone(), th.normal(), false));
    }
    let city = format!("{} {}", t.postcode, t.city).trim().to_string();
    if !city.is_empty() {
        entries.push((city, th.normal(), false));
    }
    let access = crate::tui::address::access_parts(l, t);
    if !access.is_empty() {
        entries.push((access.join(" · "), th.normal(), false));
    }
    entries.push((
        format!("{} · {}", household(ui, t.lives_alone), t.cohort),
        th.normal(),
        false,
    ));
    if !t.notes.is_empty() {
        entries.push((
            format!("{} {}", l.t("card.notes"), t.notes),
            th.bold(),
            false,
        ));
    }
    entries.push((l.t("card.last_calls").to_string(), th.title(), false));
    if card.last_calls.is_empty() {
        entries.push((l.t("card.none").to_string(), th.normal(), true));
    }
    for (at, outcome, who, notes) in card.last_calls.iter().take(3) {
        let mut s = format!(
            "{} {} ({who})",
            ui.date(*at),
            l.code_name("outcome", outcome.code())
        );
        if !notes.is_empty() {
            s.push_str(" : ");
            s.push_str(notes);
        }
        entries.push((s, th.normal(), true));
    }
    if !card.open_referrals.is_empty() {
        entries.push((l.t("card.open_referrals").to_string(), th.title(), false));
        for (_, fr, en, status, follow) in &card.open_referrals {
            let name = if l == crate::i18n::Lang::En { en } else { fr };
            let mut s = format!("{name} · {}", l.code_name("referral_status", status.code()));
            if let Some(d) = follow {
                s.push_str(&l.f(
                    "card.follow_up",
                    &[("date", &d.format("%d/%m").to_string())],
                ));
            }
            entries.push((s, th.normal(), true));
        }
    }
    if !card.open_interventions.is_empty() {
        entries.push((
            l.t("card.open_interventions").to_string(),
            th.title(),
            false,
        ));
        for (_, kind, urgency, status) in &card.open_interventions {
            entries.push((
                format!(
                    "{} · {} · {}",
                    l.code_name("intervention_kind", kind.code()),
                    l.code_name("urgency", urgency.code()),
                    l.code_name("intervention_status", status.code())
                ),
                th.normal(),
                true,
            ));
        }
    }
    entries
        .into_iter()
        .flat_map(|(text, style, item)| {
            let (first, rest) = if item { ("• ", "  ") } else { ("", "  ") };
            wrap(&text, cols as usize, first, rest)
                .into_iter()
                .map(move |line| Line::from(Span::styled(line, style)))
        })
        .collect()
}
