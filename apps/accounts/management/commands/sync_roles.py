"""Bring every school's role groups up to the declaration in apps.accounts.roles: `manage.py sync_roles`.

Runs after `manage.py migrate` (make run and docker/compose.yaml's migrate service do both), so
permissions added by new migrations exist before groups are given them. Visits the template schema
first (new schools are cloned from it, groups included), then every school. Safe to repeat.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from apps.accounts.services import roles_sync
from apps.platform.models import Tenant


class Command(BaseCommand):
    help = "Sync the role groups and their permissions in the template schema and every school."

    def add_arguments(self, parser):
        parser.add_argument("--schema", action="append", dest="schemas", metavar="SCHEMA",
                            help="only this schema (repeatable); default: the template and every school")

    def handle(self, *args, schemas=None, verbosity=1, **options):
        connection.set_schema_to_public()
        if schemas:
            unknown = [name for name in schemas if not schema_exists(name)]
            if unknown or get_public_schema_name() in schemas:
                raise CommandError(f"not a school schema: {', '.join(unknown) or get_public_schema_name()}")
        else:
            schemas = [settings.TENANT_BASE_SCHEMA] if schema_exists(settings.TENANT_BASE_SCHEMA) else []
            # every school with a schema (suspended ones too); a provisioning that failed left none
            schemas += [name for name in Tenant.objects.exclude(schema_name=get_public_schema_name())
                        .order_by("schema_name").values_list("schema_name", flat=True) if schema_exists(name)]
        changed = 0
        for name in schemas:
            with schema_context(name):
                summary = roles_sync()
            if any(summary.values()):
                changed += 1
                if verbosity >= 1:
                    self.stdout.write(f"{name}: {summary}")
        self.stdout.write(self.style.SUCCESS(f"roles in sync in {len(schemas)} schemas ({changed} changed)"))
