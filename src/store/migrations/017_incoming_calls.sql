-- veille schema, version 17: calls that come in. A tenant who phones the program is
-- recorded with the same form as the calls the program makes, marked incoming, and
-- counted apart in the summaries and the report.
ALTER TABLE calls ADD COLUMN incoming INTEGER NOT NULL DEFAULT 0;

-- The report counts a period's incoming calls from this index alone.
CREATE INDEX IF NOT EXISTS calls_incoming ON calls (ended_at, tenant_id) WHERE incoming;
