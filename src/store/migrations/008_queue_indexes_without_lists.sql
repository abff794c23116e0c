-- veille schema, version 8: the queue's partial indexes state the statuses one by one.
-- SQLite checks a partial index's condition at every write of a tenant, old row and new:
-- a list of three values (`status IN (...)`) is built into a temporary table each time,
-- four of them per save, while the save holds the write lock. Comparisons joined by OR
-- say the same without one. Queries repeat the condition word for word, as before.
DROP INDEX IF EXISTS tenants_queue;
CREATE INDEX tenants_queue ON tenants (cohort_id, due_at)
    WHERE due_at IS NOT NULL AND (status = 'active' OR status = 'paused' OR status = 'hospitalised');
DROP INDEX IF EXISTS tenants_callbacks_due;
CREATE INDEX tenants_callbacks_due ON tenants (due_at)
    WHERE callback_at IS NOT NULL AND due_at IS NOT NULL
      AND (status = 'active' OR status = 'paused' OR status = 'hospitalised');
