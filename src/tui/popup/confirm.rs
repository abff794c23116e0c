//! Short confirmations: leaving a call, resuming a draft.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Size;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{centered, frame_box};
use crate::tui::app::{App, Ui};

/// Leaving a call: with something entered, saving it comes first and "no answer" is not
/// offered; on an empty form "no answer" is the quick choice.
pub fn render_leave_call(entered: bool, ui: &Ui, size: Size, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let area = centered(size, 64, 9);
    let inner = frame_box(ui, l.t("leave.title"), area, frame);
    let (first, abandon) = if entered {
        ("leave.save_entered", "leave.abandon_entered")
    } else {
        ("leave.no_answer", "leave.abandon")
    };
    let lines = vec![
        Line::from(l.t("leave.question")),
        Line::from(""),
        Line::from(vec![
            Span::styled(" 1 ", th.focus()),
            Span::raw(format!(" {}", l.t(first))),
        ]),
        Line::from(vec![
            Span::styled(" 2 ", th.key()),
            Span::raw(format!(" {}", l.t(abandon))),
        ]),
        Line::from(vec![
            Span::styled(format!(" {} ", l.t("key.esc")), th.key()),
            Span::raw(format!(" {}", l.t("leave.back"))),
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    frame.set_cursor_position((inner.x + 1, inner.y + 2));
}

pub fn render_resume(app: &App, confirm_discard: bool, ui: &Ui, size: Size, frame: &mut Frame) {
    let l = ui.lang;
    let th = ui.theme;
    let Some(d) = &app.pending_draft else {
        return;
    };
    let area = centered(size, 70, 14);
    let inner = frame_box(ui, l.t("drafts.title"), area, frame);
    let mut lines = vec![
        Line::from(l.f(
            "drafts.found",
            &[
                ("name", &d.tenant_name),
                ("when", &ui.day_time(d.started_at)),
            ],
        )),
        Line::from(""),
    ];
    let f = &d.form;
    if let Some(o) = f.outcome {
        lines.push(Line::from(format!(
            "{} {}",
            l.t("drafts.outcome"),
            l.code_name("outcome", o.code())
        )));
    }
    let needs: Vec<&str> = f
        .needs
        .iter()
        .filter(|n| n.checked)
        .map(|n| l.code_name("need", n.category.code()))
        .collect();
    if !needs.is_empty() {
        lines.push(Line::from(format!(
            "{} {}",
            l.t("drafts.needs"),
            needs.join(", ")
        )));
    }
    if !f.notes.is_blank() {
        lines.push(Line::from(format!(
            "{} « {} »",
            l.t("drafts.notes"),
            f.notes.value()
        )));
    }
    if !f.referrals.is_empty() || !f.interventions.is_empty() {
        lines.push(Line::from(l.f(
            "drafts.requests",
            &[
                ("referrals", &f.referrals.len().to_string()),
                ("interventions", &f.interventions.len().to_string()),
            ],
        )));
    }
    if f.is_empty() {
        lines.push(Line::from(l.t("drafts.empty_form")));
    }
    lines.push(Line::from(""));
    if confirm_discard {
        lines.push(Line::from(Span::styled(
            l.t("drafts.confirm_discard"),
            th.error(),
        )));
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", l.t("key.delete")), th.key()),
            Span::raw(format!(" {}   ", l.t("drafts.discard_for_good"))),
            Span::styled(format!(" {} ", l.t("key.esc")), th.key()),
            Span::raw(format!(" {}", l.t("drafts.keep"))),
        ]));
    } else {
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", l.t("key.enter")), th.focus()),
            Span::raw(format!(" {}   ", l.t("drafts.resume"))),
            Span::styled(format!(" {} ", l.t("key.delete")), th.key()),
            Span::raw(format!(" {}   ", l.t("drafts.discard"))),
            Span::styled(format!(" {} ", l.t("key.esc")), th.key()),
            Span::raw(format!(" {}", l.t("drafts.later"))),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    frame.set_cursor_position((inner.x, inner.y));
}

/// Takes the draft's tenant again and reopens the call with what was typed. A save
/// that had landed before the crash is recognised by its save identifier.
pub fn resume(app: &mut App, now: DateTime<Utc>) {
    let Some(draft) = app.pending_draft.clone() else {
        return;
    };
    let Some(op) = app.session.as_ref().map(|s| s.operator.id) else {
        return;
    };
    match app.store.call_saved(&draft.save_id) {
        Ok(true) => {
            app.remove_draft();
            app.open_queue(now);
            app.info(app.lang.t("drafts.already_saved").to_string());
            return;
        }
        Ok(false) => {}
        Err(e) => {
            app.store_error(&e);
            return;
        }
    }
    match app.store.claim_tenant(op, draft.tenant_id, now, &app.rules) {
        Ok(claim) => crate::tui::call::open(app, claim, Some(draft), now),
        Err(e) => {
            let text = app.store_error_text(&e);
            app.error(app.lang.f("drafts.cannot_resume", &[("error", &text)]));
        }
    }
}

/// Drops the draft for good, giving its tenant back if still held.
pub fn discard(app: &mut App, now: DateTime<Utc>) {
    if let Some(d) = app.pending_draft.clone() {
        let _ = app.store.release_claim(&d.claim, now);
    }
    app.remove_draft();
    app.open_queue(now);
    app.info(app.lang.t("drafts.discarded").to_string());
}
