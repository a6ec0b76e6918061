"""Copying the template schema into a new school's schema, fast.

django-tenants' CloneSchema installs pg-clone-schema (about 4,600 lines of PL/pgSQL) anew on every
call (~35 ms, and it drops and re-creates shared objects in `public`, so two provisionings at once
can trip over each other), then that function examines every object one catalog query at a time.
The template holds what Django migrations make: tables, their columns, identity sequences,
constraints, indexes, comments, and a few rows (migration history, content types, permissions).
For such a schema `schema_clone` reads the template's catalog in five queries and recreates it with
one script, the way pg_dump would write it: tables with their identity columns and index-backed
constraints, then the rows, sequence positions, other indexes, foreign keys and comments. It runs
in the caller's transaction, so a failure leaves nothing behind.

If the template holds anything else (views, functions, types, triggers, policies, grants, another
owner, inheritance, storage options, ...), it falls back to CloneSchema, which handles those.
tests/platform/test_cloning.py checks that a clone's catalog and rows equal the template's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_exists

logger = logging.getLogger(__name__)

FAST = "fast"
FULL = "pg-clone-schema"


def _ident(name: str) -> str:
    return '"%s"' % name.replace('"', '""')


def _literal(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL in a literal")
    return "'%s'" % value.replace("'", "''")


# Everything in the schema the fast path does not recreate; one row per reason found.
_UNSUPPORTED_SQL = """
WITH ns AS (SELECT oid, nspowner, nspacl FROM pg_namespace WHERE nspname = %(schema)s),
rels AS (SELECT c.* FROM pg_class c JOIN ns ON c.relnamespace = ns.oid)
SELECT 'schema owned by another role or with grants'::text
  FROM ns WHERE nspowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) OR nspacl IS NOT NULL
UNION ALL SELECT 'default privileges' FROM pg_default_acl d JOIN ns ON d.defaclnamespace = ns.oid
UNION ALL SELECT 'relation of kind ' || relkind::text || ': ' || relname::text FROM rels WHERE relkind NOT IN ('r', 'i', 'S')
UNION ALL SELECT 'owner, grants or options on ' || relname::text FROM rels
  WHERE relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user) OR relacl IS NOT NULL
     OR reltablespace <> 0 OR relpersistence <> 'p' OR relrowsecurity OR relforcerowsecurity OR relhasrules
     OR relispartition OR (relkind = 'r' AND (reloptions IS NOT NULL OR relreplident <> 'd'
         OR relam <> (SELECT oid FROM pg_am WHERE amname = 'heap') OR relnatts = 0))
UNION ALL SELECT 'inheritance: ' || relname::text FROM rels
  WHERE EXISTS (SELECT FROM pg_inherits i WHERE i.inhrelid = rels.oid OR i.inhparent = rels.oid)
UNION ALL SELECT 'sequence not an identity: ' || relname::text FROM rels s WHERE relkind = 'S' AND NOT EXISTS (
  SELECT FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
   JOIN pg_sequence q ON q.seqrelid = s.oid
  WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype = 'i'
    AND a.attidentity <> '' AND q.seqtypid = a.atttypid)
UNION ALL SELECT 'clustered index: ' || relname::text FROM rels JOIN pg_index x ON x.indexrelid = rels.oid
  WHERE x.indisclustered
UNION ALL SELECT 'column options: ' || c.relname::text || '.' || a.attname::text
  FROM rels c JOIN pg_attribute a ON a.attrelid = c.oid JOIN pg_type t ON t.oid = a.atttypid
  WHERE a.attnum > 0 AND NOT a.attisdropped AND (a.attacl IS NOT NULL OR a.attoptions IS NOT NULL
     OR a.attfdwoptions IS NOT NULL OR COALESCE(a.attstattarget, -1) >= 0 OR a.attcompression <> ''
     OR (c.relkind = 'r' AND a.attstorage <> t.typstorage))
UNION ALL SELECT 'disabled trigger: ' || t.tgname::text FROM pg_trigger t JOIN rels ON t.tgrelid = rels.oid
  WHERE NOT t.tgisinternal AND t.tgenabled <> 'O'
UNION ALL SELECT 'trigger function in the template itself: ' || t.tgname::text
  FROM pg_trigger t JOIN rels ON t.tgrelid = rels.oid JOIN pg_proc p ON p.oid = t.tgfoid
  WHERE NOT t.tgisinternal AND p.pronamespace IN (SELECT oid FROM ns)
