//! When operators are at work: a morning and an afternoon shift each day but Sunday,
//! each operator on some of them, like the rota of a real program. The demo's database
//! lets calls happen at any hour (so trainees never meet an empty queue), but the
//! history it tells has people calling at office hours.
//!
//! The story ends with the last shift that finished before now: no call, shift or
//! status change is dated after that moment (`Staffing::end`).

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc, Weekday};

use crate::domain::Rules;
use crate::domain::hours::local_instant;
use crate::store::bulk::BulkShift;

use super::inputs::{Inputs, pick};

/// Local opening and closing minutes of the two daily shifts.
const SHIFT_HOURS: [(u16, u16); 2] = [(9 * 60, 13 * 60), (14 * 60, 18 * 60 + 30)];

/// Days a week an operator works: volunteers, as in the 2020 program, gave two or three
/// half-days a week, so that 400 of them called 40,000 seniors (docs/REPORT.md, "The demo").
const DAYS_A_WEEK: std::ops::RangeInclusive<usize> = 2..=3;

/// Percent of operators who work both shifts of their days; the others take the morning or
/// the afternoon.
const WHOLE_DAYS: u8 = 10;

/// No call starts in the last minutes of a shift, so that every call ends inside it.
const LAST_CALL_BEFORE_END: i64 = 15;

/// One shift period of one day, and who worked it.
#[derive(Debug, Clone)]
pub struct Window {
    pub start: DateTime<Utc>,
    /// The latest moment a call may start.
    pub last_start: DateTime<Utc>,
    /// The local date.
    pub date: NaiveDate,
    /// (operator, shift) of each operator at work.
    pub on_duty: Vec<(i64, i64)>,
}

#[derive(Debug, Clone)]
pub struct Staffing {
    /// Finished shift periods, in time order.
    windows: Vec<Window>,
    /// `last_start` of each window as a Unix time: searched for every call.
    last_starts: Vec<i64>,
    first_day: NaiveDate,
    /// Index of the first window of each day from `first_day`, and one past the last.
    day_starts: Vec<usize>,
    end: DateTime<Utc>,
}

impl Staffing {
    /// Plans the rota from `first_day` to now for the `operators` who call, and writes
    /// their shifts (numbered from 1) into `shifts`.
    pub fn plan(
        first_day: NaiveDate,
        now: DateTime<Utc>,
        rules: &Rules,
        operators: &[i64],
        inputs: &Inputs,
        rng: &mut fastrand::Rng,
        shifts: &mut Vec<BulkShift>,
    ) -> Staffing {
        let tz = rules.tz;
        // Each volunteer gives a few half-days a week, on days of their own.
        let rota: Vec<(Vec<Weekday>, [bool; 2])> = operators
            .iter()
            .map(|_| {
                let mut days = vec![
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri,
                    Weekday::Sat,
                ];
                rng.shuffle(&mut days);
                days.truncate(rng.usize(DAYS_A_WEEK));
                let halves = match rng.u8(0..100) {
                    n if n < WHOLE_DAYS => [true, true],
                    n if n % 2 == 0 => [true, false],
                    _ => [false, true],
                };
                (days, halves)
            })
            .collect();
        let mut windows = Vec::new();
        let mut day_starts = Vec::new();
        let today = rules.local_date(now);
        let mut day = first_day;
        while day <= today {
            day_starts.push(windows.len());
            if day.weekday() != Weekday::Sun {
                for (half, (open, close)) in SHIFT_HOURS.iter().enumerate() {
                    let start = local_instant(day, *open, tz);
                    let end = local_instant(day, *close, tz);
                    if end > now {
                        continue;
                    }
                    let mut working: Vec<usize> = rota
                        .iter()
                        .enumerate()
                        .filter(|(_, (days, halves))| halves[half] && days.contains(&day.weekday()))
                        .map(|(i, _)| i)
                        .collect();
                    if working.is_empty() && !operators.is_empty() {
                        // Someone always covers a shift.
                        working.push(windows.len() % operators.len());
                    }
                    let on_duty = working
                        .into_iter()
                        .map(|i| {
                            let id = shifts.len() as i64 + 1;
                            let handover_note = if rng.u8(0..100) < 15 {
                                pick(rng, &inputs.texts.handover).to_string()
                            } else {
                                String::new()
                            };
                            shifts.push(BulkShift {
                                id,
                                operator_id: operators[i],
                                started_at: start - Duration::minutes(rng.i64(0..=10)),
                                ended_at: Some((end + Duration::minutes(rng.i64(0..=15))).min(now)),
                                handover_note,
                            });
                            (operators[i], id)
                        })
                        .collect();
                    windows.push(Window {
                        start,
                        last_start: end - Duration::minutes(LAST_CALL_BEFORE_END),
                        date: day,
                        on_duty,
                    });
                }
            }
            day = day + Days::new(1);
        }
        day_starts.push(windows.len());
        let end = windows.last().map_or_else(
            || local_instant(first_day, 0, tz).min(now),
            |w| w.last_start + Duration::minutes(LAST_CALL_BEFORE_END),
        );
        Staffing {
            last_starts: windows.iter().map(|w| w.last_start.timestamp()).collect(),
            windows,
            first_day,
            day_starts,
            end,
        }
    }

