"""Cloning a schema: the copy's catalog and rows equal the original's, whichever way it was made."""

import pytest
from django.db import IntegrityError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from apps.platform.cloning import FAST, FULL, schema_clone, template_plan


def _rows(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _q(name: str) -> str:
    return '"%s"' % name.replace('"', '""')


def schema_signature(schema: str) -> dict:
    """What a schema holds, with its own name taken out so two schemas can be compared."""
    quoted = _q(schema)
    # one cursor throughout: each new one sets the tenant's search path again
    with connection.cursor() as cursor:
        def rows(sql, params=None):
            cursor.execute(sql, params)
            return cursor.fetchall()

        previous = rows("SELECT current_setting('search_path')")[0][0]
        # expressions name the schema's own objects unqualified, as in any schema of that shape
        rows("SELECT set_config('search_path', quote_ident(%s), false)", [schema])
        try:
            tables = [name for (name,) in rows(
                "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(quote_ident(%s)) "
                "AND relkind = 'r' ORDER BY relname", [schema])]
            signature = {
                "relations": rows(
                    "SELECT relname, relkind, relpersistence, reloptions, pg_get_userbyid(relowner), relacl, "
                    "obj_description(oid, 'pg_class') FROM pg_class "
                    "WHERE relnamespace = to_regnamespace(quote_ident(%s)) ORDER BY relname", [schema]),
                "columns": rows(
                    "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                    "a.attcollation, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
                    "col_description(c.oid, a.attnum), "
                    "pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL, "
                    "row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) "
                    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                    "WHERE c.relnamespace = to_regnamespace(quote_ident(%s)) AND c.relkind = 'r' "
                    "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 11", [schema]),
                "constraints": rows(
                    "SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), k.convalidated, "
                    "k.condeferrable, k.condeferred FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                    "WHERE k.connamespace = to_regnamespace(quote_ident(%s)) ORDER BY 1, 2", [schema]),
                # pg_get_indexdef always names the table with its schema
                "indexes": [(name, definition.replace(f" ON {quoted}.", " ON <schema>.")
                             .replace(f" ON {schema}.", " ON <schema>."))
                            for name, definition in rows(
                    "SELECT relname, pg_get_indexdef(oid) FROM pg_class "
                    "WHERE relnamespace = to_regnamespace(quote_ident(%s)) AND relkind = 'i' ORDER BY 1",
                    [schema])],
                "sequences": rows(
                    "SELECT s.relname, q.seqtypid, q.seqstart, q.seqincrement, q.seqmax, q.seqmin, q.seqcache, "
                    "q.seqcycle FROM pg_sequence q JOIN pg_class s ON s.oid = q.seqrelid "
                    "WHERE s.relnamespace = to_regnamespace(quote_ident(%s)) ORDER BY 1", [schema]),
                "views": rows("SELECT viewname, definition FROM pg_views WHERE schemaname = %s ORDER BY 1",
                              [schema]),
                # pg_get_triggerdef names the table with its schema too
                "triggers": [(table, name, definition.replace(f" ON {quoted}.", " ON <schema>.")
                              .replace(f" ON {schema}.", " ON <schema>."), enabled)
                             for table, name, definition, enabled in rows(
                    "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid), t.tgenabled FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = to_regnamespace(quote_ident(%s)) "
                    "AND NOT t.tgisinternal ORDER BY 1, 2", [schema])],
            }
            signature["positions"] = {
                name: rows(f"SELECT last_value, is_called FROM {quoted}.{_q(name)}")[0]
                for name, *_ in signature["sequences"]}
            signature["contents"] = {
                table: rows(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                            f"FROM {quoted}.{_q(table)} t")[0]
                for table in tables}
        finally:
            rows("SELECT set_config('search_path', %s, false)", [previous])
    return signature


def assert_same_schema(copy: str, original: str) -> None:
    got, expected = schema_signature(copy), schema_signature(original)
    for part in expected:
        if isinstance(expected[part], list):
            assert [r for r in got[part] if r not in expected[part]] == [], part
            assert [r for r in expected[part] if r not in got[part]] == [], part
        assert got[part] == expected[part], part


def test_the_template_is_copied_the_fast_way_and_exactly(db):
    template = settings.TENANT_BASE_SCHEMA
    plan, reasons = template_plan(template)
    assert plan is not None, reasons

    assert schema_clone(template, "copy_of_template") == FAST

    assert_same_schema("copy_of_template", template)
    # the ledger's deferred balance check is a constraint trigger: the copy has it, deferred, and it works
    triggers = [t for t in schema_signature("copy_of_template")["triggers"] if t[1] == "ledger_journalline_balanced"]
    assert len(triggers) == 1 and "CONSTRAINT TRIGGER" in triggers[0][2] and "INITIALLY DEFERRED" in triggers[0][2]
    with connection.cursor() as cursor:
        cursor.execute("SAVEPOINT unbalanced")
        cursor.execute("SET LOCAL search_path = copy_of_template, public")
        cursor.execute("INSERT INTO ledger_period (starts_on, ends_on, status) VALUES ('2026-01-01', '2026-01-31', "
                       "'open') RETURNING id")
        period = cursor.fetchone()[0]
        cursor.execute("INSERT INTO ledger_journalentry (date, memo, source, source_type, period_id, posted_at) "
                       "VALUES ('2026-01-05', 'x', 'manual', '', %s, now()) RETURNING id", [period])
        entry = cursor.fetchone()[0]
        cursor.execute("INSERT INTO ledger_journalline (entry_id, account_id, date, debit, credit, description) "
                       "SELECT %s, id, '2026-01-05', 10, 0, '' FROM ledger_account WHERE code = '1110'", [entry])
        with pytest.raises(IntegrityError, match="not balanced"):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ROLLBACK TO SAVEPOINT unbalanced")
        cursor.execute("SET LOCAL search_path = public")
    # the connection's search path is left as it was, so the ORM carries on in the public schema
    from apps.platform.models import Tenant
    assert Tenant.objects.filter(slug="alpha").exists()


RICH_SCHEMA = """
CREATE SCHEMA rich_src;
SET LOCAL search_path = rich_src;
CREATE TABLE "Odd ""name"" t" (
    id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 5),
    code varchar(20) COLLATE "C" DEFAULT 'x',
    amount numeric(12, 2) CHECK (amount >= 0),
    doubled numeric GENERATED ALWAYS AS (amount * 2) STORED,
    created timestamptz NOT NULL DEFAULT now(),
    tags text[],
    CONSTRAINT odd_pk PRIMARY KEY (id),
    CONSTRAINT odd_code_uniq UNIQUE (code) DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE "Odd ""name"" t" IS 'a table''s comment';
COMMENT ON COLUMN "Odd ""name"" t".code IS 'the code';
CREATE TABLE child (
    id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    parent_id bigint REFERENCES "Odd ""name"" t" (id) DEFERRABLE INITIALLY DEFERRED,
    plan_id bigint REFERENCES public.platform_plan (id),
    self_id integer REFERENCES child (id) ON DELETE CASCADE,
    note text
);
ALTER TABLE child RENAME CONSTRAINT child_pkey TO child_primary;
CREATE INDEX child_note_lower ON child (lower(note)) WHERE note IS NOT NULL;
CREATE INDEX child_parent_incl ON child USING btree (parent_id) INCLUDE (note) WITH (fillfactor = 70);
CREATE TABLE dropped_column (a int, b int, c int);
ALTER TABLE dropped_column DROP COLUMN b;
INSERT INTO "Odd ""name"" t" (code, amount) VALUES ('a', 1), ('b', 2.5), (NULL, 3);
INSERT INTO child (parent_id, note) SELECT id, 'n' || id FROM "Odd ""name"" t";
INSERT INTO child (note) VALUES (repeat('long', 50));
INSERT INTO dropped_column VALUES (1, 3), (4, 6);
-- rows already there may break a constraint added NOT VALID; a copy keeps both
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE child ADD CONSTRAINT note_short CHECK (length(note) < 100) NOT VALID;
SET LOCAL search_path = public;
"""


def test_tables_columns_constraints_indexes_comments_and_rows_are_all_copied(db):
    with connection.cursor() as cursor:
        cursor.execute(RICH_SCHEMA)

    assert schema_clone("rich_src", "rich_dst") == FAST

    assert_same_schema("rich_dst", "rich_src")
    # the copies are independent: identities carry on from where the original stood
    with connection.cursor() as cursor:
        cursor.execute('INSERT INTO rich_dst."Odd ""name"" t" (code) VALUES (%s) RETURNING id', ["new"])
        assert cursor.fetchone()[0] == 115
        cursor.execute('SELECT count(*) FROM rich_src."Odd ""name"" t"')
        assert cursor.fetchone()[0] == 3


def test_what_the_fast_path_does_not_know_goes_to_pg_clone_schema(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA viewy_src; CREATE TABLE viewy_src.t (id int PRIMARY KEY); "
                       "INSERT INTO viewy_src.t VALUES (1), (2); "
                       "CREATE VIEW viewy_src.v AS SELECT id FROM viewy_src.t WHERE id > 1")
    plan, reasons = template_plan("viewy_src")
    assert plan is None and "relation of kind v: v" in reasons

    assert schema_clone("viewy_src", "viewy_dst") == FULL

    assert _rows("SELECT id FROM viewy_dst.v") == [(2,)]
    assert _rows("SELECT id FROM viewy_dst.t ORDER BY id") == [(1,), (2,)]


def test_an_existing_schema_is_not_overwritten_even_in_another_case(db):
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "Taken"')

    with pytest.raises(ValidationError):
        schema_clone(settings.TENANT_BASE_SCHEMA, "taken")


def test_the_plan_is_read_again_when_the_template_is_migrated(db):
    from django.db import connection

    from apps.platform import cloning

    cloning._plans.clear()
    first, _ = cloning.template_plan_cached("school_template")
    again, _ = cloning.template_plan_cached("school_template")
    assert again is first

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO school_template.django_migrations (app, name, applied) "
                       "VALUES ('tests', '0001_probe', now())")
    after_migration, _ = cloning.template_plan_cached("school_template")

    assert after_migration is not first
