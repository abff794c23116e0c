-- veille schema, version 16: the emergency protocol. A call judged an emergency (urgent
-- wellbeing, or an emergency intervention request) records whether the emergency services
-- were called, what was decided, and why no emergency intervention was asked when none
-- was; the coordinators are alerted until one of them takes it.
CREATE TABLE IF NOT EXISTS emergencies (
  id INTEGER PRIMARY KEY,
  call_id INTEGER NOT NULL UNIQUE REFERENCES calls(id),
  tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  operator_id INTEGER NOT NULL REFERENCES operators(id),
  at TEXT NOT NULL,
  services TEXT NOT NULL
    CHECK (services = 'by_operator' OR services = 'already_called' OR services = 'refused'
           OR services = 'not_needed'),
  decision TEXT NOT NULL,
  no_request_reason TEXT NOT NULL DEFAULT '',
  taken_by INTEGER REFERENCES operators(id),
  taken_at TEXT
);

-- The alert on coordinators' screens reads the emergencies nobody has taken.
CREATE INDEX IF NOT EXISTS emergencies_waiting ON emergencies (at) WHERE taken_at IS NULL;
CREATE INDEX IF NOT EXISTS emergencies_tenant ON emergencies (tenant_id);
