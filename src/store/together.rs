//! Claims and saves committed together through the save board (see `board`): the
//! request is posted, and whoever gets the write gate commits every posted request in
//! one transaction, each in its own savepoint, so that one refused call does not take
//! the others with it.

use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};

use super::board::{BoardMemory, Posted, SLOT_BYTES, Standing, Taken};
use super::calls::{CallToSave, SavedCall, save_in};
use super::queue::{Claim, QueueRead, claim_from};
use super::{Result, SCHEMA_VERSION, Store, StoreError};
use crate::domain::{Rules, queue::Candidate};

/// How long a poster sleeps on its slot before it looks at the gate again without being
/// woken: only a colleague that died or an older veille lets the gate go unannounced.
const LOOK_AGAIN: Duration = Duration::from_millis(10);

/// Candidates a claim posts, of those it read: enough for the colleagues claiming in
/// the same transaction; past them, the claim reads the queue's head under the lock.
const POSTED_CANDIDATES: usize = 32;

/// A candidate as posted: tenant, due time, cohort priority, callback time and operator.
type PostedCandidate = (i64, DateTime<Utc>, i64, Option<DateTime<Utc>>, Option<i64>);

/// What a request asks for.
#[derive(Serialize, Deserialize)]
enum Job {
    Save(CallToSave),
    Claim {
        operator: i64,
        claims_seen: i64,
        order: Vec<PostedCandidate>,
        /// The claim may have been made already (see `queue::claim_from`).
        again: bool,
    },
}

/// What is posted: who may do it (the same version of veille, with the same rules),
/// when it was asked, and the job.
type Request = (String, i64, u64, DateTime<Utc>, Job);

/// What the gate holder answers. Only refusals a poster expects come back this way:
/// after any other failure the request is given back, for its owner to do alone and
/// meet the error itself.
#[derive(Serialize, Deserialize)]
enum Answer {
    Saved(SavedCall),
    Claimed(Option<Claim>),
    ClaimLost,
    Invalid(String),
}

fn request(job: Job, now: DateTime<Utc>, rules_id: u64) -> Option<Vec<u8>> {
    let request: Request = (
        env!("CARGO_PKG_VERSION").to_string(),
        SCHEMA_VERSION,
        rules_id,
        now,
        job,
    );
    serde_json::to_vec(&request).ok()
}

/// Names the rules, so that a request is done only by a process applying the same ones.
fn fingerprint(rules: &Rules) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    format!("{rules:?}").hash(&mut hasher);
    hasher.finish()
}

impl Store {
    /// One attempt at saving `call` through the board; `None` when the caller must save
    /// alone: the board could not take it (no board, no free slot, too much text), or
    /// gave it back (see `on_board`).
    pub(super) fn save_on_board(
        &mut self,
        call: &CallToSave,
        now: DateTime<Utc>,
        rules: &Rules,
    ) -> Option<Result<SavedCall>> {
        // Saving again is always safe: a call already saved is found by its identifier.
        let answer = self.on_board(Job::Save(call.clone()), now, rules, &mut false)?;
        Some(answer.and_then(|(answer, ticket)| match answer {
            Answer::Saved(saved) => {
                let ticket = (ticket > 0).then_some(ticket);
                self.gate.sync(ticket, self.busy_wait, || self.sync_wal())?;
                Ok(saved)
            }
            other => Err(refusal(other)),
        }))
    }

    /// One attempt at claiming from `read` through the board (see `save_on_board`).
    /// A claim is a lease: it is not synced (see `Store::write_lease`). `again` is set
    /// once the claim may have been made without an answer reaching us; it is then
    /// looked for before another is made (see `queue::claim_from`).
    pub(super) fn claim_on_board(
        &mut self,
        operator: i64,
        now: DateTime<Utc>,
        rules: &Rules,
        read: &QueueRead,
        again: &mut bool,
    ) -> Option<Result<Option<Claim>>> {
        let order = read
            .order
            .iter()
            .take(POSTED_CANDIDATES)
            .map(|c| {
                (
                    c.tenant_id,
                    c.due_at,
                    c.cohort_priority,
                    c.callback_at,
                    c.callback_operator,
                )
            })
            .collect();
        let job = Job::Claim {
            operator,
            claims_seen: read.claims_seen,
            order,
            again: *again,
        };
        let answer = self.on_board(job, now, rules, again)?;
        Some(answer.and_then(|(answer, _)| match answer {
            Answer::Claimed(claim) => Ok(claim),
            other => Err(refusal(other)),
        }))
    }

