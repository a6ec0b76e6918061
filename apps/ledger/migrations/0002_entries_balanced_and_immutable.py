"""PostgreSQL itself keeps the books: at commit, every journal entry touched must have at least two lines
whose debits equal its credits (a deferred constraint trigger, so an entry and its lines can be written in
any order inside one transaction), and posted entries and lines can be neither changed nor removed
(corrections are reversal entries).

The functions live in public (one definition for every schema, as the audit log's); each schema's
tables get the triggers."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION public.ledger_entry_check_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entry bigint;
    debits numeric;
    credits numeric;
    line_count integer;
BEGIN
    IF TG_TABLE_NAME = 'ledger_journalentry' THEN
        entry := NEW.id;
    ELSE
        entry := COALESCE(NEW.entry_id, OLD.entry_id);
    END IF;
    EXECUTE format('SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0), COUNT(*) FROM %I.ledger_journalline '
                   'WHERE entry_id = $1', TG_TABLE_SCHEMA)
        INTO debits, credits, line_count USING entry;
    IF line_count < 2 OR debits <> credits OR debits = 0 THEN
        RAISE EXCEPTION 'journal entry % is not balanced: % lines, debits %, credits %', entry, line_count, debits, credits
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION public.ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'posted journal entries cannot be changed or removed (% on %.%): post a reversal',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

TRIGGERS = """
CREATE CONSTRAINT TRIGGER ledger_journalline_balanced AFTER INSERT OR UPDATE OR DELETE ON ledger_journalline
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.ledger_entry_check_balanced();
CREATE CONSTRAINT TRIGGER ledger_journalentry_balanced AFTER INSERT ON ledger_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.ledger_entry_check_balanced();
CREATE TRIGGER ledger_journalentry_immutable BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_journalline_immutable BEFORE UPDATE OR DELETE ON ledger_journalline
    FOR EACH ROW EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_journalentry_no_truncate BEFORE TRUNCATE ON ledger_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();
CREATE TRIGGER ledger_journalline_no_truncate BEFORE TRUNCATE ON ledger_journalline
    FOR EACH STATEMENT EXECUTE FUNCTION public.ledger_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS ledger_journalline_balanced ON ledger_journalline;
DROP TRIGGER IF EXISTS ledger_journalentry_balanced ON ledger_journalentry;
DROP TRIGGER IF EXISTS ledger_journalentry_immutable ON ledger_journalentry;
DROP TRIGGER IF EXISTS ledger_journalline_immutable ON ledger_journalline;
DROP TRIGGER IF EXISTS ledger_journalentry_no_truncate ON ledger_journalentry;
DROP TRIGGER IF EXISTS ledger_journalline_no_truncate ON ledger_journalline;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunSQL(FUNCTIONS + TRIGGERS, DROP)]
