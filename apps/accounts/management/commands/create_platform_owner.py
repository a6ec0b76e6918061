"""Create the platform owner in the public schema: `manage.py create_platform_owner --email … --password …`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.accounts.roles import Role
from apps.accounts.services import user_create


class Command(BaseCommand):
    help = "Create a platform owner (public schema; signs in on the platform host and /admin/)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)

    def handle(self, *args, email, password, **options):
        connection.set_schema_to_public()
        try:
            user = user_create(email=email, password=password, role=Role.PLATFORM_OWNER,
                               is_staff=True, is_superuser=True)
        except ValidationError as error:
            lines = [f"  {field}: {message}" for field, messages in error.message_dict.items() for message in messages]
            raise CommandError("The platform owner was not created:\n" + "\n".join(lines)) from None
        self.stdout.write(self.style.SUCCESS(f"Platform owner {user.email} created."))
