-- veille schema, version 14: operators mark their breaks, so the coordinator's board
-- tells a pause from an operator who stopped taking calls. A break belongs to a shift;
-- at most one is open per operator, and ending the shift ends it. Written to run again
-- on a file that already has it (a version set back by hand), as the others are.
CREATE TABLE IF NOT EXISTS breaks (
    id          INTEGER PRIMARY KEY,
    shift_id    INTEGER NOT NULL REFERENCES shifts (id),
    operator_id INTEGER NOT NULL REFERENCES operators (id),
    -- Codes compared one by one, as version 9 made every check: no list built per write.
    reason      TEXT NOT NULL
                CHECK (reason = 'rest' OR reason = 'meal' OR reason = 'meeting' OR reason = 'other'),
    note        TEXT NOT NULL DEFAULT '',           -- what the operator added to the reason
    started_at  TEXT NOT NULL,
    ended_at    TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS breaks_one_open ON breaks (operator_id) WHERE ended_at IS NULL;
