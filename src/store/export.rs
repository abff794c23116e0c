//! Rows for partners: referrals, intervention requests, calls and tenants, one row at a
//! time so that a million calls never sit in memory. Columns that may hold health
//! details (free-text notes written during calls) are only read when asked for.
//! Column meanings are in docs/REPORT.md.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value;
use rusqlite::{Row, params_from_iter};

use super::{Result, Store, StoreError, shifts::audit, time};

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Referrals,
    Interventions,
    Calls,
    Tenants,
}

impl Export {
    pub fn code(self) -> &'static str {
        match self {
            Export::Referrals => "referrals",
            Export::Interventions => "interventions",
            Export::Calls => "calls",
            Export::Tenants => "tenants",
        }
    }
}

/// One value of an exported row. The writer decides how each kind is spelt
/// (dates as dd/mm/yyyy for spreadsheets, ISO for programs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Bool(bool),
    /// A code or a name veille made itself (`service_code`, a language).
    Code(String),
    /// A code of a closed list (`reached`, `food`), with the list it belongs to: the
    /// key of its names in `assets/i18n` (`outcome`, `need`). A list of them is
    /// `,`-separated (`food,health`).
    Named(&'static str, String),
    /// Text people typed or imported: a spreadsheet must not take it for a formula.
    Text(String),
    /// A phone number in its stored form (`0612345678`, `+441234567890`).
    Phone(String),
    Day(NaiveDate),
    Instant(DateTime<Utc>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Bool,
    Code,
    Named(&'static str),
    Text,
    Phone,
    Day,
    Instant,
}

struct Column {
    name: &'static str,
    sql: &'static str,
    kind: Kind,
    /// May hold health details: read only with `include_health`.
    health: bool,
}

const fn col(name: &'static str, sql: &'static str, kind: Kind) -> Column {
    Column {
        name,
        sql,
        kind,
        health: false,
    }
}

const fn health(name: &'static str, sql: &'static str, kind: Kind) -> Column {
    Column {
        name,
        sql,
        kind,
        health: true,
    }
}

use Kind::{Bool, Code, Day, Instant, Int, Named, Phone, Text};

/// Who a referral or an intervention request is for, and where they live (up to the
/// door): the same columns in both exports.
const TENANT_AT_HOME: &[Column] = &[
    col("tenant_ref", "t.external_ref", Text),
    col("tenant_title", "t.title", Text),
    col("tenant_last_name", "t.last_name", Text),
    col("tenant_first_name", "t.first_name", Text),
    col("tenant_phone", "t.phone", Phone),
    col("tenant_phone_alt", "t.phone_alt", Phone),
    col("address", "t.address", Text),
    col("building", "t.building", Text),
    col("staircase", "t.staircase", Text),
    col("floor", "t.floor", Text),
    col("door", "t.door", Text),
];

/// The tenant's town and household, and who wrote the row, after the address.
const TOWN_AND_AUTHOR: &[Column] = &[
    col("postcode", "t.postcode", Text),
    col("city", "t.city", Text),
    col("lives_alone", "t.lives_alone", Bool),
    col("created_by", "o.name", Text),
];

const REFERRALS: &[&[Column]] = &[
    &[
        col("referral_id", "r.id", Int),
        col("created_at", "r.created_at", Instant),
        col("updated_at", "r.updated_at", Instant),
        col("status", "r.status", Named("referral_status")),
        col("category", "r.category", Named("need")),
        col("service_code", "s.code", Code),
        col("service_name", "s.name_fr", Code),
        col("follow_up_on", "r.follow_up_on", Day),
    ],
    TENANT_AT_HOME,
    TOWN_AND_AUTHOR,
    &[health("note", "r.note", Text)],
];

const INTERVENTIONS: &[&[Column]] = &[
    &[
        col("intervention_id", "i.id", Int),
        col("created_at", "i.created_at", Instant),
        col("updated_at", "i.updated_at", Instant),
        col("kind", "i.kind", Named("intervention_kind")),
        col("urgency", "i.urgency", Named("urgency")),
        col("status", "i.status", Named("intervention_status")),
        col("wanted_at", "i.wanted_at", Instant),
        col("place", "i.place", Text),
        col("team", "f.name", Text),
        col("planned_at", "i.planned_at", Instant),
    ],
    TENANT_AT_HOME,
    // The field team needs the access code to get in.
    &[col("access_code", "t.access_code", Text)],
    TOWN_AND_AUTHOR,
    &[
        health("details", "i.details", Text),
        health("outcome", "i.outcome", Text),
    ],
];

const CALLS: &[&[Column]] = &[&[
    col("call_id", "c.id", Int),
    col("started_at", "c.started_at", Instant),
    col("ended_at", "c.ended_at", Instant),
    col(
        "duration_seconds",
        "CAST(round((julianday(c.ended_at) - julianday(c.started_at)) * 86400.0) AS INTEGER)",
        Int,
    ),
    col("outcome", "c.outcome", Named("outcome")),
    col("wellbeing", "c.wellbeing", Named("wellbeing")),
    col("callback_at", "c.callback_at", Instant),
    col("hospitalised_until", "c.hospitalised_until", Day),
    col(
        "need_categories",
        "(SELECT group_concat(category, ',') FROM
            (SELECT DISTINCT n.category FROM needs n WHERE n.call_id = c.id ORDER BY n.category))",
        Named("need"),
    ),
    col("tenant_ref", "t.external_ref", Text),
    col("tenant_last_name", "t.last_name", Text),
    col("tenant_first_name", "t.first_name", Text),
    col("cohort", "k.name", Text),
    col("operator_login", "o.login", Text),
    col("operator_name", "o.name", Text),
    health(
        "need_details",
        "(SELECT group_concat(n.category || ': ' || n.details, ' | ') FROM needs n
            WHERE n.call_id = c.id AND n.details <> '')",
        Text,
    ),
    health("notes", "c.notes", Text),
]];

