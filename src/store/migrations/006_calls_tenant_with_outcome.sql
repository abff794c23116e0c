-- veille schema, version 6: a tenant's calls by time also carry their outcome. The
-- no-answer ladder, run while a save holds the write lock, finds the last reached call
-- and the unanswered ones since without reading each call's row.
DROP INDEX calls_tenant;
CREATE INDEX calls_tenant ON calls (tenant_id, ended_at, outcome);
