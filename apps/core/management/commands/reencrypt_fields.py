"""Re-encrypt every encrypted column under the newest key: `manage.py reencrypt_fields [--schema S]`.

Run after prepending a key to FIELD_ENCRYPTION_KEYS (docs/operations.md, "Encryption keys"). Every
schema with a migrated Django history is visited (public, the school template, the schools and the
spare clones), since a template or spare still holding old tokens would hand them to the next school.
Values already under the newest key are left alone, each batch is committed on its own with its rows
locked, so the command can be interrupted and run again.
"""

from collections.abc import Iterable

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models.functions import Cast
from django_tenants.utils import get_public_schema_name, schema_context

from apps.core import crypto
from apps.core.fields import EncryptedTextField


def encrypted_fields_by_model(model_list: Iterable[type[models.Model]] | None = None) -> dict:
    """{model: [its encrypted fields]} for the models that have any (proxies share their table)."""
    found = {}
    for model in apps.get_models() if model_list is None else model_list:
        if model._meta.proxy:
            continue
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found[model] = fields
    return found


def schemas_to_visit() -> list[str]:
    """Public first, then every other schema that Django has migrated, by name."""
    public = get_public_schema_name()
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_schema FROM information_schema.tables "
                       "WHERE table_name = 'django_migrations' ORDER BY table_schema")
        names = [row[0] for row in cursor.fetchall()]
    return [public] + [name for name in names if name != public]


def tables_in(schema: str, tables: list[str]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_schema = %s AND table_name = ANY(%s)", [schema, tables])
        return {row[0] for row in cursor.fetchall()}


def model_reencrypt(model: type[models.Model], fields: list, *, batch_size: int = 500) -> tuple[int, int]:
    """Re-save, in the current schema, every row holding a token not under the newest key.
    Returns (rows read, rows re-encrypted)."""
    raw = {f"_stored_{field.attname}": Cast(field.attname, output_field=models.TextField()) for field in fields}
    manager = model._base_manager
    seen = changed = 0
    last_pk = None
    while True:
        with transaction.atomic():
            batch = manager.order_by("pk")
            if last_pk is not None:
                batch = batch.filter(pk__gt=last_pk)
            rows = list(batch.annotate(**raw).values_list("pk", *raw).select_for_update()[:batch_size])
            if not rows:
                return seen, changed
            stale = []
            for pk, *tokens in rows:
                if all(token in (None, "") or crypto.is_current(token) for token in tokens):
                    continue
                instance = model(pk=pk)
                for field, token in zip(fields, tokens):
                    try:
                        value = token if token in (None, "") else crypto.decrypt(token)
                    except crypto.DecryptionError as error:
                        raise CommandError(f"{model._meta.label}.{field.name} of row pk={pk}: {error}") from None
                    setattr(instance, field.attname, value)  # the field encrypts it under the newest key
                stale.append(instance)
            if stale:
                manager.bulk_update(stale, [field.attname for field in fields])
        seen += len(rows)
        changed += len(stale)
        last_pk = rows[-1][0]


class Command(BaseCommand):
    help = "Re-encrypt encrypted model fields under the newest FIELD_ENCRYPTION_KEYS key, in every schema."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="only this schema (a school's schema name, or public)")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, schema=None, batch_size=500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        by_model = encrypted_fields_by_model()
        if not by_model:
            self.stdout.write("No model has an encrypted field; nothing to do.")
            return
        connection.set_schema_to_public()
        schemas = schemas_to_visit()
        if schema is not None:
            if schema not in schemas:
                raise CommandError(f"No migrated schema named {schema!r}")
            schemas = [schema]
        total_seen = total_changed = 0
        for name in schemas:
            present = tables_in(name, [model._meta.db_table for model in by_model])
            with schema_context(name):
                for model, fields in by_model.items():
                    if model._meta.db_table not in present:
                        continue
                    seen, changed = model_reencrypt(model, fields, batch_size=batch_size)
                    total_seen += seen
                    total_changed += changed
                    self.stdout.write(f"{name}: {model._meta.label} ({', '.join(f.name for f in fields)}): "
                                      f"{seen} rows, {changed} re-encrypted")
        self.stdout.write(self.style.SUCCESS(
            f"Done: {total_changed} of {total_seen} rows re-encrypted in {len(schemas)} schemas."))
