-- veille schema, version 7: an operator's claims are only ever looked up while open.
-- The index keeps open claims alone, so a claim adds one entry and its release removes
-- it, instead of moving an entry through an index of every claim ever made: two pages
-- fewer written under the write lock per call.
DROP INDEX IF EXISTS claims_operator;
CREATE INDEX IF NOT EXISTS claims_open_by_operator ON claims (operator_id) WHERE released_at IS NULL;
