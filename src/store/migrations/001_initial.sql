-- veille schema, version 1.
-- Times are UTC text 'YYYY-MM-DDTHH:MM:SS.sssZ' (sortable, understood by SQLite's
-- date functions); calendar dates are 'YYYY-MM-DD' in the program's local time zone.
-- Closed lists are snake_case codes (see docs/SCHEMA.md for their meaning).

-- Program-wide settings shared by every operator process (calling hours, lease, ...).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- People who use veille: landlord staff, volunteers, coordinators.
CREATE TABLE operators (
    id           INTEGER PRIMARY KEY,
    login        TEXT NOT NULL UNIQUE,          -- what people type after --operator
    name         TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL DEFAULT 'operator' CHECK (role IN ('operator', 'coordinator')),
    phone        TEXT,
    email        TEXT,
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL
);

-- Groups of tenants called with their own priority (1 is called first) and cadence.
CREATE TABLE cohorts (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    priority     INTEGER NOT NULL,
    cadence_days INTEGER NOT NULL CHECK (cadence_days > 0),
    starts_on    TEXT NOT NULL,                 -- local date from which the cohort is called
    active       INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL
);

-- The people to call, and where each stands in the calling schedule.
CREATE TABLE tenants (
    id                  INTEGER PRIMARY KEY,
    external_ref        TEXT UNIQUE,            -- the landlord's tenant reference
    title               TEXT NOT NULL DEFAULT '',
    last_name           TEXT NOT NULL,
    first_name          TEXT NOT NULL DEFAULT '',
    birth_date          TEXT,
    phone               TEXT,                   -- canonical: 10 digits starting with 0, or +international
    phone_alt           TEXT,
    address             TEXT NOT NULL DEFAULT '',
    postcode            TEXT NOT NULL DEFAULT '',
    city                TEXT NOT NULL DEFAULT '',
    building            TEXT NOT NULL DEFAULT '',
    staircase           TEXT NOT NULL DEFAULT '',
    floor               TEXT NOT NULL DEFAULT '',
    door                TEXT NOT NULL DEFAULT '',
    access_code         TEXT NOT NULL DEFAULT '',
    lives_alone         INTEGER NOT NULL DEFAULT 0,
    cohort_id           INTEGER NOT NULL REFERENCES cohorts (id),
    language            TEXT NOT NULL DEFAULT 'fr',
    status              TEXT NOT NULL DEFAULT 'active'
                        CHECK (status IN ('active', 'paused', 'hospitalised', 'moved', 'deceased', 'refuses')),
    paused_until        TEXT,
    notes               TEXT NOT NULL DEFAULT '',
    objection_at        TEXT,                   -- the tenant objected to being called
    objection_by        INTEGER REFERENCES operators (id),
    -- schedule
    due_at              TEXT,                   -- next call falls due; NULL = not scheduled
    callback_at         TEXT,                   -- set when the next call is a promised callback
    callback_operator_id INTEGER REFERENCES operators (id),
    attempts_day        TEXT,                   -- local date of the unanswered attempts below
    attempts_count      INTEGER NOT NULL DEFAULT 0,
    last_call_at        TEXT,
    last_outcome        TEXT,
    flag                TEXT CHECK (flag IN ('deceased_reported', 'wrong_number')),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX tenants_queue ON tenants (cohort_id, due_at)
    WHERE due_at IS NOT NULL AND status IN ('active', 'paused', 'hospitalised');
CREATE INDEX tenants_callbacks ON tenants (callback_at) WHERE callback_at IS NOT NULL;
CREATE INDEX tenants_name ON tenants (last_name, first_name);

-- Who holds which tenant. A claim is a lease: valid while released_at IS NULL and
-- expires_at is in the future. Rows are kept as the history of claims; the row id is
-- the claim's sequence number.
CREATE TABLE claims (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id),
    operator_id    INTEGER NOT NULL REFERENCES operators (id),
    claimed_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    released_at    TEXT,
    release_reason TEXT CHECK (release_reason IN ('saved', 'abandoned', 'expired'))
);
-- At most one unreleased claim per tenant, enforced by the database itself.
CREATE UNIQUE INDEX claims_one_open ON claims (tenant_id) WHERE released_at IS NULL;
CREATE INDEX claims_operator ON claims (operator_id, released_at);

