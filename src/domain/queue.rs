//! Queue order: who is offered to an operator next.
//!
//! 1. callbacks due now that this operator promised to make themselves;
//! 2. other callbacks due now (a callback promised by a colleague waits for them
//!    for a grace period, then anyone may take it), earliest first;
//! 3. tenants due by their cohort's cadence: highest-priority cohort first (lowest
//!    number), most overdue first.
//!
//! Nobody is offered outside calling hours. The store fetches the candidates (tenants
//! in the queue, due, not claimed) and this module decides their order.

use chrono::{DateTime, Duration, Utc};

/// A tenant that is due and not held by anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub tenant_id: i64,
    pub due_at: DateTime<Utc>,
    pub cohort_priority: i64,
    pub callback_at: Option<DateTime<Utc>>,
    pub callback_operator: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    MyCallback,
    Callback,
    Due,
}

fn tier(c: &Candidate, operator: i64, now: DateTime<Utc>, grace: Duration) -> Option<Tier> {
    if c.due_at > now {
        return None;
    }
    match (c.callback_at, c.callback_operator) {
        (Some(_), Some(op)) if op == operator => Some(Tier::MyCallback),
        (Some(at), Some(_)) if now < at + grace => None,
        (Some(_), _) => Some(Tier::Callback),
        (None, _) => Some(Tier::Due),
    }
}

/// Keeps the candidates `operator` may take at `now` and puts them in queue order.
pub fn order(
    candidates: Vec<Candidate>,
    operator: i64,
    now: DateTime<Utc>,
    callback_grace: Duration,
) -> Vec<Candidate> {
    let mut keyed: Vec<(Tier, Candidate)> = candidates
        .into_iter()
        .filter_map(|c| tier(&c, operator, now, callback_grace).map(|t| (t, c)))
        .collect();
    keyed.sort_by(|(ta, a), (tb, b)| {
        ta.cmp(tb)
            .then_with(|| match ta {
                Tier::MyCallback | Tier::Callback => a.due_at.cmp(&b.due_at),
                Tier::Due => a
                    .cohort_priority
                    .cmp(&b.cohort_priority)
                    .then(a.due_at.cmp(&b.due_at)),
            })
            .then(a.tenant_id.cmp(&b.tenant_id))
    });
    keyed.into_iter().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn due(id: i64, priority: i64, at: &str) -> Candidate {
        Candidate {
            tenant_id: id,
            due_at: utc(at),
            cohort_priority: priority,
            callback_at: None,
            callback_operator: None,
        }
    }

    fn callback(id: i64, at: &str, operator: Option<i64>) -> Candidate {
        Candidate {
            callback_at: Some(utc(at)),
            callback_operator: operator,
            ..due(id, 9, at)
        }
    }

    fn ids(v: Vec<Candidate>) -> Vec<i64> {
        v.into_iter().map(|c| c.tenant_id).collect()
    }

    const NOW: &str = "2026-11-28T10:00:00Z";
    const GRACE: Duration = Duration::minutes(15);

    #[test]
    fn priority_first_then_most_overdue() {
        let v = vec![
            due(1, 2, "2026-11-20T08:00:00Z"),
            due(2, 1, "2026-11-27T08:00:00Z"),
            due(3, 1, "2026-11-21T08:00:00Z"),
            due(4, 2, "2026-11-28T08:00:00Z"),
        ];
        assert_eq!(ids(order(v, 7, utc(NOW), GRACE)), vec![3, 2, 1, 4]);
    }

    #[test]
    fn not_yet_due_is_left_out() {
        let v = vec![due(1, 1, "2026-11-28T10:00:01Z"), due(2, 1, NOW)];
        assert_eq!(ids(order(v, 7, utc(NOW), GRACE)), vec![2]);
    }

    #[test]
    fn callbacks_come_before_due_tenants_and_mine_before_others() {
        let v = vec![
            due(1, 1, "2026-11-01T08:00:00Z"),
            callback(2, "2026-11-28T09:00:00Z", None),
            callback(3, "2026-11-28T09:50:00Z", Some(7)),
            callback(4, "2026-11-28T08:00:00Z", None),
        ];
        assert_eq!(ids(order(v, 7, utc(NOW), GRACE)), vec![3, 4, 2, 1]);
    }

    #[test]
    fn a_colleagues_callback_waits_for_them_during_the_grace_period() {
        let mine_for_5 = callback(1, "2026-11-28T09:50:00Z", Some(5));
        assert_eq!(
            ids(order(vec![mine_for_5.clone()], 7, utc(NOW), GRACE)),
            Vec::<i64>::new()
        );
        assert_eq!(
            ids(order(vec![mine_for_5.clone()], 5, utc(NOW), GRACE)),
            vec![1]
        );
        // After the grace period anyone may take it.
        assert_eq!(
            ids(order(
                vec![mine_for_5],
                7,
                utc("2026-11-28T10:05:00Z"),
                GRACE
            )),
            vec![1]
        );
    }

    #[test]
    fn the_grace_period_ends_on_the_minute() {
        let for_5 = callback(1, "2026-11-28T09:45:00Z", Some(5));
        let at = |now: &str| ids(order(vec![for_5.clone()], 7, utc(now), GRACE));
        assert_eq!(at("2026-11-28T09:59:59Z"), Vec::<i64>::new());
        assert_eq!(at(NOW), vec![1], "09:45 + 15 minutes is 10:00");
    }

    #[test]
    fn a_callback_not_yet_due_is_not_offered() {
        let v = vec![callback(1, "2026-11-28T11:00:00Z", Some(7))];
        assert!(order(v, 7, utc(NOW), GRACE).is_empty());
    }
}
