//! Bulk loading: a whole program's people and history written into a new database at
//! once (the demo database, large files for performance work). The rows come with
//! their ids already chosen, so that calls can point at shifts and referrals at calls
//! without reading anything back; everything is written in one transaction, many rows
//! per cached statement.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rusqlite::{OptionalExtension, ToSql, Transaction, params};

use super::{NewTenant, Result, Store, StoreError, rows, time};
use crate::domain::emergency::ServicesCalled;
use crate::domain::schedule::Flag;
use crate::domain::{
    InterventionKind, InterventionStatus, NeedCategory, Outcome, ReferralStatus, Role,
    TenantStatus, Urgency, Wellbeing,
};

/// Everything to write, parents before children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bulk {
    pub settings: Vec<(String, String)>,
    pub operators: Vec<BulkOperator>,
    pub cohorts: Vec<BulkCohort>,
    pub field_teams: Vec<BulkFieldTeam>,
    pub tenants: Vec<BulkTenant>,
    pub shifts: Vec<BulkShift>,
    pub calls: Vec<BulkCall>,
    pub needs: Vec<BulkNeed>,
    pub referrals: Vec<BulkReferral>,
    pub referral_events: Vec<BulkReferralEvent>,
    pub interventions: Vec<BulkIntervention>,
    pub intervention_events: Vec<BulkInterventionEvent>,
    pub emergencies: Vec<BulkEmergency>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkOperator {
    pub id: i64,
    pub login: String,
    pub name: String,
    pub organisation: String,
    pub role: Role,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkCohort {
    pub id: i64,
    pub name: String,
    pub priority: i64,
    pub cadence_days: u32,
    pub starts_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkFieldTeam {
    pub id: i64,
    pub name: String,
    pub members: String,
}

/// A tenant with their place in the calling schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkTenant {
    pub id: i64,
    pub person: NewTenant,
    pub cohort_id: i64,
    pub status: TenantStatus,
    pub paused_until: Option<NaiveDate>,
    pub due_at: Option<DateTime<Utc>>,
    pub callback_at: Option<DateTime<Utc>>,
    pub callback_operator_id: Option<i64>,
    pub attempts_day: Option<NaiveDate>,
    pub attempts_count: u32,
    pub last_call_at: Option<DateTime<Utc>>,
    pub last_outcome: Option<Outcome>,
    pub flag: Option<Flag>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkShift {
    pub id: i64,
    pub operator_id: i64,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub handover_note: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkCall {
    pub id: i64,
    pub save_id: String,
    pub tenant_id: i64,
    pub operator_id: i64,
    pub shift_id: Option<i64>,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub outcome: Outcome,
    pub wellbeing: Option<Wellbeing>,
    pub callback_at: Option<DateTime<Utc>>,
    pub hospitalised_until: Option<NaiveDate>,
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkNeed {
    pub call_id: i64,
    pub tenant_id: i64,
    pub category: NeedCategory,
    pub details: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkReferral {
    pub id: i64,
    pub tenant_id: i64,
    pub call_id: Option<i64>,
    pub service_id: i64,
    pub category: NeedCategory,
    pub status: ReferralStatus,
    pub note: String,
    pub follow_up_on: Option<NaiveDate>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkReferralEvent {
    pub referral_id: i64,
    pub status: ReferralStatus,
    pub note: String,
    pub operator_id: i64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkIntervention {
    pub id: i64,
    pub tenant_id: i64,
    pub call_id: Option<i64>,
    pub kind: InterventionKind,
    pub urgency: Urgency,
    pub status: InterventionStatus,
    pub wanted_at: Option<DateTime<Utc>>,
    pub place: String,
    pub details: String,
    pub team_id: Option<i64>,
    pub planned_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkInterventionEvent {
    pub intervention_id: i64,
    pub status: InterventionStatus,
    pub note: String,
    /// `None` when the field team recorded it.
    pub operator_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// A call saved under the emergency protocol, and the coordinator who took it, if one has.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkEmergency {
    pub call_id: i64,
    pub tenant_id: i64,
    pub operator_id: i64,
    pub at: DateTime<Utc>,
    pub services: ServicesCalled,
    pub decision: String,
    /// Empty when an emergency intervention was requested.
    pub no_request_reason: String,
    pub taken: Option<(i64, DateTime<Utc>)>,
}

impl Store {
    /// Writes `bulk` into a new database (one without tenants) in one transaction: all
    /// of it or, on any error, nothing. Meant for a file nobody else uses yet: while it
    /// runs, the secondary indexes are dropped and rebuilt at the end, and the
    /// references between rows are checked once at the end rather than row by row.
    pub fn insert_bulk(&mut self, bulk: &Bulk) -> Result<()> {
        if self.tenant_count()? > 0 {
            return Err(StoreError::Invalid(format!(
                "{} already holds tenants: bulk loading is only for a new database",
                self.path.display()
            )));
        }
        // Row by row, the checks and index updates cost more than the rows themselves.
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        // A new file: the rows need not go through the write-ahead log and then be
        // copied again into the file. The journal in memory still undoes a failed load.
        let _: String = self
            .conn
            .query_row("PRAGMA journal_mode = MEMORY", [], |r| r.get(0))?;
        let cache: i64 = self.conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        self.conn
            .pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
        let written = self.write(|tx| {
            let indexes = rows(
                tx,
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
                 ORDER BY name",
                [],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
            )?;
            for (name, _) in &indexes {
                tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
            }
            insert_all(tx, bulk)?;
            for (_, sql) in &indexes {
                tx.execute_batch(sql)?;
            }
            let broken: Option<(String, i64, String)> = tx
                .query_row(
                    "SELECT \"table\", rowid, parent FROM pragma_foreign_key_check LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            if let Some((table, row, parent)) = broken {
                return Err(StoreError::Invalid(format!(
                    "bulk load refused: row {row} of {table} points to a missing row of {parent}"
                )));
            }
            Ok(())
        });
        let restored = self.restore_after_bulk(cache);
        written.and(restored)
    }

    /// Puts back the settings `insert_bulk` changed for the load.
    fn restore_after_bulk(&mut self, cache: i64) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", cache)?;
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Other(format!(
                "the database could not switch back to WAL journaling (it reports '{mode}')"
            )));
        }
        Ok(())
    }

    /// Moves everything written into the database file itself and closes it, so that
    /// the file alone holds the database and can be renamed into place.
    pub fn checkpoint_and_close(self) -> Result<()> {
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(StoreError::Busy);
        }
        self.conn.close().map_err(|(_, e)| e.into())
    }
}

/// Page cache while bulk loading (in KiB, as SQLite's negative `cache_size`): enough to
/// keep the tables being filled in memory.
const BULK_CACHE_KIB: i64 = -64 * 1024;

/// `time::ts`, formatted without chrono's format-string parser: a bulk load writes
/// millions of instants.
fn stamp(t: DateTime<Utc>) -> String {
    let (d, h) = (t.date_naive(), t.time());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        d.year(),
        d.month(),
        d.day(),
        h.hour(),
        h.minute(),
        h.second(),
        (h.nanosecond() / 1_000_000).min(999)
    )
}

fn opt_ts(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(stamp)
}

fn opt_day(d: Option<NaiveDate>) -> Option<String> {
    d.map(time::day)
}

/// Rows written by one INSERT statement: one statement per row would spend most of its
/// time starting and finishing the statement.
const ROWS_PER_STATEMENT: usize = 64;

/// Binds the values of the rows of one INSERT, in order.
struct Values<'a, 'conn> {
    stmt: &'a mut rusqlite::Statement<'conn>,
    next: usize,
}

impl Values<'_, '_> {
    fn put(&mut self, value: impl ToSql) -> rusqlite::Result<()> {
        self.next += 1;
        self.stmt.raw_bind_parameter(self.next, value)
    }
}

/// A kind of row `insert_bulk` writes: its table, its columns, and how one row binds
/// its values in their order.
trait Rows {
    const TABLE: &str;
    const COLUMNS: &[&str];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()>;
}

/// Inserts `rows` into their table, `ROWS_PER_STATEMENT` rows per statement.
fn insert_many<T: Rows>(tx: &Transaction, rows: &[T]) -> Result<()> {
    let one = format!("({})", vec!["?"; T::COLUMNS.len()].join(", "));
    let sql = |n: usize| {
        format!(
            "INSERT INTO {} ({}) VALUES {}",
            T::TABLE,
            T::COLUMNS.join(", "),
            vec![one.as_str(); n].join(", ")
        )
    };
    let full = sql(ROWS_PER_STATEMENT);
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut stmt = if chunk.len() == ROWS_PER_STATEMENT {
            tx.prepare_cached(&full)?
        } else {
            tx.prepare_cached(&sql(chunk.len()))?
        };
        let mut values = Values {
            stmt: &mut stmt,
            next: 0,
        };
        for row in chunk {
            row.bind(&mut values)?;
        }
        stmt.raw_execute()?;
    }
    Ok(())
}

/// The columns a referral's and an intervention request's events share, after the id of
/// what they happened to.
fn put_event(
    v: &mut Values,
    status: &str,
    note: &str,
    operator_id: impl ToSql,
    at: DateTime<Utc>,
) -> rusqlite::Result<()> {
    v.put(status)?;
    v.put(note)?;
    v.put(operator_id)?;
    v.put(stamp(at))
}

/// Writes every table of `b`, parents before children.
fn insert_all(tx: &Transaction, b: &Bulk) -> Result<()> {
    insert_settings(tx, &b.settings)?;
    insert_many(tx, &b.operators)?;
    insert_many(tx, &b.cohorts)?;
    insert_many(tx, &b.field_teams)?;
    insert_many(tx, &b.tenants)?;
    insert_many(tx, &b.shifts)?;
    insert_many(tx, &b.calls)?;
    insert_many(tx, &b.needs)?;
    insert_many(tx, &b.referrals)?;
    insert_many(tx, &b.referral_events)?;
    insert_many(tx, &b.interventions)?;
    insert_many(tx, &b.intervention_events)?;
    insert_many(tx, &b.emergencies)
}

/// Settings are few, and may replace the ones a new database starts with.
fn insert_settings(tx: &Transaction, settings: &[(String, String)]) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?;
    for (key, value) in settings {
        stmt.execute(params![key, value])?;
    }
    Ok(())
}

impl Rows for BulkOperator {
    const TABLE: &str = "operators";
    const COLUMNS: &[&str] = &[
        "id",
        "login",
        "name",
        "organisation",
        "role",
        "phone",
        "email",
        "created_at",
    ];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.id)?;
        v.put(&self.login)?;
        v.put(&self.name)?;
        v.put(&self.organisation)?;
        v.put(self.role.code())?;
        v.put(&self.phone)?;
        v.put(&self.email)?;
        v.put(stamp(self.created_at))
    }
}