-- An operator's working session from sign-in to end.
CREATE TABLE shifts (
    id            INTEGER PRIMARY KEY,
    operator_id   INTEGER NOT NULL REFERENCES operators (id),
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    handover_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX shifts_operator ON shifts (operator_id, started_at);

-- One call attempt.
CREATE TABLE calls (
    id                 INTEGER PRIMARY KEY,
    save_id            TEXT NOT NULL UNIQUE,    -- made by the client: saving twice records once
    tenant_id          INTEGER NOT NULL REFERENCES tenants (id),
    operator_id        INTEGER NOT NULL REFERENCES operators (id),
    shift_id           INTEGER REFERENCES shifts (id),
    claim_id           INTEGER REFERENCES claims (id),
    started_at         TEXT NOT NULL,
    ended_at           TEXT NOT NULL,
    outcome            TEXT NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'busy', 'voicemail',
                          'wrong_number', 'refused', 'callback_requested', 'hospitalised', 'deceased_reported')),
    wellbeing          TEXT CHECK (wellbeing IN ('fine', 'worried', 'urgent')),
    callback_at        TEXT,
    hospitalised_until TEXT,
    notes              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX calls_tenant ON calls (tenant_id, ended_at);
CREATE INDEX calls_operator ON calls (operator_id, ended_at);
CREATE INDEX calls_ended ON calls (ended_at);

-- What a call found the tenant needs. Details may hold health information.
CREATE TABLE needs (
    id        INTEGER PRIMARY KEY,
    call_id   INTEGER NOT NULL REFERENCES calls (id),
    tenant_id INTEGER NOT NULL REFERENCES tenants (id),
    category  TEXT NOT NULL CHECK (category IN ('health', 'food', 'transport', 'isolation',
                 'medication', 'home', 'financial', 'other')),
    details   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX needs_call ON needs (call_id);
CREATE INDEX needs_tenant ON needs (tenant_id);

-- The catalogue of services a tenant can be oriented to.
CREATE TABLE services (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    category    TEXT NOT NULL,
    name_fr     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1
);

-- A tenant oriented to a service. The current status is here; every change is in
-- referral_events.
CREATE TABLE referrals (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id),
    call_id      INTEGER REFERENCES calls (id),
    service_id   INTEGER NOT NULL REFERENCES services (id),
    category     TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'proposed'
                 CHECK (status IN ('proposed', 'sent', 'in_progress', 'done', 'declined')),
    note         TEXT NOT NULL DEFAULT '',
    follow_up_on TEXT,
    created_by   INTEGER NOT NULL REFERENCES operators (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX referrals_tenant ON referrals (tenant_id);
CREATE INDEX referrals_open ON referrals (status, follow_up_on);

CREATE TABLE referral_events (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals (id),
    status      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    operator_id INTEGER NOT NULL REFERENCES operators (id),
    at          TEXT NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id);

-- Field teams (first-aid volunteers) who go to tenants.
CREATE TABLE field_teams (
    id      INTEGER PRIMARY KEY,
    name    TEXT NOT NULL UNIQUE,
    members TEXT NOT NULL DEFAULT '',
    active  INTEGER NOT NULL DEFAULT 1
);

-- A field team must go. Current status here; every change in intervention_events.
CREATE TABLE interventions (
    id          INTEGER PRIMARY KEY,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id),
    call_id     INTEGER REFERENCES calls (id),
    kind        TEXT NOT NULL CHECK (kind IN ('accompaniment', 'welfare_visit', 'delivery', 'other')),
    urgency     TEXT NOT NULL CHECK (urgency IN ('routine', 'urgent', 'emergency')),
    status      TEXT NOT NULL DEFAULT 'requested'
                CHECK (status IN ('requested', 'assigned', 'done', 'cancelled')),
    wanted_at   TEXT,                           -- when the team should be there
    place       TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '',
    team_id     INTEGER REFERENCES field_teams (id),
    planned_at  TEXT,
    outcome     TEXT,                           -- how it ended: done, not_home, refused, handed_to_emergency, cancelled
    auto_reason TEXT,                           -- set when veille requested it by itself: 'no_answer_ladder'
    created_by  INTEGER NOT NULL REFERENCES operators (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX interventions_tenant ON interventions (tenant_id);
CREATE INDEX interventions_open ON interventions (status, urgency);

CREATE TABLE intervention_events (
    id              INTEGER PRIMARY KEY,
    intervention_id INTEGER NOT NULL REFERENCES interventions (id),
    status          TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    operator_id     INTEGER REFERENCES operators (id),
    at              TEXT NOT NULL
);
CREATE INDEX intervention_events_intervention ON intervention_events (intervention_id);

-- Who did what: imports, coordinator changes, reads of health details, exports.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    operator_id INTEGER REFERENCES operators (id),
    action      TEXT NOT NULL,
    tenant_id   INTEGER REFERENCES tenants (id),
    details     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
