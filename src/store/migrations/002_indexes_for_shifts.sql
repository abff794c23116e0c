-- veille schema, version 2: indexes so that what a screen needs for one shift or one
-- call does not read the whole history (the shift counters at sign-in read every call
-- without them).
CREATE INDEX calls_shift ON calls (shift_id);
CREATE INDEX referrals_call ON referrals (call_id);
CREATE INDEX interventions_call ON interventions (call_id);
