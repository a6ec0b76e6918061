"""Provision a school: `manage.py create_school <slug> --name … --admin-email … --admin-password …`."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.platform.services import school_provision


class Command(BaseCommand):
    help = "Create a school by cloning the template schema, with its host name and first school admin."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="lower-case web name, e.g. mlimani → mlimani.<platform host>")
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True)
        parser.add_argument("--plan", default="standard")

    def handle(self, *args, slug, name, admin_email, admin_password, plan, **options):
        started = time.perf_counter()
        try:
            school = school_provision(slug=slug, name=name, admin_email=admin_email,
                                      admin_password=admin_password, plan_code=plan)
        except ValidationError as error:
            lines = [f"  {field}: {message}" for field, messages in error.message_dict.items() for message in messages]
            raise CommandError("The school was not created:\n" + "\n".join(lines)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Created {school.name} in {elapsed:.2f} s: it answers at host {school.primary_host} "
            f"(school admin: {admin_email})"))
