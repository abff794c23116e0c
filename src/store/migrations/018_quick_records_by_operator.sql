-- veille schema, version 18: referrals and intervention requests made outside a call (the
-- quick entry) by operator and time, so that the counters at the top of the screen count
-- them after every save without reading the whole tables.
CREATE INDEX IF NOT EXISTS referrals_quick ON referrals (created_by, created_at)
  WHERE call_id IS NULL;
CREATE INDEX IF NOT EXISTS interventions_quick ON interventions (created_by, created_at)
  WHERE call_id IS NULL;