const TENANTS: &[&[Column]] = &[&[
    col("tenant_id", "t.id", Int),
    col("tenant_ref", "t.external_ref", Text),
    col("title", "t.title", Text),
    col("last_name", "t.last_name", Text),
    col("first_name", "t.first_name", Text),
    col("birth_date", "t.birth_date", Day),
    col("phone", "t.phone", Phone),
    col("phone_alt", "t.phone_alt", Phone),
    col("address", "t.address", Text),
    col("building", "t.building", Text),
    col("staircase", "t.staircase", Text),
    col("floor", "t.floor", Text),
    col("door", "t.door", Text),
    col("postcode", "t.postcode", Text),
    col("city", "t.city", Text),
    col("lives_alone", "t.lives_alone", Bool),
    col("language", "t.language", Code),
    col("cohort", "k.name", Text),
    col("status", "t.status", Named("tenant_status")),
    col("paused_until", "t.paused_until", Day),
    col("objection_at", "t.objection_at", Instant),
    col("due_at", "t.due_at", Instant),
    col("callback_at", "t.callback_at", Instant),
    col("last_call_at", "t.last_call_at", Instant),
    col("last_outcome", "t.last_outcome", Named("outcome")),
    col("flag", "t.flag", Named("outcome")),
    health("notes", "t.notes", Text),
]];

/// The columns of each export (in parts, in order), its tables, the column its period is
/// read on and its order.
fn source(
    what: Export,
) -> (
    &'static [&'static [Column]],
    &'static str,
    &'static str,
    &'static str,
) {
    match what {
        Export::Referrals => (
            REFERRALS,
            "referrals r JOIN tenants t ON t.id = r.tenant_id
             JOIN services s ON s.id = r.service_id
             LEFT JOIN operators o ON o.id = r.created_by",
            "r.created_at",
            "r.id",
        ),
        Export::Interventions => (
            INTERVENTIONS,
            "interventions i JOIN tenants t ON t.id = i.tenant_id
             LEFT JOIN field_teams f ON f.id = i.team_id
             LEFT JOIN operators o ON o.id = i.created_by",
            "i.created_at",
            "i.id",
        ),
        Export::Calls => (
            CALLS,
            "calls c JOIN tenants t ON t.id = c.tenant_id
             JOIN cohorts k ON k.id = t.cohort_id
             JOIN operators o ON o.id = c.operator_id",
            "c.ended_at",
            "c.ended_at, c.id",
        ),
        // A tenant's record changes when they are imported, updated or called.
        Export::Tenants => (
            TENANTS,
            "tenants t JOIN cohorts k ON k.id = t.cohort_id",
            "t.updated_at",
            "t.id",
        ),
    }
}

