-- veille schema, version 16: operators mark their breaks, so the coordinator's board
-- tells a pause from an operator who stopped taking calls. A break belongs to a shift;
-- at most one is open per operator, and ending the shift ends it.
CREATE TABLE breaks (
    id          INTEGER PRIMARY KEY,
    shift_id    INTEGER NOT NULL REFERENCES shifts (id),
    operator_id INTEGER NOT NULL REFERENCES operators (id),
    reason      TEXT NOT NULL CHECK (reason IN ('rest', 'meal', 'meeting', 'other')),
    started_at  TEXT NOT NULL,
    ended_at    TEXT
);
CREATE UNIQUE INDEX breaks_one_open ON breaks (operator_id) WHERE ended_at IS NULL;
