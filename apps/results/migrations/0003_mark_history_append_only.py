"""PostgreSQL itself refuses to change or remove a mark's history (results_markchange).

As for the audit log (apps/audit/migrations/0002_refuse_changes.py): the function lives in public,
one definition for every schema; each school schema's table gets the triggers."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION public.results_markchange_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'mark history cannot be changed or removed (% on %.%)', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

TRIGGERS = """
CREATE TRIGGER results_markchange_no_update_or_delete BEFORE UPDATE OR DELETE ON results_markchange
    FOR EACH ROW EXECUTE FUNCTION public.results_markchange_refuse_change();
CREATE TRIGGER results_markchange_no_truncate BEFORE TRUNCATE ON results_markchange
    FOR EACH STATEMENT EXECUTE FUNCTION public.results_markchange_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS results_markchange_no_update_or_delete ON results_markchange;
DROP TRIGGER IF EXISTS results_markchange_no_truncate ON results_markchange;
"""


class Migration(migrations.Migration):
    dependencies = [("results", "0002_grading_presets")]
    operations = [migrations.RunSQL(FUNCTION + TRIGGERS, DROP)]
