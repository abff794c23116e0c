//! The call: tenant header, script and form on one screen. The claim is renewed while
//! the screen is open, the form is kept as a draft on disk at every change, and a save
//! that meets a busy database is retried on the next ticks without losing anything.

pub mod form;
pub mod script;
pub mod view;

use chrono::{DateTime, Duration, Utc};

use self::form::{CallForm, Field, Problem};
use super::action::Action;
use super::app::{App, Screen};
use super::draft::Draft;
use super::effect::{Ctx, Effect};
use super::popup::{InterventionForm, Popup, ReferralForm};
use super::text_field::TextField;
use crate::domain::emergency::ServicesCalled;
use crate::domain::{NeedCategory, Outcome, Rules, Wellbeing};
use crate::store::{Claim, SavedCall, StoreError, TenantCard, new_save_id};

#[derive(Debug, Clone)]
pub struct CallState {
    pub claim: Claim,
    pub card: TenantCard,
    pub save_id: String,
    pub started_at: DateTime<Utc>,
    pub form: CallForm,
    pub focus: Field,
    /// Highlighted option of each choice field.
    pub outcome_cursor: usize,
    pub wellbeing_cursor: usize,
    pub services_cursor: usize,
    /// 0: lives alone, 1: does not (see `HOUSEHOLD`).
    pub household_cursor: usize,
    pub need_cursor: usize,
    /// What the last save attempt found wrong.
    pub problems: Vec<Problem>,
    /// Since when a save waits for a busy database (retried on every tick).
    pub saving_since: Option<DateTime<Utc>>,
    /// Another operator took the tenant after our claim expired.
    pub claim_lost: bool,
    pub renewed_at: DateTime<Utc>,
    /// Health details of past calls, read (and audited) when the call opened.
    pub past_needs: Vec<crate::store::PastNeed>,
    /// On a small screen, the last calls in the script's place (F8).
    pub show_history: bool,
    /// Dialled before the number on this machine (#31# hides the caller's number).
    pub dial_prefix: Option<String>,
}

/// The answers to "do you live alone?", in the order the form shows them.
pub const HOUSEHOLD: [bool; 2] = [true, false];

/// What a form action asks of the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    Nothing,
    Save,
    EditReferral(Option<usize>),
    EditIntervention(Option<usize>),
}

impl CallState {
    pub fn new(
        claim: Claim,
        card: TenantCard,
        save_id: String,
        started_at: DateTime<Utc>,
        form: CallForm,
        now: DateTime<Utc>,
    ) -> CallState {
        let mut s = CallState {
            claim,
            card,
            save_id,
            started_at,
            form,
            focus: Field::Outcome,
            outcome_cursor: 0,
            wellbeing_cursor: 0,
            services_cursor: 0,
            household_cursor: 0,
            need_cursor: 0,
            problems: Vec::new(),
            saving_since: None,
            claim_lost: false,
            renewed_at: now,
            past_needs: Vec::new(),
            show_history: false,
            dial_prefix: None,
        };
        s.sync_cursors();
        s
    }

    /// Whether keys are typed into a text field.
    pub fn typing(&self) -> bool {
        self.focus.is_text()
    }

    pub fn need_at_cursor(&self) -> NeedCategory {
        NeedCategory::ALL
            .get(self.need_cursor)
            .copied()
            .unwrap_or(NeedCategory::Health)
    }

    pub fn draft(&self, db: &std::path::Path, operator_id: i64) -> Draft {
        Draft {
            db: db.to_path_buf(),
            operator_id,
            tenant_id: self.claim.tenant_id,
            tenant_name: self.card.tenant.full_name(),
            save_id: self.save_id.clone(),
            started_at: self.started_at,
            claim: self.claim.clone(),
            form: self.form.clone(),
        }
    }

