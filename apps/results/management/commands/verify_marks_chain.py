"""Check every school's mark history chain: `manage.py verify_marks_chain [--schema S]`; exit 1 on a break."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context

from apps.platform.models import Tenant
from apps.results.tamper import marks_chain_verify


class Command(BaseCommand):
    help = "Verify the hash chain of mark changes in one school's schema or in every school's."

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="only this school's schema")

    def handle(self, *args, schema=None, **options):
        connection.set_schema_to_public()
        schemas = [schema] if schema else list(Tenant.objects.exclude(schema_name=get_public_schema_name())
                                                .order_by("schema_name").values_list("schema_name", flat=True))
        broken = []
        for name in schemas:
            with schema_context(name):
                from apps.results.models import MarkChange

                checked = MarkChange.objects.count()
                breaks = marks_chain_verify()
            if breaks:
                broken.append(name)
                self.stdout.write(self.style.ERROR(f"{name}: BROKEN ({len(breaks)} problem(s) in {checked} changes)"))
                for item in breaks:
                    self.stdout.write(f"  change {item['change_id']}: {item['kind']}: {item['message']}")
            elif options["verbosity"] >= 1:
                self.stdout.write(f"{name}: {checked} changes, chain intact")
        if broken:
            raise CommandError(f"mark history chain broken in {len(broken)} school(s): {', '.join(broken)}")