impl Rows for BulkCohort {
    const TABLE: &str = "cohorts";
    const COLUMNS: &[&str] = &[
        "id",
        "name",
        "priority",
        "cadence_days",
        "starts_on",
        "created_at",
    ];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.id)?;
        v.put(&self.name)?;
        v.put(self.priority)?;
        v.put(self.cadence_days)?;
        v.put(time::day(self.starts_on))?;
        v.put(stamp(self.created_at))
    }
}

impl Rows for BulkFieldTeam {
    const TABLE: &str = "field_teams";
    const COLUMNS: &[&str] = &["id", "name", "members"];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.id)?;
        v.put(&self.name)?;
        v.put(&self.members)
    }
}

impl Rows for BulkTenant {
    const TABLE: &str = "tenants";
    const COLUMNS: &[&str] = &[
        "id",
        "external_ref",
        "title",
        "last_name",
        "first_name",
        "birth_date",
        "phone",
        "phone_alt",
        "address",
        "postcode",
        "city",
        "building",
        "staircase",
        "floor",
        "door",
        "access_code",
        "lives_alone",
        "cohort_id",
        "language",
        "status",
        "paused_until",
        "notes",
        "due_at",
        "callback_at",
        "callback_operator_id",
        "attempts_day",
        "attempts_count",
        "last_call_at",
        "last_outcome",
        "flag",
        "created_at",
        "updated_at",
    ];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        let p = &self.person;
        v.put(self.id)?;
        v.put(&p.external_ref)?;
        v.put(&p.title)?;
        v.put(&p.last_name)?;
        v.put(&p.first_name)?;
        v.put(opt_day(p.birth_date))?;
        v.put(&p.phone)?;
        v.put(&p.phone_alt)?;
        v.put(&p.address)?;
        v.put(&p.postcode)?;
        v.put(&p.city)?;
        v.put(&p.building)?;
        v.put(&p.staircase)?;
        v.put(&p.floor)?;
        v.put(&p.door)?;
        v.put(&p.access_code)?;
        v.put(p.lives_alone)?;
        v.put(self.cohort_id)?;
        v.put(if p.language.is_empty() {
            "fr"
        } else {
            &p.language
        })?;
        v.put(self.status.code())?;
        v.put(opt_day(self.paused_until))?;
        v.put(&p.notes)?;
        v.put(opt_ts(self.due_at))?;
        v.put(opt_ts(self.callback_at))?;
        v.put(self.callback_operator_id)?;
        v.put(opt_day(self.attempts_day))?;
        v.put(self.attempts_count)?;
        v.put(opt_ts(self.last_call_at))?;
        v.put(
            self.last_outcome
                .map(super::super::domain::call::Outcome::code),
        )?;
        v.put(self.flag.map(super::super::domain::schedule::Flag::code))?;
        v.put(stamp(self.created_at))?;
        v.put(stamp(self.updated_at))
    }
}

