-- veille schema, version 9: CHECK constraints name their codes one by one, joined by OR.
-- SQLite builds a list of three values or more (`status IN (...)`) into a temporary
-- table at every row it checks: 5 us per row, a quarter of an import's time and several
-- times per save under the write lock. The two forms accept and refuse the same values
-- (NULL included), so the stored rows need no change: as SQLite's documentation allows for
-- constraint changes, the tables' definitions are rewritten in place, and the schema
-- version is raised (by veille, after this file) so that every connection reloads them.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (status IN (''active'', ''paused'', ''hospitalised'', ''moved'', ''deceased'', ''refuses''))',
    'CHECK (status = ''active'' OR status = ''paused'' OR status = ''hospitalised'' OR status = ''moved'' OR status = ''deceased'' OR status = ''refuses'')')
  WHERE type = 'table' AND name = 'tenants';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (release_reason IN (''saved'', ''abandoned'', ''expired''))',
    'CHECK (release_reason = ''saved'' OR release_reason = ''abandoned'' OR release_reason = ''expired'')')
  WHERE type = 'table' AND name = 'claims';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (outcome IN (''reached'', ''no_answer'', ''busy'', ''voicemail'',
                          ''wrong_number'', ''refused'', ''callback_requested'', ''hospitalised'', ''deceased_reported''))',
    'CHECK (outcome = ''reached'' OR outcome = ''no_answer'' OR outcome = ''busy'' OR outcome = ''voicemail'' OR outcome = ''wrong_number'' OR outcome = ''refused'' OR outcome = ''callback_requested'' OR outcome = ''hospitalised'' OR outcome = ''deceased_reported'')')
  WHERE type = 'table' AND name = 'calls';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (wellbeing IN (''fine'', ''worried'', ''urgent''))',
    'CHECK (wellbeing = ''fine'' OR wellbeing = ''worried'' OR wellbeing = ''urgent'')')
  WHERE type = 'table' AND name = 'calls';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (category IN (''health'', ''food'', ''transport'', ''isolation'',
                 ''medication'', ''home'', ''financial'', ''other''))',
    'CHECK (category = ''health'' OR category = ''food'' OR category = ''transport'' OR category = ''isolation'' OR category = ''medication'' OR category = ''home'' OR category = ''financial'' OR category = ''other'')')
  WHERE type = 'table' AND name = 'needs';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (status IN (''proposed'', ''sent'', ''in_progress'', ''done'', ''declined''))',
    'CHECK (status = ''proposed'' OR status = ''sent'' OR status = ''in_progress'' OR status = ''done'' OR status = ''declined'')')
  WHERE type = 'table' AND name = 'referrals';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (kind IN (''accompaniment'', ''welfare_visit'', ''delivery'', ''other''))',
    'CHECK (kind = ''accompaniment'' OR kind = ''welfare_visit'' OR kind = ''delivery'' OR kind = ''other'')')
  WHERE type = 'table' AND name = 'interventions';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (urgency IN (''routine'', ''urgent'', ''emergency''))',
    'CHECK (urgency = ''routine'' OR urgency = ''urgent'' OR urgency = ''emergency'')')
  WHERE type = 'table' AND name = 'interventions';
UPDATE sqlite_schema SET sql = replace(sql,
    'CHECK (status IN (''requested'', ''assigned'', ''done'', ''cancelled''))',
    'CHECK (status = ''requested'' OR status = ''assigned'' OR status = ''done'' OR status = ''cancelled'')')
  WHERE type = 'table' AND name = 'interventions';
PRAGMA writable_schema = OFF;
