"""Lift a sign-in lockout: `manage.py unlock_user <username or email> [--schema S]` (audited)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from apps.accounts.lockout import lockout_reset


class Command(BaseCommand):
    help = "Clear the failed sign-ins that lock an account out (in one school's schema, or public)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="the username or email the attempts were made with")
        parser.add_argument("--schema", default=None, help="the school's schema (default: public)")

    def handle(self, *args, username, schema, **options):
        schema = schema or get_public_schema_name()
        if not schema_exists(schema):
            raise CommandError(f"No schema “{schema}”.")
        connection.set_schema_to_public()
        with schema_context(schema):
            removed = lockout_reset(username=username, actor=None)
        self.stdout.write(self.style.SUCCESS(f"{username} unlocked in {schema} ({removed} attempt records removed)."))
