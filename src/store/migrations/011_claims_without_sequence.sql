-- veille schema, version 11: a claim writes two pages fewer under the write lock.
-- Claims are never deleted, so their plain row ids already grow with each claim, as the
-- queue's "claimed since" check needs: AUTOINCREMENT only added a write of the
-- sqlite_sequence table to every claim. Removing the keyword changes nothing stored (its
-- row in sqlite_sequence is left, unused), so the definition is rewritten in place, as
-- version 9 did for CHECKs.
-- The index of open claims by operator goes: an operator's open claims are found among
-- all open claims (one per tenant being called, through claims_one_open), which saves
-- an index entry written at each claim and removed at each save.
DROP INDEX IF EXISTS claims_open_by_operator;
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER PRIMARY KEY')
  WHERE type = 'table' AND name = 'claims';
PRAGMA writable_schema = OFF;
