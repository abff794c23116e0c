-- veille schema, version 3: the report's figures read a period's calls by their end
-- time and need only the outcome, the tenant and the operator; with those in the index
-- SQLite answers from the index alone instead of fetching each call's row.
DROP INDEX calls_ended;
CREATE INDEX calls_ended ON calls (ended_at, outcome, tenant_id, operator_id);