UNION ALL SELECT 'policy: ' || p.polname::text FROM pg_policy p JOIN rels ON p.polrelid = rels.oid
UNION ALL SELECT 'inherited constraint: ' || conname::text FROM pg_constraint k JOIN ns ON k.connamespace = ns.oid
  WHERE NOT k.conislocal OR k.coninhcount > 0 OR k.conrelid = 0
UNION ALL SELECT 'comment on an index, sequence, constraint or the schema' FROM pg_description d
  WHERE (d.classoid = 'pg_class'::regclass AND d.objoid IN (SELECT oid FROM rels WHERE relkind <> 'r'))
     OR (d.classoid = 'pg_constraint'::regclass
         AND d.objoid IN (SELECT k.oid FROM pg_constraint k JOIN ns ON k.connamespace = ns.oid))
     OR (d.classoid = 'pg_namespace'::regclass AND d.objoid IN (SELECT oid FROM ns))
UNION ALL SELECT 'type or domain: ' || typname::text FROM pg_type t JOIN ns ON t.typnamespace = ns.oid
  WHERE NOT EXISTS (SELECT FROM rels WHERE rels.reltype = t.oid)
    AND NOT EXISTS (SELECT FROM rels JOIN pg_type r ON r.oid = rels.reltype WHERE r.typarray = t.oid)
UNION ALL SELECT 'function: ' || proname::text FROM pg_proc p JOIN ns ON p.pronamespace = ns.oid
UNION ALL SELECT 'operator' FROM pg_operator o JOIN ns ON o.oprnamespace = ns.oid
UNION ALL SELECT 'collation' FROM pg_collation o JOIN ns ON o.collnamespace = ns.oid
UNION ALL SELECT 'conversion' FROM pg_conversion o JOIN ns ON o.connamespace = ns.oid
UNION ALL SELECT 'operator class' FROM pg_opclass o JOIN ns ON o.opcnamespace = ns.oid
UNION ALL SELECT 'operator family' FROM pg_opfamily o JOIN ns ON o.opfnamespace = ns.oid
UNION ALL SELECT 'text search object' FROM pg_ts_config o JOIN ns ON o.cfgnamespace = ns.oid
UNION ALL SELECT 'text search object' FROM pg_ts_dict o JOIN ns ON o.dictnamespace = ns.oid
UNION ALL SELECT 'text search object' FROM pg_ts_parser o JOIN ns ON o.prsnamespace = ns.oid
UNION ALL SELECT 'text search object' FROM pg_ts_template o JOIN ns ON o.tmplnamespace = ns.oid
UNION ALL SELECT 'extended statistics' FROM pg_statistic_ext o JOIN ns ON o.stxnamespace = ns.oid
UNION ALL SELECT 'extension' FROM pg_extension o JOIN ns ON o.extnamespace = ns.oid
"""

# Expressions are decompiled while the search path is the template alone, so the template's own
# objects come out unqualified (and resolve to the new schema's) and anything else qualified.
_TABLES_SQL = """
SELECT c.oid, c.relname, obj_description(c.oid, 'pg_class')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND c.relkind = 'r' ORDER BY c.relname
"""

_COLUMNS_SQL = """
SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
            THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                  WHERE co.oid = a.attcollation) END,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
       col_description(a.attrelid, a.attnum), s.relname, q.seqstart, q.seqincrement, q.seqmin, q.seqmax,
       q.seqcache, q.seqcycle
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_depend dep ON a.attidentity <> '' AND dep.classid = 'pg_class'::regclass
     AND dep.refclassid = 'pg_class'::regclass AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum
     AND dep.deptype = 'i'
LEFT JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
LEFT JOIN pg_sequence q ON q.seqrelid = s.oid
WHERE n.nspname = %(schema)s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

_CONSTRAINTS_SQL = """
SELECT k.conrelid, k.conname, k.contype, pg_get_constraintdef(k.oid), k.convalidated,
       CASE WHEN k.contype = 'n' THEN (SELECT a.attname FROM pg_attribute a
                                       WHERE a.attrelid = k.conrelid AND a.attnum = k.conkey[1]) END
FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
WHERE n.nspname = %(schema)s AND k.conrelid <> 0
  AND k.contype <> 't'  -- a constraint trigger's constraint: made again by its CREATE CONSTRAINT TRIGGER
ORDER BY k.conrelid, k.contype, k.conname
"""

_INDEXES_SQL = """
SELECT quote_ident(i.relname), quote_ident(n.nspname), quote_ident(t.relname), pg_get_indexdef(x.indexrelid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace
JOIN pg_class t ON t.oid = x.indrelid
WHERE n.nspname = %(schema)s
  AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY i.relname
"""


