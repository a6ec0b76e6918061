"""Writing many rows' changed columns in one statement. Django's bulk_update builds one CASE per column
with a branch per row, which PostgreSQL evaluates row by row against every branch: thousands of rows
cost seconds. Here the new values travel as arrays and are joined back on the primary key."""

import operator

from django.db import connection, models


def rows_update(model, rows, fields: list[str]) -> int:
    """UPDATE `fields` (columns, or foreign keys by their field name) of the given saved model instances
    to their in-memory values; returns the number of rows changed."""
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    pk = meta.pk
    arrays = [[row.pk for row in rows]] + [[field.get_db_prep_save(getattr(row, field.attname), connection)
                                             for row in rows] for field in columns]
    types = [pk.db_type(connection)] + [field.db_type(connection) for field in columns]
    names = [pk.column] + [field.column for field in columns]
    quote = connection.ops.quote_name
    unnest = ", ".join(f"%s::{_array_type(db_type)}[]" for db_type in types)
    sets = ", ".join(f"{quote(name)} = v.{quote(name)}" for name in names[1:])
    sql = (f"UPDATE {quote(meta.db_table)} AS t SET {sets} FROM unnest({unnest}) AS v({', '.join(map(quote, names))}) "
           f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return cursor.rowcount


def _array_type(db_type: str) -> str:
    # serial/identity columns are declared as "bigint"/"integer"; the array element is the plain type
    return {"serial": "integer", "bigserial": "bigint"}.get(db_type, db_type)


def rows_copy(model, rows) -> int:
    """INSERT new model instances with COPY, which costs a fraction of an INSERT of the same rows (no SQL
    text to build and parse). Rows without a pk get one from the table's sequence; a caller that needs
    the ids (to point other rows at them) sets them first from `ids_next`. Database triggers and
    constraints apply as to any insert; Django signals are not sent (as with bulk_create)."""
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    with_pk = rows[0].pk is not None
    if any((row.pk is not None) != with_pk for row in rows):
        raise ValueError("rows_copy: give every row a pk, or none")
    fields = [field for field in meta.concrete_fields if with_pk or not field.primary_key]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) FROM STDIN"
    values = [_value_of(field) for field in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([value(row) for value in values])
    return len(rows)


# columns whose Python value PostgreSQL's driver writes as it is (Django's preparation would return it
# unchanged): reading the attribute directly saves a call chain per column per row
# (exact types: a subclass, such as an encrypted text field, may prepare its value)
_PLAIN = (models.AutoField, models.BigAutoField, models.IntegerField, models.SmallIntegerField, models.BigIntegerField,
          models.PositiveIntegerField, models.PositiveSmallIntegerField, models.PositiveBigIntegerField,
          models.CharField, models.TextField, models.DecimalField, models.DateField, models.DateTimeField,
          models.BooleanField, models.ForeignKey)


def _value_of(field):
    if type(field) in _PLAIN and (type(field) is not models.ForeignKey or type(field.target_field) in _PLAIN):
        if not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
            return operator.attrgetter(field.attname)
    return lambda row: field.get_db_prep_save(field.pre_save(row, True), connection)


def ids_next(model, count: int) -> list[int]:
    """`count` new ids from the model's table's own sequence (concurrent writers never share one)."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [meta.db_table, meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]
