-- veille schema, version 15: a call cannot contradict its outcome, whoever writes it.
-- The same rules as src/domain/consistency.rs, for writers other than veille (the sqlite3
-- shell, a script): wellbeing and needs only when someone was reached, a callback with its
-- time, an emergency intervention request with a time (veille gives it "now") and details
-- (checked when it is made: erasure and purges later blank its details). Rows written
-- before are left as they are; `veille doctor` counts them.
CREATE TRIGGER IF NOT EXISTS calls_consistent_insert BEFORE INSERT ON calls
WHEN (NEW.wellbeing IS NOT NULL AND NEW.outcome <> 'reached')
  OR (NEW.outcome = 'callback_requested' AND NEW.callback_at IS NULL)
BEGIN
  SELECT RAISE(ABORT, 'inconsistent call: wellbeing only when reached, a callback has a time');
END;

CREATE TRIGGER IF NOT EXISTS calls_consistent_update BEFORE UPDATE OF outcome, wellbeing, callback_at ON calls
WHEN (NEW.wellbeing IS NOT NULL AND NEW.outcome <> 'reached')
  OR (NEW.outcome = 'callback_requested' AND NEW.callback_at IS NULL)
  OR (NEW.outcome <> 'reached' AND EXISTS (SELECT 1 FROM needs WHERE call_id = NEW.id))
BEGIN
  SELECT RAISE(ABORT, 'inconsistent call: wellbeing and needs only when reached, a callback has a time');
END;

CREATE TRIGGER IF NOT EXISTS needs_only_when_reached BEFORE INSERT ON needs
WHEN EXISTS (SELECT 1 FROM calls WHERE id = NEW.call_id AND outcome <> 'reached')
BEGIN
  SELECT RAISE(ABORT, 'inconsistent need: only a call that reached someone has needs');
END;

CREATE TRIGGER IF NOT EXISTS interventions_emergency_insert BEFORE INSERT ON interventions
WHEN NEW.urgency = 'emergency' AND (NEW.wanted_at IS NULL OR trim(NEW.details) = '')
BEGIN
  SELECT RAISE(ABORT, 'inconsistent intervention request: an emergency has a time and details');
END;