    fn sync_cursors(&mut self) {
        if let Some(o) = self.form.outcome {
            self.outcome_cursor = Outcome::ALL.iter().position(|x| *x == o).unwrap_or(0);
        }
        if let Some(w) = self.form.wellbeing {
            self.wellbeing_cursor = Wellbeing::ALL.iter().position(|x| *x == w).unwrap_or(0);
        }
        if let Some(s) = self.form.emergency_services {
            self.services_cursor = ServicesCalled::ALL
                .iter()
                .position(|x| *x == s)
                .unwrap_or(0);
        }
        if let Some(alone) = self.form.lives_alone {
            self.household_cursor = usize::from(!alone);
        }
    }

    /// Puts the focus on `field` (if it is on the form now).
    pub fn focus_on(&mut self, field: Field) {
        if self.form.fields().contains(&field) {
            self.focus = field;
            self.sync_cursors();
        }
    }

    fn move_focus(&mut self, delta: isize) {
        let fields = self.form.fields();
        let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let to = (at + delta).clamp(0, fields.len() as isize - 1) as usize;
        self.focus = fields[to];
        self.sync_cursors();
    }

    /// Keeps the focus on a field that exists after the form changed.
    fn fix_focus(&mut self) {
        let fields = self.form.fields();
        if fields.contains(&self.focus) {
            return;
        }
        self.focus = match self.focus {
            Field::NeedDetails(_) => Field::Needs,
            Field::CallbackAt | Field::CallbackOnlyMe | Field::HospitalisedUntil => Field::Outcome,
            Field::Referral(i) if i > 0 && fields.contains(&Field::Referral(i - 1)) => {
                Field::Referral(i - 1)
            }
            Field::Referral(_) => Field::AddReferral,
            Field::Intervention(i) if i > 0 && fields.contains(&Field::Intervention(i - 1)) => {
                Field::Intervention(i - 1)
            }
            Field::Intervention(_) => Field::AddIntervention,
            _ => Field::Outcome,
        };
    }

    fn choose_outcome(&mut self, i: usize) -> bool {
        match Outcome::ALL.get(i) {
            Some(o) => {
                self.form.outcome = Some(*o);
                self.outcome_cursor = i;
                true
            }
            None => false,
        }
    }

    fn choose_wellbeing(&mut self, i: usize) -> bool {
        match Wellbeing::ALL.get(i) {
            Some(w) => {
                self.form.wellbeing = Some(*w);
                self.wellbeing_cursor = i;
                true
            }
            None => false,
        }
    }

    fn choose_services(&mut self, i: usize) -> bool {
        match ServicesCalled::ALL.get(i) {
            Some(s) => {
                self.form.emergency_services = Some(*s);
                self.services_cursor = i;
                true
            }
            None => false,
        }
    }

    /// Records the answer to "do you live alone?"; choosing it again takes it back.
    fn choose_household(&mut self, i: usize) -> bool {
        let Some(alone) = HOUSEHOLD.get(i).copied() else {
            return false;
        };
        self.household_cursor = i;
        if self.form.lives_alone == Some(alone) {
            self.form.lives_alone = None;
            return false;
        }
        self.form.lives_alone = Some(alone);
        true
    }

    fn toggle_need(&mut self, i: usize) {
        if let Some(n) = self.form.needs.get_mut(i) {
            n.checked = !n.checked;
            self.need_cursor = i;
        }
    }

