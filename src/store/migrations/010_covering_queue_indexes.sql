-- veille schema, version 10: the queue is read from its indexes alone.
-- A claim reads the first tenants of the queue, and the screen its first page: each of
-- them used to be looked up in the tenants table for its status, pause, objection and
-- callback, one page of the table per tenant, read again after every colleague's write.
-- The indexes now carry those columns, so a claim reads a few index pages instead.
-- Conditions are unchanged; queries repeat them word for word, as before.
DROP INDEX IF EXISTS tenants_queue;
CREATE INDEX tenants_queue
    ON tenants (cohort_id, due_at, status, paused_until, objection_at, callback_at,
                callback_operator_id)
    WHERE due_at IS NOT NULL AND (status = 'active' OR status = 'paused' OR status = 'hospitalised');
DROP INDEX IF EXISTS tenants_callbacks_due;
CREATE INDEX tenants_callbacks_due
    ON tenants (due_at, cohort_id, status, paused_until, objection_at, callback_at,
                callback_operator_id)
    WHERE callback_at IS NOT NULL AND due_at IS NOT NULL
      AND (status = 'active' OR status = 'paused' OR status = 'hospitalised');