    /// Posts `job` and waits for its answer, taking the gate to do it (and every other
    /// request posted) whenever the gate is free. `None` when the caller must do it
    /// alone: it could not be posted, nobody took it within the wait (the caller then
    /// waits at the gate, as without the board), or it was given back. `maybe_done` is
    /// set when the job may have been done although no answer came.
    fn on_board(
        &mut self,
        job: Job,
        now: DateTime<Utc>,
        rules: &Rules,
        maybe_done: &mut bool,
    ) -> Option<Result<(Answer, u64)>> {
        let board = self.gate.board()?;
        if self.gate.is_idle() {
            return None;
        }
        let rules_id = fingerprint(rules);
        let posted = board.post(&request(job, now, rules_id)?)?;
        let deadline = Instant::now() + self.busy_wait;
        loop {
            let seen = board.nudges(posted);
            match board.standing(posted) {
                Standing::Answered(bytes, ticket) => {
                    return Some(
                        serde_json::from_slice(&bytes)
                            .map(|answer| (answer, ticket))
                            .map_err(|e| {
                                StoreError::Other(format!(
                                    "unreadable answer on the save board: {e}"
                                ))
                            }),
                    );
                }
                Standing::Returned | Standing::Lost => {
                    *maybe_done = true;
                    return None;
                }
                Standing::Waiting | Standing::Taken => {}
            }
            if let Some(_turn) = self.gate.try_enter() {
                match lead(&mut self.conn, &self.gate, board, posted, rules_id, rules) {
                    Ok(done) => {
                        self.board_commits += u64::from(done > 0);
                        self.board_requests += done;
                    }
                    // Ours failed otherwise than by a refusal, or nothing could be
                    // committed: every request taken was given back, ours too if it
                    // was taken, and its owner does it alone and meets its own error.
                    // Ours may also have been answered, or taken by a holder that died.
                    Err(_) => *maybe_done = true,
                }
                continue;
            }
            let waited = Instant::now().saturating_duration_since(deadline);
            if !waited.is_zero() {
                if board.withdraw(posted) {
                    self.gate.check_holder();
                    return None;
                }
                // A holder is doing it: it answers soon, unless it hangs (stopped, or
                // its disk does not answer); then we stop waiting as long again and
                // say so.
                if waited > self.busy_wait && board.abandon(posted) {
                    *maybe_done = true;
                    return Some(Err(StoreError::Busy));
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            board.wait(
                posted,
                seen,
                left.clamp(Duration::from_millis(1), LOOK_AGAIN),
            );
        }
    }
}

/// The error a refusal stands for.
fn refusal(answer: Answer) -> StoreError {
    match answer {
        Answer::ClaimLost => StoreError::ClaimLost,
        Answer::Invalid(why) => StoreError::Invalid(why),
        Answer::Saved(_) | Answer::Claimed(_) => {
            StoreError::Other("the save board answered another request".into())
        }
    }
}

/// Holding the gate: does every request on the board, ours (`own`) first, in one
/// transaction, and answers each. Returns how many were done; an error is ours alone
/// (the other requests are committed, or given back if nothing could be).
fn lead(
    conn: &mut rusqlite::Connection,
    gate: &super::gate::WriteGate,
    board: &BoardMemory,
    own: Posted,
    rules_id: u64,
    rules: &Rules,
) -> Result<u64> {
    let mut requests: Vec<(Taken, Request)> = Vec::new();
    for taken in board.take(Some(own)) {
        match serde_json::from_slice::<Request>(&taken.bytes) {
            Ok(request)
                if request.0 == env!("CARGO_PKG_VERSION")
                    && request.1 == SCHEMA_VERSION
                    && request.2 == rules_id =>
            {
                requests.push((taken, request))
            }
            // Another version or other rules: its owner does it.
            _ => board.give_back(&taken),
        }
    }
    if requests.is_empty() {
        return Ok(0);
    }
    let (answers, own_error) = match do_all(conn, board, &requests, own, rules) {
        Ok(done) => done,
        Err(e) => {
            // Nothing was committed: every request goes back to its owner.
            for (taken, _) in &requests {
                board.give_back(taken);
            }
            return Err(e);
        }
    };
    let ticket = gate.ticket().unwrap_or(0);
    let mut done = 0;
    for (taken, answer) in answers {
        let fits = serde_json::to_vec(&answer)
            .ok()
            .filter(|bytes| bytes.len() <= SLOT_BYTES);
        match fits {
            Some(bytes) => {
                done += 1;
                board.answer(taken, &bytes, ticket);
            }
            // Its owner does it again alone, and finds a save made if it was.
            None => board.give_back(taken),
        }
    }
    match own_error {
        Some(e) => Err(e),
        None => Ok(done),
    }
}

/// The answers of one transaction, and our own request's error if it failed otherwise
/// than by a refusal (given back to us on the board).
type Answers<'a> = (Vec<(&'a Taken, Answer)>, Option<StoreError>);