impl Rows for BulkShift {
    const TABLE: &str = "shifts";
    const COLUMNS: &[&str] = &[
        "id",
        "operator_id",
        "started_at",
        "ended_at",
        "handover_note",
    ];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.id)?;
        v.put(self.operator_id)?;
        v.put(stamp(self.started_at))?;
        v.put(opt_ts(self.ended_at))?;
        v.put(&self.handover_note)
    }
}

impl Rows for BulkCall {
    const TABLE: &str = "calls";
    const COLUMNS: &[&str] = &[
        "id",
        "save_id",
        "tenant_id",
        "operator_id",
        "shift_id",
        "started_at",
        "ended_at",
        "outcome",
        "wellbeing",
        "callback_at",
        "hospitalised_until",
        "notes",
    ];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.id)?;
        v.put(&self.save_id)?;
        v.put(self.tenant_id)?;
        v.put(self.operator_id)?;
        v.put(self.shift_id)?;
        v.put(stamp(self.started_at))?;
        v.put(stamp(self.ended_at))?;
        v.put(self.outcome.code())?;
        v.put(
            self.wellbeing
                .map(super::super::domain::call::Wellbeing::code),
        )?;
        v.put(opt_ts(self.callback_at))?;
        v.put(opt_day(self.hospitalised_until))?;
        v.put(&self.notes)
    }
}