    /// Applies a form action: moving, choosing, typing. Returns what the app must do.
    pub fn apply(&mut self, action: Action) -> Follow {
        let field = self.focus;
        let follow = match action {
            Action::Up | Action::PrevField | Action::ScrollUp => self.moved(-1),
            Action::Down | Action::NextField | Action::ScrollDown => self.moved(1),
            Action::PageUp => self.moved(-5),
            Action::PageDown => self.moved(5),
            Action::Left | Action::Right => {
                let left = action == Action::Left;
                if let Some((cursor, n)) = self.cursor_mut(field) {
                    *cursor = if left {
                        cursor.saturating_sub(1)
                    } else {
                        (*cursor + 1).min(n - 1)
                    };
                } else if let Some(t) = self.form.text_mut(field) {
                    if left { t.left() } else { t.right() }
                }
                Follow::Nothing
            }
            Action::Pick(n) => {
                // A single choice picked by its digit moves on to the next field.
                if self.choose(field, usize::from(n.saturating_sub(1))) {
                    self.move_focus(1);
                }
                Follow::Nothing
            }
            Action::Toggle | Action::Confirm => self.toggle(field, action == Action::Confirm),
            Action::Delete => match field {
                Field::Referral(i) if i < self.form.referrals.len() => {
                    self.form.referrals.remove(i);
                    Follow::Nothing
                }
                Field::Intervention(i) if i < self.form.interventions.len() => {
                    self.form.interventions.remove(i);
                    Follow::Nothing
                }
                _ => self.edit_text(field, TextField::delete),
            },
            Action::Home => self.edit_text(field, TextField::home),
            Action::End => self.edit_text(field, TextField::end),
            Action::Backspace => self.edit_text(field, TextField::backspace),
            Action::ClearField => self.edit_text(field, |t| *t = TextField::default()),
            Action::Char(c) => self.edit_text(field, |t| t.insert(c)),
            _ => Follow::Nothing,
        };
        self.fix_focus();
        follow
    }

    fn moved(&mut self, by: isize) -> Follow {
        self.move_focus(by);
        Follow::Nothing
    }

    /// Changes the text of `field`, when it is a text field.
    fn edit_text(&mut self, field: Field, edit: impl FnOnce(&mut TextField)) -> Follow {
        if let Some(t) = self.form.text_mut(field) {
            edit(t);
        }
        Follow::Nothing
    }

    /// The highlighted option of a choice field, and how many options it has.
    fn cursor_mut(&mut self, field: Field) -> Option<(&mut usize, usize)> {
        match field {
            Field::Outcome => Some((&mut self.outcome_cursor, Outcome::ALL.len())),
            Field::Wellbeing => Some((&mut self.wellbeing_cursor, Wellbeing::ALL.len())),
            Field::EmergencyServices => {
                Some((&mut self.services_cursor, ServicesCalled::ALL.len()))
            }
            Field::LivesAlone => Some((&mut self.household_cursor, HOUSEHOLD.len())),
            Field::Needs => Some((&mut self.need_cursor, NeedCategory::ALL.len())),
            _ => None,
        }
    }

    /// Chooses option `i` of a choice field (needs: checks or unchecks it). True when
    /// that makes a single choice, after which the form moves on.
    fn choose(&mut self, field: Field, i: usize) -> bool {
        match field {
            Field::Outcome => self.choose_outcome(i),
            Field::Wellbeing => self.choose_wellbeing(i),
            Field::EmergencyServices => self.choose_services(i),
            Field::LivesAlone => self.choose_household(i),
            Field::Needs => {
                self.toggle_need(i);
                false
            }
            _ => false,
        }
    }

    /// Space (`enter` false) or Enter on `field`.
    fn toggle(&mut self, field: Field, enter: bool) -> Follow {
        let cursor = self.cursor_mut(field).map_or(0, |(c, _)| *c);
        match field {
            Field::Referral(i) => return Follow::EditReferral(Some(i)),
            Field::AddReferral => return Follow::EditReferral(None),
            Field::Intervention(i) => return Follow::EditIntervention(Some(i)),
            Field::AddIntervention => return Follow::EditIntervention(None),
            Field::Save => return Follow::Save,
            // Both choose the highlighted option; Enter then moves on.
            Field::Outcome | Field::Wellbeing | Field::EmergencyServices => {
                self.choose(field, cursor);
            }
            // Space checks or unchecks (chosen again, an answer is taken back); Enter
            // moves on and leaves it as it is.
            Field::LivesAlone | Field::Needs if !enter => {
                self.choose(field, cursor);
            }
            Field::CallbackOnlyMe if !enter => {
                self.form.callback_only_me = !self.form.callback_only_me;
            }
            _ => {}
        }
        if enter {
            self.move_focus(1);
        }
        Follow::Nothing
    }