# User triggers (e.g. the audit log's refusal to change, the ledger's deferred balance check, a constraint
# trigger), decompiled with the template alone on the search path: the function comes out qualified; the
# table always is, and is retargeted.
_TRIGGERS_SQL = """
SELECT quote_ident(n.nspname), quote_ident(c.relname), pg_get_triggerdef(t.oid)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(schema)s AND NOT t.tgisinternal
ORDER BY c.relname, t.tgname
"""


@dataclass
class _Table:
    name: str
    comment: str | None
    columns: list[str] = field(default_factory=list)  # definitions
    inserted: list[str] = field(default_factory=list)  # column names copied (not generated ones)
    elements: list[str] = field(default_factory=list)  # table constraints inside CREATE TABLE
    sequences: list[str] = field(default_factory=list)
    column_comments: list[tuple[str, str]] = field(default_factory=list)


class TemplatePlan:
    """The template's structure, read once, turned into the script that recreates it elsewhere."""

    def __init__(self, base: str, tables: list[_Table], indexes: list[tuple[str, str, str, str]],
                 after_data: list[tuple[str, str]], triggers: list[str] | None = None):
        self.base = base
        self.tables = tables
        self.indexes = indexes  # index, schema, table (quoted as pg_get_indexdef does), definition
        self.after_data = after_data  # (table, constraint clause) added once rows are in
        self.triggers = triggers or []  # (schema, table, definition), quoted as pg_get_triggerdef does

    def script(self, new: str) -> str:
        base_q, new_q = _ident(self.base), _ident(new)
        out = [f"CREATE SCHEMA {new_q}", f"SELECT set_config('search_path', {_literal(new_q)}, false)"]
        for table in self.tables:
            elements = ",\n  ".join([*table.columns, *table.elements])
            out.append(f"CREATE TABLE {new_q}.{_ident(table.name)} (\n  {elements}\n)")
        for table in self.tables:
            columns = ", ".join(_ident(c) for c in table.inserted)
            source = f"{base_q}.{_ident(table.name)}"
            out.append(f"INSERT INTO {new_q}.{_ident(table.name)} ({columns}) OVERRIDING SYSTEM VALUE "
                       f"SELECT {columns} FROM {source}")
            for sequence in table.sequences:
                out.append(f"SELECT setval({_literal(f'{new_q}.{_ident(sequence)}')}::regclass, last_value, "
                           f"is_called) FROM {base_q}.{_ident(sequence)}")
        for index, schema, table, definition in self.indexes:
            out.append(_retarget_index(definition, index, schema, table, new))
        for table, clause in self.after_data:
            out.append(f"ALTER TABLE {new_q}.{_ident(table)} ADD {clause}")
        for schema, table, definition in self.triggers:  # after the rows, so copying them fires nothing
            out.append(_retarget_trigger(definition, schema, table, new))
        for table in self.tables:
            if table.comment is not None:
                out.append(f"COMMENT ON TABLE {new_q}.{_ident(table.name)} IS {_literal(table.comment)}")
            for column, comment in table.column_comments:
                out.append(f"COMMENT ON COLUMN {new_q}.{_ident(table.name)}.{_ident(column)} IS {_literal(comment)}")
        return ";\n".join(out) + ";\n"


def _retarget_trigger(definition: str, schema: str, table: str, new: str) -> str:
    # pg_get_triggerdef names the table with its schema once: "... ON s.t FOR EACH ..."
    head = f" ON {schema}.{table} "
    if definition.count(head) != 1:
        raise ValueError(f"cannot place this trigger in the new schema: {definition}")
    return definition.replace(head, f" ON {_ident(new)}.{table} ")


def _retarget_index(definition: str, index: str, schema: str, table: str, new: str) -> str:
    # pg_get_indexdef always names the table with its schema: "CREATE [UNIQUE ]INDEX i ON [ONLY ]s.t USING"
    for unique in ("UNIQUE ", ""):
        for only in ("ONLY ", ""):
            head = f"CREATE {unique}INDEX {index} ON {only}{schema}.{table} USING "
            if definition.startswith(head):
                return f"CREATE {unique}INDEX {index} ON {only}{_ident(new)}.{table} USING {definition[len(head):]}"
    raise ValueError(f"cannot place this index in the new schema: {definition}")


