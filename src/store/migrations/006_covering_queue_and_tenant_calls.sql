-- veille schema, version 6: what every claim and save reads comes from indexes alone.
--
-- The queue index also carries what the queue looks at (status, pause, objection,
-- callback): reading the first due tenants of a cohort reads a few index pages instead
-- of one table page per tenant, and every operator reads them before each claim.
DROP INDEX tenants_queue;
CREATE INDEX tenants_queue ON tenants
    (cohort_id, due_at, status, paused_until, objection_at, callback_at, callback_operator_id)
    WHERE due_at IS NOT NULL AND status IN ('active', 'paused', 'hospitalised');

-- A tenant's calls by time also carry their outcome: the no-answer ladder, run while a
-- save holds the write lock, finds the last reached call and the unanswered ones since
-- without reading each call's row.
DROP INDEX calls_tenant;
CREATE INDEX calls_tenant ON calls (tenant_id, ended_at, outcome);