impl Rows for BulkNeed {
    const TABLE: &str = "needs";
    const COLUMNS: &[&str] = &["call_id", "tenant_id", "category", "details"];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.call_id)?;
        v.put(self.tenant_id)?;
        v.put(self.category.code())?;
        v.put(&self.details)
    }
}

impl Rows for BulkReferral {
    const TABLE: &str = "referrals";
    const COLUMNS: &[&str] = &[
        "id",
        "tenant_id",
        "call_id",
        "service_id",
        "category",
        "status",
        "note",
        "follow_up_on",
        "created_by",
        "created_at",
        "updated_at",
    ];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.id)?;
        v.put(self.tenant_id)?;
        v.put(self.call_id)?;
        v.put(self.service_id)?;
        v.put(self.category.code())?;
        v.put(self.status.code())?;
        v.put(&self.note)?;
        v.put(opt_day(self.follow_up_on))?;
        v.put(self.created_by)?;
        v.put(stamp(self.created_at))?;
        v.put(stamp(self.updated_at))
    }
}

impl Rows for BulkReferralEvent {
    const TABLE: &str = "referral_events";
    const COLUMNS: &[&str] = &["referral_id", "status", "note", "operator_id", "at"];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.referral_id)?;
        put_event(v, self.status.code(), &self.note, self.operator_id, self.at)
    }
}