    /// The end of the story: the close of the last finished shift period.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    pub fn window(&self, index: usize) -> &Window {
        &self.windows[index]
    }

    /// The first moment at or after `t` when operators are calling, with its window;
    /// `None` when that is after the end of the story.
    pub fn open_at_or_after(&self, t: DateTime<Utc>) -> Option<(usize, DateTime<Utc>)> {
        let at = t.timestamp();
        let i = self.last_starts.partition_point(|s| *s < at);
        self.windows.get(i).map(|w| (i, t.max(w.start)))
    }

    /// Like `open_at_or_after`, but work that waited for the next shift is picked up
    /// in its first hour and a half rather than all at its very first second.
    pub fn resume_at_or_after(
        &self,
        t: DateTime<Utc>,
        rng: &mut fastrand::Rng,
    ) -> Option<(usize, DateTime<Utc>)> {
        let (i, at) = self.open_at_or_after(t)?;
        if at == t {
            return Some((i, at));
        }
        let w = &self.windows[i];
        let room = (w.last_start - w.start).num_seconds().min(90 * 60);
        Some((i, at + Duration::seconds(rng.i64(0..=room))))
    }

    /// A random moment of calling on local `day`, or on the next day with shifts
    /// (Sunday's calls wait for Monday).
    pub fn moment_on(
        &self,
        day: NaiveDate,
        rng: &mut fastrand::Rng,
    ) -> Option<(usize, DateTime<Utc>)> {
        let mut k = usize::try_from((day - self.first_day).num_days()).unwrap_or(0);
        let (first, last) = loop {
            let (first, last) = (*self.day_starts.get(k)?, *self.day_starts.get(k + 1)?);
            if first < last {
                break (first, last);
            }
            k += 1;
        };
        let length = |w: &Window| (w.last_start - w.start).num_seconds();
        let total: i64 = self.windows[first..last].iter().map(length).sum();
        let mut at = rng.i64(0..total.max(1));
        for i in first..last {
            let w = &self.windows[i];
            if at < length(w) || i + 1 == last {
                return Some((i, w.start + Duration::seconds(at.min(length(w)))));
            }
            at -= length(w);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn plan(now: &str) -> (Staffing, Vec<BulkShift>) {
        let mut shifts = Vec::new();
        let staffing = Staffing::plan(
            "2026-11-16".parse().unwrap(),
            utc(now),
            &Rules::default(),
            &[2, 3, 4],
            super::super::inputs::inputs().unwrap(),
            &mut fastrand::Rng::with_seed(1),
            &mut shifts,
        );
        (staffing, shifts)
    }

    #[test]
    fn the_story_ends_with_the_last_finished_shift() {
        // Saturday 28 November 2026, 03:00 in Paris: Friday's afternoon closed at 18:30.
        let (s, shifts) = plan("2026-11-28T02:00:00Z");
        assert_eq!(s.end(), utc("2026-11-27T17:30:00Z"));
        assert!(
            shifts
                .iter()
                .all(|x| x.ended_at.unwrap() <= utc("2026-11-28T02:00:00Z"))
        );
        assert_eq!(s.open_at_or_after(utc("2026-11-27T17:20:00Z")), None);
        // At 11:00 on Saturday only Friday's shifts are over, not Saturday morning's.
        let (s, _) = plan("2026-11-28T10:00:00Z");
        assert_eq!(s.end(), utc("2026-11-27T17:30:00Z"));
    }

    #[test]
    fn every_shift_period_has_someone_and_no_sunday() {
        let (s, shifts) = plan("2026-11-28T02:00:00Z");
        // 16 to 27 November: 11 days from Monday to Saturday, two periods each.
        assert_eq!(s.windows.len(), 22);
        assert!(s.windows.iter().all(|w| !w.on_duty.is_empty()));
        assert!(
            s.windows.iter().all(
                |w| w.start.with_timezone(&chrono_tz::Europe::Paris).weekday() != Weekday::Sun
            )
        );
        for w in &s.windows {
            for (op, shift) in &w.on_duty {
                let sh = &shifts[*shift as usize - 1];
                assert_eq!(sh.operator_id, *op);
                assert!(sh.started_at <= w.start && sh.ended_at.unwrap() >= w.last_start);
            }
        }
    }

    #[test]
    fn moments_fall_inside_shifts_and_sunday_waits_for_monday() {
        let (s, _) = plan("2026-11-28T02:00:00Z");
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..200 {
            let (i, t) = s
                .moment_on("2026-11-22".parse().unwrap(), &mut rng)
                .unwrap();
            let w = s.window(i);
            assert!(w.start <= t && t <= w.last_start);
            assert_eq!(
                t.with_timezone(&chrono_tz::Europe::Paris)
                    .date_naive()
                    .to_string(),
                "2026-11-23"
            );
        }
        assert_eq!(
            s.open_at_or_after(utc("2026-11-23T12:30:00Z"))
                .map(|(_, t)| t),
            Some(utc("2026-11-23T13:00:00Z")),
            "13:30 in Paris is lunch: the afternoon starts at 14:00"
        );
        assert!(
            s.moment_on("2026-11-28".parse().unwrap(), &mut rng)
                .is_none()
        );
    }

    #[test]
    fn work_waiting_for_a_shift_is_spread_over_its_start() {
        let (s, _) = plan("2026-11-28T02:00:00Z");
        let mut rng = fastrand::Rng::with_seed(2);
        let inside = utc("2026-11-23T09:30:00Z");
        assert_eq!(
            s.resume_at_or_after(inside, &mut rng).map(|(_, t)| t),
            Some(inside)
        );
        // 13:30 in Paris is lunch: the afternoon opens at 14:00 (13:00 UTC).
        let moments: std::collections::BTreeSet<_> = (0..50)
            .map(|_| {
                s.resume_at_or_after(utc("2026-11-23T12:30:00Z"), &mut rng)
                    .unwrap()
                    .1
            })
            .collect();
        assert!(moments.len() > 40);
        assert!(
            moments
                .iter()
                .all(|t| *t >= utc("2026-11-23T13:00:00Z") && *t <= utc("2026-11-23T14:30:00Z"))
        );
    }
}