fn chosen(what: Export, include_health: bool) -> impl Iterator<Item = &'static Column> {
    source(what)
        .0
        .iter()
        .copied()
        .flatten()
        .filter(move |c| include_health || !c.health)
}

/// The column names of an export, in order.
pub fn export_columns(what: Export, include_health: bool) -> Vec<&'static str> {
    chosen(what, include_health).map(|c| c.name).collect()
}

/// The columns that only `include_health` adds.
pub fn health_columns(what: Export) -> Vec<&'static str> {
    source(what)
        .0
        .iter()
        .copied()
        .flatten()
        .filter(|c| c.health)
        .map(|c| c.name)
        .collect()
}

fn cell(r: &Row, i: usize, kind: Kind) -> rusqlite::Result<Cell> {
    let text = |r: &Row| r.get::<_, Option<String>>(i);
    Ok(match kind {
        Int => r.get::<_, Option<i64>>(i)?.map_or(Cell::Null, Cell::Int),
        Bool => r.get::<_, Option<bool>>(i)?.map_or(Cell::Null, Cell::Bool),
        Code => text(r)?.map_or(Cell::Null, Cell::Code),
        Named(list) => text(r)?.map_or(Cell::Null, |code| Cell::Named(list, code)),
        Text => text(r)?.map_or(Cell::Null, Cell::Text),
        Phone => text(r)?.map_or(Cell::Null, Cell::Phone),
        Day => time::opt_day(text(r)?)?.map_or(Cell::Null, Cell::Day),
        Instant => time::opt_ts(text(r)?)?.map_or(Cell::Null, Cell::Instant),
    })
}

impl Store {
    /// Reads the rows of an export made between `from` (included) and `to` (excluded),
    /// handing each to `each` in order; returns how many there were.
    pub fn export<E: From<StoreError>>(
        &self,
        what: Export,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        include_health: bool,
        mut each: impl FnMut(&[Cell]) -> std::result::Result<(), E>,
    ) -> std::result::Result<u64, E> {
        let (_, tables, at, order) = source(what);
        let columns: Vec<&Column> = chosen(what, include_health).collect();
        let select: Vec<&str> = columns.iter().map(|c| c.sql).collect();
        let mut filter = Vec::new();
        let mut params = Vec::new();
        if let Some(from) = from {
            params.push(Value::Text(time::ts(from)));
            filter.push(format!("{at} >= ?{}", params.len()));
        }
        if let Some(to) = to {
            params.push(Value::Text(time::ts(to)));
            filter.push(format!("{at} < ?{}", params.len()));
        }
        let filter = if filter.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", filter.join(" AND "))
        };
        let sql = format!(
            "SELECT {} FROM {tables} {filter} ORDER BY {order}",
            select.join(", ")
        );
        let mut stmt = self.read().prepare(&sql).map_err(StoreError::from)?;
        let mut found = stmt
            .query(params_from_iter(params))
            .map_err(StoreError::from)?;
        let mut n = 0;
        let mut cells = Vec::with_capacity(columns.len());
        while let Some(row) = found.next().map_err(StoreError::from)? {
            cells.clear();
            for (i, c) in columns.iter().enumerate() {
                cells.push(cell(row, i, c.kind).map_err(StoreError::from)?);
            }
            each(&cells)?;
            n += 1;
        }
        Ok(n)
    }

    /// Writes who exported what in the audit log. Exports with health details are
    /// logged as `export_health` and must name their operator.
    pub fn record_export(
        &mut self,
        operator: Option<i64>,
        what: Export,
        include_health: bool,
        details: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if include_health && operator.is_none() {
            return Err(StoreError::Invalid(
                "an export with health details must say who makes it".into(),
            ));
        }
        let action = if include_health {
            "export_health"
        } else {
            "export"
        };
        self.write(|tx| {
            audit(
                tx,
                now,
                operator,
                action,
                None,
                &format!("{}: {details}", what.code()),
            )
        })
    }
}