impl Rows for BulkIntervention {
    const TABLE: &str = "interventions";
    const COLUMNS: &[&str] = &[
        "id",
        "tenant_id",
        "call_id",
        "kind",
        "urgency",
        "status",
        "wanted_at",
        "place",
        "details",
        "team_id",
        "planned_at",
        "outcome",
        "created_by",
        "created_at",
        "updated_at",
    ];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.id)?;
        v.put(self.tenant_id)?;
        v.put(self.call_id)?;
        v.put(self.kind.code())?;
        v.put(self.urgency.code())?;
        v.put(self.status.code())?;
        v.put(opt_ts(self.wanted_at))?;
        v.put(&self.place)?;
        v.put(&self.details)?;
        v.put(self.team_id)?;
        v.put(opt_ts(self.planned_at))?;
        v.put(&self.outcome)?;
        v.put(self.created_by)?;
        v.put(stamp(self.created_at))?;
        v.put(stamp(self.updated_at))
    }
}

impl Rows for BulkEmergency {
    const TABLE: &str = "emergencies";
    const COLUMNS: &[&str] = &[
        "call_id",
        "tenant_id",
        "operator_id",
        "at",
        "services",
        "decision",
        "no_request_reason",
        "taken_by",
        "taken_at",
    ];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.call_id)?;
        v.put(self.tenant_id)?;
        v.put(self.operator_id)?;
        v.put(stamp(self.at))?;
        v.put(self.services.code())?;
        v.put(&self.decision)?;
        v.put(&self.no_request_reason)?;
        v.put(self.taken.map(|(by, _)| by))?;
        v.put(self.taken.map(|(_, at)| stamp(at)))
    }
}

impl Rows for BulkInterventionEvent {
    const TABLE: &str = "intervention_events";
    const COLUMNS: &[&str] = &["intervention_id", "status", "note", "operator_id", "at"];

    fn bind(&self, v: &mut Values) -> rusqlite::Result<()> {
        v.put(self.intervention_id)?;
        put_event(v, self.status.code(), &self.note, self.operator_id, self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn rows_land_with_their_ids_and_links() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("bulk.db")).unwrap();
        let at = utc("2026-11-20T09:30:00Z");
        let service = store.services().unwrap()[0].clone();
        let bulk = Bulk {
            settings: vec![("calling_hours".into(), "00:00-24:00".into())],
            operators: vec![BulkOperator {
                id: 7,
                login: "ana".into(),
                name: "Ana Lopes".into(),
                organisation: "Logis".into(),
                role: Role::Operator,
                phone: None,
                email: None,
                created_at: at,
            }],
            cohorts: vec![BulkCohort {
                id: 3,
                name: "isolated 70+".into(),
                priority: 1,
                cadence_days: 7,
                starts_on: at.date_naive(),
                created_at: at,
            }],
            tenants: vec![BulkTenant {
                id: 11,
                person: NewTenant {
                    external_ref: "R1".into(),
                    last_name: "Lefèvre".into(),
                    ..NewTenant::default()
                },
                cohort_id: 3,
                status: TenantStatus::Active,
                paused_until: None,
                due_at: Some(at),
                callback_at: None,
                callback_operator_id: None,
                attempts_day: None,
                attempts_count: 0,
                last_call_at: Some(at),
                last_outcome: Some(Outcome::Reached),
                flag: None,
                created_at: at,
                updated_at: at,
            }],
            shifts: vec![BulkShift {
                id: 5,
                operator_id: 7,
                started_at: at,
                ended_at: Some(at),
                handover_note: String::new(),
            }],
            calls: vec![BulkCall {
                id: 21,
                save_id: "demo-21".into(),
                tenant_id: 11,
                operator_id: 7,
                shift_id: Some(5),
                started_at: at,
                ended_at: at,
                outcome: Outcome::Reached,
                wellbeing: Some(Wellbeing::Fine),
                callback_at: None,
                hospitalised_until: None,
                notes: String::new(),
            }],
            referrals: vec![BulkReferral {
                id: 2,
                tenant_id: 11,
                call_id: Some(21),
                service_id: service.id,
                category: service.category,
                status: ReferralStatus::Sent,
                note: String::new(),
                follow_up_on: None,
                created_by: 7,
                created_at: at,
                updated_at: at,
            }],
            ..Bulk::default()
        };
        store.insert_bulk(&bulk).unwrap();
        let card = store.tenant_card(11).unwrap();
        assert_eq!(card.tenant.cohort, "isolated 70+");
        assert_eq!(card.last_calls.len(), 1);
        assert_eq!(card.last_calls[0].2, "Ana Lopes");
        assert_eq!(card.open_referrals[0].0, 2);
        assert_eq!(
            store.rules().unwrap().hours,
            crate::domain::CallingHours::ALL_DAY
        );
    }