    /// Forgets the problems that the operator has fixed since the last save attempt.
    fn recheck(&mut self, now: DateTime<Utc>, rules: &Rules) {
        if self.problems.is_empty() {
            return;
        }
        self.problems = match self.form.check(now, rules) {
            Ok(_) => Vec::new(),
            Err(p) => p,
        };
    }
}

/// Opens the call screen on a claimed tenant, from a draft if there is one.
pub fn open(app: &mut App, claim: Claim, draft: Option<Draft>, now: DateTime<Utc>) {
    let card = match app.store.tenant_card(claim.tenant_id) {
        Ok(c) => c,
        Err(e) => {
            let _ = app.store.release_claim(&claim, now);
            app.store_error(&e);
            return;
        }
    };
    let (save_id, started_at, form) = match draft {
        Some(d) => (d.save_id, d.started_at, d.form),
        None => (new_save_id(now), now, CallForm::default()),
    };
    let mut form = form;
    form.asks_household = card.tenant.lives_alone.is_none();
    app.pending_draft = None;
    let mut call = CallState::new(claim, card, save_id, started_at, form, now);
    call.dial_prefix.clone_from(&app.config.caller_id_prefix);
    app.screen = Screen::Call(Box::new(call));
    app.message = None;
    app.write_draft();
    super::referral_check::load_past_needs(app, now);
}

impl CallState {
    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Effect {
        let follow = match action {
            Action::Save => Follow::Save,
            Action::Back | Action::Interrupt => {
                return Effect::Popup(Popup::LeaveCall {
                    entered: !self.form.is_empty(),
                });
            }
            Action::ToggleHistory => {
                self.show_history = !self.show_history;
                return Effect::None;
            }
            Action::DialNumber => return Effect::Dial,
            Action::AddReferral => Follow::EditReferral(None),
            Action::AddIntervention => Follow::EditIntervention(None),
            Action::Reclaim => return Effect::Reclaim,
            // The role is checked here, where the action is handled, not only in the hints.
            Action::CorrectName => {
                return if ctx.who().is_some_and(|(_, coordinator)| coordinator) {
                    let form = super::popup::name::NameForm::new(&self.card.tenant);
                    Effect::Popup(Popup::Name(Box::new(form)))
                } else {
                    Effect::Error(ctx.ui.lang.t("name.coordinators_only").to_string())
                };
            }
            Action::CheckReferrals => {
                let open = self.card.open_referrals.iter().map(|r| r.0).collect();
                return super::referral_check::start(open, ctx);
            }
            Action::Click { x, y } => self.click(x, y, ctx),
            other => self.apply(other),
        };
        self.recheck(ctx.ui.now, ctx.rules);
        match follow {
            Follow::Nothing => Effect::None,
            Follow::Save => Effect::SaveCall,
            Follow::EditReferral(i) => Effect::Popup(Popup::Referral(ReferralForm::new(
                self,
                ctx.services,
                i,
                ctx.ui.today(),
            ))),
            Follow::EditIntervention(i) => {
                Effect::Popup(Popup::Intervention(InterventionForm::new(self, i, &ctx.ui)))
            }
        }
    }

    /// A click on a field focuses it (a button is pressed); on an option, chooses it.
    fn click(&mut self, x: u16, y: u16, ctx: &Ctx) -> Follow {
        match view::hit(self, &ctx.ui, ctx.services, ctx.size, x, y) {
            Some(view::Target::Field(f)) => {
                self.focus_on(f);
                match f {
                    Field::AddReferral
                    | Field::Referral(_)
                    | Field::AddIntervention
                    | Field::Intervention(_)
                    | Field::Save => self.apply(Action::Confirm),
                    _ => Follow::Nothing,
                }
            }
            Some(view::Target::Choice(f, i)) => {
                self.focus_on(f);
                if let Some((cursor, _)) = self.cursor_mut(f) {
                    *cursor = i;
                }
                self.apply(Action::Toggle)
            }
            None => Follow::Nothing,
        }
    }
}

/// How often the claim is renewed while the call is open.
fn renew_every(rules: &Rules) -> Duration {
    (rules.lease / 4).clamp(Duration::seconds(10), Duration::minutes(5))
}

