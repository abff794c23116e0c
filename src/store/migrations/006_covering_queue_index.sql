-- veille schema, version 6: the queue is read from its index alone. Each tenant in the
-- queue index also carries what the queue looks at (status, pause, objection, callback),
-- so reading the first due tenants of a cohort reads a few index pages instead of one
-- table page per tenant; every operator reads them before each claim.
DROP INDEX tenants_queue;
CREATE INDEX tenants_queue ON tenants
    (cohort_id, due_at, status, paused_until, objection_at, callback_at, callback_operator_id)
    WHERE due_at IS NOT NULL AND status IN ('active', 'paused', 'hospitalised');
