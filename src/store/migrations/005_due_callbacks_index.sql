-- veille schema, version 5: a claim reads the callbacks that are due. Indexed by due
-- time among tenants in the queue (the condition repeats tenants_queue's), it reads only
-- those due now, not every callback ever promised.
CREATE INDEX tenants_callbacks_due ON tenants (due_at)
    WHERE callback_at IS NOT NULL AND due_at IS NOT NULL
      AND status IN ('active', 'paused', 'hospitalised');
