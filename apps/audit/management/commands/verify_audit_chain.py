"""Check every audit log's hash chain: `manage.py verify_audit_chain [--schema S]`; exit 1 on a break."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from apps.audit.services import audit_chain_verify
from apps.platform.models import Tenant


class Command(BaseCommand):
    help = "Verify the audit log's hash chain in one schema or in all (public and every school)."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="only this schema (a school's schema name, or public)")

    def handle(self, *args, schema=None, **options):
        connection.set_schema_to_public()
        schemas = [schema] if schema else [get_public_schema_name(), *Tenant.objects.exclude(
            schema_name=get_public_schema_name()).order_by("schema_name").values_list("schema_name", flat=True)]
        broken = []
        for name in schemas:
            with schema_context(name):
                checked, problem = audit_chain_verify()
            if problem:
                broken.append(name)
                self.stdout.write(self.style.ERROR(f"{name}: BROKEN after {checked} good events: {problem}"))
            elif options["verbosity"] >= 1:
                self.stdout.write(f"{name}: {checked} events, chain intact")
        if broken:
            raise CommandError(f"audit chain broken in {len(broken)} schema(s): {', '.join(broken)}")
