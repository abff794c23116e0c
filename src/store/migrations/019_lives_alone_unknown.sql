-- veille schema, version 19: a tenant's household may be unknown. `lives_alone` holds NULL
-- when the landlord's list left the cell blank (before, a blank became 0, "does not live
-- alone", which took the tenant out of the no-answer ladder). Dropping a NOT NULL
-- constraint does not change a stored row, so, as SQLite's documentation allows for such
-- changes, the table's definition is rewritten in place (see version 9); the rows keep
-- their 0 and 1. A column with no default is NULL, unknown, when an insert leaves it out.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
    'lives_alone         INTEGER NOT NULL DEFAULT 0,',
    'lives_alone         INTEGER,')
  WHERE type = 'table' AND name = 'tenants';
PRAGMA writable_schema = OFF;