/// Renews the claim and retries a waiting save.
pub fn tick(app: &mut App, now: DateTime<Utc>) {
    let Screen::Call(call) = &mut app.screen else {
        return;
    };
    if call.saving_since.is_some() {
        save(app, now);
        return;
    }
    if call.claim_lost || now - call.renewed_at < renew_every(&app.rules) {
        return;
    }
    match app.store.renew_claim(&call.claim, now, &app.rules) {
        Ok(c) => {
            call.claim = c;
            call.renewed_at = now;
        }
        Err(StoreError::ClaimLost) => {
            call.claim_lost = true;
            app.error(app.lang.t("call.claim_lost").to_string());
        }
        // Busy: tried again on the next tick. Other errors show once and retry later.
        Err(StoreError::Busy) => {}
        Err(e) => {
            call.renewed_at = now;
            app.store_error(&e);
        }
    }
}

/// Checks and saves the call. A busy database leaves the form open and waiting; a
/// lost claim keeps everything that was typed.
pub fn save(app: &mut App, now: DateTime<Utc>) {
    let lang = app.lang;
    let Some(shift_id) = app.session.as_ref().map(|s| s.shift_id) else {
        return;
    };
    let Screen::Call(call) = &mut app.screen else {
        return;
    };
    let checked = match call.form.check(now, &app.rules) {
        Ok(c) => c,
        Err(problems) => {
            call.saving_since = None;
            let first = problems.first().copied();
            call.problems = problems;
            if let Some((field, why)) = first {
                call.focus_on(field);
                app.error(lang.t(why).to_string());
            }
            return;
        }
    };
    call.problems.clear();
    let to_save = call.form.to_save(
        &checked,
        &call.save_id,
        &call.claim,
        Some(shift_id),
        call.started_at,
    );
    match app.store.save_call(&to_save, now, &app.rules) {
        Ok(saved) => finish(app, &saved, now),
        Err(StoreError::Busy) => {
            let since = *call.saving_since.get_or_insert(now);
            let secs = (now - since).num_seconds().max(0).to_string();
            app.waiting(lang.f("call.save_waiting", &[("seconds", &secs)]));
        }
        Err(StoreError::ClaimLost) => {
            call.saving_since = None;
            call.claim_lost = true;
            app.error(lang.t("call.claim_lost").to_string());
        }
        Err(e) => {
            call.saving_since = None;
            let text = app.store_error_text(&e);
            app.error(lang.f("call.save_failed", &[("error", &text)]));
        }
    }
}

fn finish(app: &mut App, saved: &SavedCall, now: DateTime<Utc>) {
    app.remove_draft();
    // A retried save may land while a popup of the call is open: it goes with the call.
    app.popup = None;
    let ui = app.ui();
    let text = match &saved.next {
        _ if saved.already_saved => app.lang.t("call.already_saved").to_string(),
        Some(next) => match next.due_at {
            Some(due) => app
                .lang
                .f("call.saved_next", &[("when", &ui.day_time(due))]),
            None => app.lang.t("call.saved_out_of_queue").to_string(),
        },
        None => app.lang.t("call.saved").to_string(),
    };
    let emergency = matches!(&app.screen, Screen::Call(c) if c.form.emergency());
    let text = if emergency && !saved.already_saved {
        format!("{text} {}", app.lang.t("call.coordinators_alerted"))
    } else {
        text
    };
    app.screen = Screen::Queue(Box::default());
    app.open_queue(now);
    app.info(text);
}

/// A tenant who phoned the program, found by the quick search: taken like a call the
/// program makes, and recorded with the same form, marked incoming and reached.
pub fn open_incoming(app: &mut App, tenant: i64, now: DateTime<Utc>) {
    if matches!(app.screen, Screen::Call(_)) {
        app.error(app.lang.t("quick.finish_call_first").to_string());
        return;
    }
    let Some(op) = app.session.as_ref().map(|s| s.operator.id) else {
        return;
    };
    match app.store.claim_tenant(op, tenant, now, &app.rules) {
        Ok(claim) => {
            open(app, claim, None, now);
            if let Screen::Call(call) = &mut app.screen {
                call.form.incoming = true;
                call.form.outcome = Some(Outcome::Reached);
                call.sync_cursors();
                call.fix_focus();
                call.focus_on(Field::Wellbeing);
            }
            app.write_draft();
        }
        Err(e) => app.store_error(&e),
    }
}

