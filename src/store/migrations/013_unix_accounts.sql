-- veille schema, version 13: who acts is known from the system.
-- Each operator may be linked to the Unix account they log in with; veille finds the
-- operator from the account running it. One account is one person.
ALTER TABLE operators ADD COLUMN unix_account TEXT;
CREATE UNIQUE INDEX operators_unix_account ON operators (unix_account)
    WHERE unix_account IS NOT NULL;
-- The audit log records the account of the process that acted, beside the operator.
ALTER TABLE audit_log ADD COLUMN unix_account TEXT;
-- A person erased at their request: identity, reference and texts are gone, the row
-- stays for the counts.
ALTER TABLE tenants ADD COLUMN erased_at TEXT;
-- A landlord's reference is compared without spaces and case: "x-1" and "X 1" are one
-- tenant (domain::tenant::reference_key).
CREATE INDEX IF NOT EXISTS tenants_reference_key ON tenants (upper(replace(external_ref, ' ', '')));