    #[test]
    fn stamps_are_written_like_every_other_time() {
        let mut rng = fastrand::Rng::with_seed(4);
        for _ in 0..10_000 {
            let t = DateTime::from_timestamp_millis(rng.i64(0..4_102_444_800_000)).unwrap();
            assert_eq!(stamp(t), time::ts(t));
        }
    }

    #[test]
    fn a_database_with_tenants_is_not_bulk_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("bulk.db")).unwrap();
        let cohort = store
            .add_cohort(
                &crate::store::NewCohort {
                    name: "isolated 70+".into(),
                    priority: 1,
                    cadence_days: 7,
                    starts_on: utc("2026-11-20T09:30:00Z").date_naive(),
                },
                None,
                utc("2026-11-20T09:30:00Z"),
            )
            .unwrap();
        let someone = NewTenant {
            external_ref: "R1".into(),
            last_name: "Lefèvre".into(),
            ..NewTenant::default()
        };
        store
            .upsert_tenants(&[someone], cohort, None, utc("2026-11-20T09:30:00Z"))
            .unwrap();
        let err = store.insert_bulk(&Bulk::default()).unwrap_err();
        assert!(err.to_string().contains("only for a new database"), "{err}");
    }

    #[test]
    fn a_broken_link_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("bulk.db")).unwrap();
        let at = utc("2026-11-20T09:30:00Z");
        let bulk = Bulk {
            settings: vec![("demo".into(), "1".into())],
            shifts: vec![BulkShift {
                id: 1,
                operator_id: 99,
                started_at: at,
                ended_at: None,
                handover_note: String::new(),
            }],
            ..Bulk::default()
        };
        let err = store.insert_bulk(&bulk).unwrap_err();
        assert!(
            err.to_string()
                .contains("shifts points to a missing row of operators"),
            "{err}"
        );
        assert!(!store.is_demo().unwrap());
        // The indexes dropped for the load are back, and references are checked again.
        let indexes: i64 = store
            .read()
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(indexes > 10);
        let fk: i64 = store
            .read()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let mode: String = store
            .read()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn long_lists_are_written_whole_in_batches_of_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("bulk.db")).unwrap();
        let at = utc("2026-11-20T09:30:00Z");
        let count = 2 * ROWS_PER_STATEMENT + 3;
        let bulk = Bulk {
            operators: (1..=count as i64)
                .map(|id| BulkOperator {
                    id,
                    login: format!("op{id}"),
                    name: format!("Opérateur {id}"),
                    organisation: String::new(),
                    role: Role::Operator,
                    phone: None,
                    email: None,
                    created_at: at,
                })
                .collect(),
            ..Bulk::default()
        };
        store.insert_bulk(&bulk).unwrap();
        let operators = store.operators().unwrap();
        assert_eq!(operators.len(), count);
        assert_eq!(store.operator("op131").unwrap().id, 131);
        assert_eq!(store.operator("op1").unwrap().name, "Opérateur 1");
    }
}