/// Copies the number to dial to the operator's clipboard and, when this machine has a
/// softphone command, dials it.
pub(super) fn dial(app: &mut App) {
    let Screen::Call(call) = &app.screen else {
        return;
    };
    let t = &call.card.tenant;
    let stored = t.phone.as_deref().or(t.phone_alt.as_deref()).unwrap_or("");
    let prefix = app.config.caller_id_prefix.as_deref();
    let Some(number) = super::dial::dialable(stored, prefix) else {
        app.error(app.lang.t("call.no_number").to_string());
        return;
    };
    app.to_terminal.push(super::dial::osc52(&number));
    let text = match app.config.dial_command.clone() {
        Some(command) => match super::dial::run_dial_command(&command, &number) {
            Ok(()) => app.lang.f("call.dialled", &[("number", &number)]),
            Err(e) => {
                let error = e.to_string();
                app.error(app.lang.f(
                    "call.dial_failed",
                    &[("number", &number), ("error", &error)],
                ));
                return;
            }
        },
        None => app.lang.f("call.copied", &[("number", &number)]),
    };
    app.info(text);
}

/// Takes the tenant back after the claim was lost, so that the form can be saved.
pub(super) fn reclaim(app: &mut App, now: DateTime<Utc>) {
    let Some(op) = app.session.as_ref().map(|s| s.operator.id) else {
        return;
    };
    let Screen::Call(call) = &mut app.screen else {
        return;
    };
    match app
        .store
        .claim_tenant(op, call.claim.tenant_id, now, &app.rules)
    {
        Ok(c) => {
            call.claim = c;
            call.claim_lost = false;
            call.renewed_at = now;
            app.info(app.lang.t("call.reclaimed").to_string());
        }
        Err(e) => {
            app.store_error(&e);
        }
    }
}

/// Leaves the call without saving: the claim is given back and the draft dropped.
pub fn abandon(app: &mut App, now: DateTime<Utc>) {
    if let Screen::Call(call) = &app.screen {
        let claim = call.claim.clone();
        // If this fails the claim simply expires with its lease.
        let _ = app.store.release_claim(&claim, now);
    }
    app.remove_draft();
    app.screen = Screen::Queue(Box::default());
    app.open_queue(now);
    app.info(app.lang.t("call.abandoned").to_string());
}

/// Saves the call as "no answer" (the quick way out of a call).
pub fn save_no_answer(app: &mut App, now: DateTime<Utc>) {
    if let Screen::Call(call) = &mut app.screen {
        call.form.outcome = Some(Outcome::NoAnswer);
        call.sync_cursors();
        call.fix_focus();
    }
    app.write_draft();
    save(app, now);
}

/// Writes the name a coordinator corrected on the card; the card shows it at once. A
/// refusal (an empty last name, a control character) goes back to the form with what
/// was typed.
pub fn correct_name(
    app: &mut App,
    mut form: Box<super::popup::name::NameForm>,
    now: DateTime<Utc>,
) {
    let Some(by) = app.session.as_ref().map(|s| s.operator.id) else {
        return;
    };
    let name = crate::domain::tenant::TenantName {
        title: form.title.value(),
        last_name: form.last_name.value(),
        first_name: form.first_name.value(),
    };
    if let Err(problem) = name.checked() {
        form.refused(app.lang.t(problem.key()).to_string());
        app.popup = Some(Popup::Name(form));
        return;
    }
    match app.store.set_tenant_name(form.tenant, &name, by, now) {
        Ok(()) => {
            app.reload();
            app.info(app.lang.t("name.saved").to_string());
        }
        Err(e) => {
            form.refused(app.store_error_text(&e));
            app.popup = Some(Popup::Name(form));
        }
    }
}
