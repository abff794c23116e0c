//! What the operator asked for. Keys and mouse events become actions (see `keys`);
//! `update` applies them.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Time passed (the clock, claim renewal, save retries, queue refresh).
    Tick,
    Help,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    NextField,
    PrevField,
    /// Space: tick or untick, choose the highlighted option.
    Toggle,
    /// Enter.
    Confirm,
    /// Esc: close, go back, leave.
    Back,
    Backspace,
    Delete,
    /// A typed character (only while a text field has the focus).
    Char(char),
    /// A digit 1–9: picks an option of the focused choice.
    Pick(u8),
    ClaimNext,
    Refresh,
    EndShift,
    /// Ctrl+C: leave what is open (asking first when work would be lost).
    Interrupt,
    Save,
    AddReferral,
    AddIntervention,
    /// Take the tenant back after the claim was lost, to save what was typed.
    Reclaim,
    /// Leaving a call: save it as "no answer".
    QuickNoAnswer,
    /// Leaving a call: drop what was typed.
    Abandon,
    ResumeDraft,
    DiscardDraft,
    Click {
        x: u16,
        y: u16,
    },
    ScrollUp,
    ScrollDown,
    /// Find a tenant and record a referral or an intervention request for them.
    QuickEntry,
    OpenFollowUp,
    OpenDispatch,
    /// Follow-up filters: each press shows the next value.
    FilterStatus,
    FilterCategory,
    FilterUrgency,
    /// Program report: each press shows the next cohort, then all of them again.
    NextCohort,
    /// Coordinators: only my requests, or everyone's.
    FilterMine,
    /// Dispatch: give the request to a field team.
    Assign,
    /// Dispatch: close the request with how it ended.
    Close,
    /// On a call: copy the number to dial to the clipboard, and dial it with the
    /// configured softphone command.
    DialNumber,
    /// Quick entry: the tenant found is on the phone, calling in.
    IncomingCall,
    /// On a call: the last calls in place of the script, and back.
    ToggleHistory,
    /// Follow-up, dispatch: type to narrow the list.
    FilterList,
    /// Ctrl+U in a text field: empty it.
    ClearField,
    /// Dispatch: take the oldest emergency waiting for a coordinator.
    TakeEmergency,
    /// On a call, a coordinator: correct the tenant's name.
    CorrectName,
    /// On a call: check the tenant's open referrals with them.
    CheckReferrals,
    /// End of shift: write the handover note for the next shift.
    HandoverNote,
    /// End of shift: hand the callbacks kept for oneself to the team or a colleague.
    HandOverCallbacks,
    /// Queue: read the handover notes of the day.
    HandoverNotes,
    /// Queue: the coordinator's program report.
    ProgramReport,
    /// Queue: the coordinator's live board.
    OpenBoard,
    /// Queue: step away from the queue for a break, saying why.
    TakeBreak,
}

impl Action {
    /// A key that edits or moves in a text field (see `TextField::edit`).
    pub fn edits_text(self) -> bool {
        matches!(
            self,
            Action::Char(_)
                | Action::Backspace
                | Action::Delete
                | Action::ClearField
                | Action::Left
                | Action::Right
                | Action::Home
                | Action::End
        )
    }
}