def template_plan(base: str) -> tuple[TemplatePlan | None, list[str]]:
    """The plan for copying `base`, or None and the reasons the fast path cannot copy it."""
    with connection.cursor() as cursor:
        cursor.execute(_UNSUPPORTED_SQL, {"schema": base})
        reasons = sorted({row[0] for row in cursor.fetchall()})
        if reasons:
            return None, reasons
        cursor.execute("SELECT current_setting('search_path')")
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('search_path', %s, false)", [_ident(base)])
        try:
            cursor.execute(_TABLES_SQL, {"schema": base})
            tables = {oid: _Table(name, comment) for oid, name, comment in cursor.fetchall()}
            cursor.execute(_COLUMNS_SQL, {"schema": base})
            columns = cursor.fetchall()
            cursor.execute(_CONSTRAINTS_SQL, {"schema": base})
            constraints = cursor.fetchall()
            cursor.execute(_INDEXES_SQL, {"schema": base})
            indexes = cursor.fetchall()
            cursor.execute(_TRIGGERS_SQL, {"schema": base})
            triggers = cursor.fetchall()
        finally:
            cursor.execute("SELECT set_config('search_path', %s, false)", [previous])

    # PostgreSQL 18 keeps NOT NULL as named constraints (created with the others); before, a flag
    named_not_null = {(relid, column) for relid, _, kind, _, _, column in constraints if kind == "n"}
    for (relid, name, type_, notnull, collation, default, identity, generated, comment, sequence,
         start, increment, minimum, maximum, cache, cycle) in columns:
        table = tables[relid]
        parts = [_ident(name), type_]
        if collation:
            parts.append(f"COLLATE {collation}")
        if generated:
            kind = "VIRTUAL" if generated == "v" else "STORED"
            parts.append(f"GENERATED ALWAYS AS ({default}) {kind}")
        else:
            table.inserted.append(name)
            if default is not None:
                parts.append(f"DEFAULT {default}")
        if identity:
            if sequence is None:
                return None, [f"identity column without its sequence: {table.name}.{name}"]
            when = "ALWAYS" if identity == "a" else "BY DEFAULT"
            parts.append(
                f"GENERATED {when} AS IDENTITY (SEQUENCE NAME {_ident(sequence)} START WITH {start} "
                f"INCREMENT BY {increment} MINVALUE {minimum} MAXVALUE {maximum} CACHE {cache}"
                f"{' CYCLE' if cycle else ' NO CYCLE'})")
            table.sequences.append(sequence)
        if notnull and (relid, name) not in named_not_null:
            parts.append("NOT NULL")
        table.columns.append(" ".join(parts))
        if comment is not None:
            table.column_comments.append((name, comment))

    after_data = []
    for relid, name, kind, definition, validated, _ in constraints:
        clause = f"CONSTRAINT {_ident(name)} {definition}"
        if kind == "f" or not validated:
            after_data.append((tables[relid].name, clause))
        else:  # p, u, x, c, n
            tables[relid].elements.append(clause)
    plan = TemplatePlan(base, list(tables.values()), indexes, after_data, triggers)
    return plan, []


# The template's structure changes only through migrations, so the plan read from its catalog is
# kept per process and read again when the template's migration history changes.
_plans: dict[str, tuple[tuple, TemplatePlan]] = {}


def template_version(base: str) -> str | None:
    """A short fingerprint of the template's migration history (None without one)."""
    version = _template_version(base)
    return None if version is None else f"{version[0]}:{version[1]}"


def _template_version(base: str) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{_ident(base)}.django_migrations"])
        if not cursor.fetchone()[0]:
            return None
        cursor.execute(f"SELECT count(*), max(id), max(applied) FROM {_ident(base)}.django_migrations")
        return tuple(cursor.fetchone())


def template_plan_cached(base: str) -> tuple[TemplatePlan | None, list[str]]:
    version = _template_version(base)
    cached = _plans.get(base)
    if version is not None and cached is not None and cached[0] == version:
        return cached[1], []
    plan, reasons = template_plan(base)
    if plan is not None and version is not None:
        _plans[base] = (version, plan)
    return plan, reasons


def schema_clone(base: str, new: str) -> str:
    """Create schema `new` holding a copy of schema `base`, tables and rows, in the current
    transaction. Returns how it was copied: FAST, or FULL (django-tenants' CloneSchema)."""
    if not schema_exists(base):
        raise RuntimeError(f"there is no schema {base!r} to clone")
    # ignore case: a name differing only in case from an existing schema is refused (as CloneSchema does)
    if schema_exists(new, case_sensitive=False):
        raise ValidationError("New schema name already exists")
    plan, reasons = template_plan_cached(base)
    if plan is None:
        logger.info("cloning with pg-clone-schema", extra={"schema": base, "reasons": reasons})
        CloneSchema().clone_schema(base, new, "DATA", set_connection=False)
        return FULL
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        previous = cursor.fetchone()[0]
        cursor.execute(plan.script(new) + f"SELECT set_config('search_path', {_literal(previous)}, false);")
    return FAST