/// Does `requests` in one transaction, each in a savepoint, and commits.
fn do_all<'a>(
    conn: &mut rusqlite::Connection,
    board: &BoardMemory,
    requests: &'a [(Taken, Request)],
    own: Posted,
    rules: &Rules,
) -> Result<Answers<'a>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut answers = Vec::with_capacity(requests.len());
    let mut own_error = None;
    for (taken, (_, _, _, now, job)) in requests {
        tx.execute_batch("SAVEPOINT board_request")?;
        let result = match job {
            Job::Save(call) => save_in(&tx, call, *now, rules).map(Answer::Saved),
            Job::Claim {
                operator,
                claims_seen,
                order,
                again,
            } => {
                let read = QueueRead {
                    claims_seen: *claims_seen,
                    order: order
                        .iter()
                        .map(
                            |&(
                                tenant_id,
                                due_at,
                                cohort_priority,
                                callback_at,
                                callback_operator,
                            )| {
                                Candidate {
                                    tenant_id,
                                    due_at,
                                    cohort_priority,
                                    callback_at,
                                    callback_operator,
                                }
                            },
                        )
                        .collect(),
                };
                claim_from(&tx, &read, *operator, *now, rules, *again).map(Answer::Claimed)
            }
        };
        let result = match result {
            // SQLite rolled the whole transaction back (a full disk, an I/O error):
            // nothing of the batch stands, and the error is everyone's.
            Err(e) if tx.is_autocommit() => return Err(e),
            other => other,
        };
        if result.is_err() {
            tx.execute_batch("ROLLBACK TO board_request")?;
        }
        tx.execute_batch("RELEASE board_request")?;
        let answer = match result {
            Ok(answer) => answer,
            Err(StoreError::ClaimLost) => Answer::ClaimLost,
            Err(StoreError::Invalid(why)) => Answer::Invalid(why),
            Err(e) => {
                board.give_back(taken);
                if board.is(taken, own) {
                    own_error = Some(e);
                }
                continue;
            }
        };
        answers.push((taken, answer));
    }
    tx.commit()?;
    Ok((answers, own_error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Outcome, Role};
    use crate::store::{Claim, NewCohort, NewOperator, NewTenant, ReferralToSave, new_save_id};
    use std::path::{Path, PathBuf};

    fn now() -> DateTime<Utc> {
        "2026-11-30T09:00:00Z".parse().unwrap()
    }

    /// A file with `n` operators and as many tenants, each operator holding a claim.
    fn claimed(dir: &Path, n: usize) -> (PathBuf, Vec<Claim>) {
        let path = dir.join("veille.db");
        let mut store = Store::open(&path).unwrap();
        let starts_on = "2026-11-01".parse().unwrap();
        let cohort = NewCohort {
            name: "isolated 70+".into(),
            priority: 1,
            cadence_days: 7,
            starts_on,
        };
        store.add_cohort(&cohort, now()).unwrap();
        let operators: Vec<NewOperator> = (0..n)
            .map(|i| NewOperator {
                login: format!("op{i}"),
                name: format!("Opérateur {i}"),
                organisation: "Bailleur".into(),
                role: Role::Operator,
                phone: None,
                email: None,
            })
            .collect();
        store.upsert_operators(&operators, now()).unwrap();
        let tenants: Vec<NewTenant> = (0..n)
            .map(|i| NewTenant {
                external_ref: format!("T{i}"),
                last_name: format!("Locataire{i}"),
                first_name: "Hélène".into(),
                phone: Some(format!("0199{i:06}")),
                ..Default::default()
            })
            .collect();
        let cohort = store.cohorts().unwrap()[0].id;
        store.upsert_tenants(&tenants, cohort, None, now()).unwrap();
        let claims = store
            .operators()
            .unwrap()
            .iter()
            .map(|op| {
                store
                    .claim_next(op.id, now(), &Rules::default())
                    .unwrap()
                    .unwrap()
            })
            .collect();
        (path, claims)
    }

    /// A file with `n` operators and tenants where only the first operator's claim is
    /// still held: the other tenants are free to claim.
    fn claimed_all_but_one_free(dir: &Path, n: usize) -> (PathBuf, Vec<Claim>) {
        let (path, claims) = claimed(dir, n);
        let mut store = Store::open(&path).unwrap();
        for claim in &claims[1..] {
            store.release_claim(claim, now()).unwrap();
        }
        (path, claims)
    }

    /// Claims for `operator` at `at` as a holder doing its request would, with nothing
    /// read beforehand (the queue's head is read under the lock), on `conn`, which must
    /// be in a write transaction.
    fn claim_as_holder(
        conn: &rusqlite::Connection,
        operator: i64,
        at: DateTime<Utc>,
    ) -> Option<Claim> {
        let read = QueueRead {
            claims_seen: 0,
            order: Vec::new(),
        };
        claim_from(conn, &read, operator, at, &Rules::default(), false).unwrap()
    }

    fn call(claim: &Claim) -> CallToSave {
        CallToSave {
            save_id: new_save_id(now()),
            claim: claim.clone(),
            shift_id: None,
            started_at: claim.claimed_at,
            outcome: Outcome::Reached,
            wellbeing: None,
            callback_at: None,
            callback_only_me: false,
            hospitalised_until: None,
            notes: "Va bien.".into(),
            needs: vec![],
            referrals: vec![],
            interventions: vec![],
        }
    }

    fn calls_saved(path: &Path) -> Vec<String> {
        let store = Store::open(path).unwrap();
        super::super::rows(store.read(), "SELECT save_id FROM calls", [], |r| r.get(0)).unwrap()
    }

    /// Waits until `n` requests wait on `board` (posted from other threads).
    fn until_posted(board: &BoardMemory, n: usize) {
        let started = Instant::now();
        while board.waiting() < n {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{n} requests posted"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Saves each call from its own connection while the gate is held, lets the gate go
    /// once all wait on the board, and returns what each save gave and each
    /// connection's board figures.
    fn saved_together(path: &Path, calls: &[CallToSave]) -> Vec<(Result<SavedCall>, (u64, u64))> {
        let holder = Store::open(path).unwrap();
        let board = holder.gate.board().expect("a board");
        let turn = holder.gate.enter(Duration::from_secs(5)).unwrap();
        std::thread::scope(|s| {
            let savers: Vec<_> = calls
                .iter()
                .map(|call| {
                    s.spawn(move || {
                        let mut store = Store::open(path).unwrap();
                        let saved = store.save_call(call, now(), &Rules::default());
                        (saved, store.board_requests())
                    })
                })
                .collect();
            until_posted(board, calls.len());
            drop(turn);
            savers.into_iter().map(|s| s.join().unwrap()).collect()
        })
    }

    #[test]
    fn saves_waiting_for_the_gate_are_committed_together_and_a_refused_one_alone_fails() {
        let dir = tempfile::tempdir().unwrap();
        let (path, claims) = claimed(dir.path(), 5);
        let mut calls: Vec<CallToSave> = claims.iter().map(call).collect();
        // One call names a service that does not exist, one a claim that is not its own.
        calls[3].referrals.push(ReferralToSave {
            service_id: 9999,
            note: String::new(),
            follow_up_on: None,
        });
        calls[4].claim.operator_id = claims[0].operator_id;
        let results = saved_together(&path, &calls);

        let (commits, requests) = results
            .iter()
            .fold((0, 0), |(c, s), (_, (c1, s1))| (c + c1, s + s1));
        assert_eq!(
            (commits, requests),
            (1, 5),
            "one transaction for the five saves"
        );
        for (result, _) in &results[..3] {
            let saved = result.as_ref().unwrap();
            assert!(!saved.already_saved && saved.next.is_some());
        }
        assert!(matches!(results[3].0, Err(StoreError::Invalid(_))));
        assert!(matches!(results[4].0, Err(StoreError::ClaimLost)));
        let mut ids: Vec<i64> = results[..3]
            .iter()
            .map(|(r, _)| r.as_ref().unwrap().call_id)
            .collect();
        ids.dedup();
        assert_eq!(ids.len(), 3);
        let mut on_file = calls_saved(&path);
        on_file.sort();
        let mut expected: Vec<String> = calls[..3].iter().map(|c| c.save_id.clone()).collect();
        expected.sort();
        assert_eq!(on_file, expected, "the refused calls left nothing behind");
    }

    #[test]
    fn a_save_with_nobody_else_writing_goes_straight_to_the_gate() {
        let dir = tempfile::tempdir().unwrap();
        let (path, claims) = claimed(dir.path(), 1);
        let mut store = Store::open(&path).unwrap();
        let saved = store
            .save_call(&call(&claims[0]), now(), &Rules::default())
            .unwrap();
        assert!(!saved.already_saved);
        assert_eq!(store.board_requests(), (0, 0), "not through the board");
        assert_eq!(store.wal_syncs(), 1, "synced before it returned");
    }

    #[test]
    fn requests_a_holder_took_and_did_not_answer_go_back_to_their_owners_and_land_once() {
        let dir = tempfile::tempdir().unwrap();
        let (path, claims) = claimed(dir.path(), 3);
        let calls: Vec<CallToSave> = claims.iter().map(call).collect();
        let (mut owner, watcher) = (Store::open(&path).unwrap(), Store::open(&path).unwrap());
        let board = watcher.gate.board().unwrap();
        let rules_id = fingerprint(&Rules::default());
        let orphans: Vec<Posted> = calls[..2]
            .iter()
            .map(|c| {
                board
                    .post(&request(Job::Save(c.clone()), now(), rules_id).unwrap())
                    .unwrap()
            })
            .collect();
        // A holder takes both, commits the second and dies before answering.
        assert_eq!(board.take(None).len(), 2);
        owner
            .commit_once(super::super::Durability::Synced, &mut |tx| {
                save_in(tx, &calls[1], now(), &Rules::default())
            })
            .unwrap();

        // The next holder does its own call only.
        let mut other = Store::open(&path).unwrap();
        let saved = other
            .save_call(&calls[2], now(), &Rules::default())
            .unwrap();
        assert!(!saved.already_saved);
        assert_eq!(other.board_requests(), (1, 1));
        // The owners find their calls given back, and save them alone: once each.
        for (posted, call) in orphans.iter().zip(&calls) {
            assert_eq!(board.standing(*posted), Standing::Returned);
            let saved = owner.save_call(call, now(), &Rules::default()).unwrap();
            assert_eq!(saved.already_saved, call.save_id == calls[1].save_id);
        }
        assert_eq!(calls_saved(&path).len(), 3);
    }

    #[test]
    fn a_claim_made_by_a_holder_that_died_is_found_rather_than_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let (path, claims) = claimed_all_but_one_free(dir.path(), 3);
        let mut store = Store::open(&path).unwrap();
        let operator = claims[0].operator_id;
        // A claim made at `later` by a holder that died before answering.
        let later = now() + chrono::Duration::seconds(1);
        let mut claim_again = |again: bool| {
            // Nothing read beforehand: the claim reads the queue's head under the lock.
            let read = QueueRead {
                claims_seen: 0,
                order: Vec::new(),
            };
            store
                .commit_once(super::super::Durability::Lease, &mut |tx| {
                    claim_from(tx, &read, operator, later, &Rules::default(), again)
                })
                .unwrap()
                .expect("a tenant is free")
        };
        let made = claim_again(false);
        let found = claim_again(true);
        assert_eq!(found, made, "found, not made again");
        assert_ne!(claim_again(false), made, "a new claim is another one");
    }

    #[test]
    fn a_call_saved_under_other_rules_is_given_back_to_its_owner() {
        let dir = tempfile::tempdir().unwrap();
        let (path, claims) = claimed(dir.path(), 2);
        let store = Store::open(&path).unwrap();
        let board = store.gate.board().unwrap();
        let other_rules = Rules {
            max_attempts_per_day: 5,
            ..Rules::default()
        };
        let theirs = call(&claims[0]);
        let posted = board
            .post(&request(Job::Save(theirs.clone()), now(), fingerprint(&other_rules)).unwrap())
            .unwrap();
        let mut mine = Store::open(&path).unwrap();
        mine.save_call(&call(&claims[1]), now(), &Rules::default())
            .unwrap();
        assert_eq!(mine.board_requests(), (1, 1));
        assert_eq!(
            board.standing(posted),
            Standing::Returned,
            "for its owner to save"
        );
        assert_eq!(calls_saved(&path).len(), 1);
    }

    #[test]
    fn a_claim_made_by_a_dead_holder_is_found_when_the_next_lead_fails() {
        let dir = tempfile::tempdir().unwrap();
        let (path, claims) = claimed_all_but_one_free(dir.path(), 4);
        let operator = claims[1].operator_id;
        let holder = Store::open(&path).unwrap();
        let board = holder.gate.board().unwrap();
        let rules_id = fingerprint(&Rules::default());
        let turn = holder.gate.enter(Duration::from_secs(5)).unwrap();
        std::thread::scope(|s| {
            let owner = s.spawn(|| {
                let mut store = Store::open(&path).unwrap();
                store.set_retry_for(Duration::from_secs(10));
                store.claim_next(operator, now(), &Rules::default())
            });
            until_posted(board, 1);
            // A holder takes the claim, makes it and dies before answering.
            assert_eq!(board.take(None).len(), 1);
            let raw = rusqlite::Connection::open(&path).unwrap();
            raw.execute_batch("BEGIN IMMEDIATE").unwrap();
            let made = claim_as_holder(&raw, operator, now()).unwrap();
            raw.execute_batch("COMMIT").unwrap();
            // Someone else's request waits too, and a writer outside the gate holds
            // SQLite's lock while the owner leads.
            let other = board
                .post(&request(Job::Save(call(&claims[0])), now(), rules_id).unwrap())
                .unwrap();
            raw.execute_batch("BEGIN IMMEDIATE").unwrap();
            drop(turn);
            let started = Instant::now();
            while board.standing(other) != Standing::Returned {
                assert!(started.elapsed() < Duration::from_secs(20));
                std::thread::sleep(Duration::from_millis(5));
            }
            raw.execute_batch("ROLLBACK").unwrap();
            let second = owner.join().unwrap().unwrap().unwrap();
            let open = Store::open(&path)
                .unwrap()
                .open_claims(operator, now())
                .unwrap();
            assert_eq!(open, vec![made.clone()], "one claim, the one already made");
            assert_eq!(second, made);
        });
    }

    #[test]
    fn a_claim_whose_holder_hung_is_found_by_the_operator_s_next_claim() {
        let dir = tempfile::tempdir().unwrap();
        let (path, claims) = claimed_all_but_one_free(dir.path(), 4);
        let operator = claims[1].operator_id;
        let holder = Store::open(&path).unwrap();
        let board = holder.gate.board().unwrap();
        let turn = holder.gate.enter(Duration::from_secs(5)).unwrap();
        let (tx1, rx1) = std::sync::mpsc::channel();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let owner_path = path.clone();
        std::thread::scope(|s| {
            let owner = s.spawn(move || {
                let mut store = Store::open(&owner_path).unwrap();
                store.set_retry_for(Duration::from_millis(250)); // As the screen does.
                let first = store.claim_next(operator, now(), &Rules::default());
                tx1.send(format!("{first:?}")).unwrap();
                go_rx.recv().unwrap();
                let later = now() + chrono::Duration::seconds(2);
                store.claim_next(operator, later, &Rules::default())
            });
            until_posted(board, 1);
            let taken = board.take(None);
            let first = rx1.recv().unwrap();
            assert!(
                first.contains("Busy"),
                "the screen is told to wait: {first}"
            );
            // The hung holder resumes: commits the claim and answers an abandoned slot.
            let raw = rusqlite::Connection::open(&path).unwrap();
            raw.execute_batch("BEGIN IMMEDIATE").unwrap();
            let made = claim_as_holder(&raw, operator, now());
            raw.execute_batch("COMMIT").unwrap();
            board.answer(
                &taken[0],
                &serde_json::to_vec(&Answer::Claimed(made.clone())).unwrap(),
                0,
            );
            drop(turn);
            go_tx.send(()).unwrap();
            let second = owner.join().unwrap().unwrap();
            assert_eq!(
                second, made,
                "the claim made meanwhile is the operator's next"
            );
            let open = Store::open(&path)
                .unwrap()
                .open_claims(operator, now() + chrono::Duration::seconds(2))
                .unwrap();
            assert_eq!(open.len(), 1, "two open claims: {open:?}");
        });
    }
}
