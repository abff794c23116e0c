-- veille schema, version 12: a save writes one index page fewer under the write lock.
-- A shift's counters find its calls among the operator's calls since the shift began
-- (`calls_operator`), which every save writes anyway; the index of calls by shift only
-- served them.
DROP INDEX IF EXISTS calls_shift;
