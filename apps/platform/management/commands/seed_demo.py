"""The demo: a platform owner and two schools with their admins. Safe to run again: keeps data.
Privileged demo users get an authenticator (TOTP) device with the fixed, documented secret below."""

import base64

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import schema_context

from apps.accounts.roles import Role
from apps.accounts.services import user_create
from apps.platform.analytics import school_stats_refresh
from apps.platform.selectors import school_by_slug
from apps.platform.services import school_provision

OWNER = {"email": "owner@omnicore.test", "password": "demo-owner-pass"}
SCHOOLS = [
    {"slug": "demo", "name": "Demo Secondary School", "admin_email": "admin@demo.school"},
    {"slug": "kilima", "name": "Kilima Academy", "admin_email": "admin@kilima.school"},
]
SCHOOL_ADMIN_PASSWORD = "demo-admin-pass"
# a few more people so a school's console has something to show
STAFF = [
    ("teacher", Role.TEACHER, "Neema", "Mushi"),
    ("bursar", Role.ACCOUNTANT, "Juma", "Said"),
    ("parent", Role.PARENT, "Asha", "Mrisho"),
]
STAFF_PASSWORD = "demo-staff-pass"
# Base32 TOTP secrets of the demo's privileged users (README.md): add one to any authenticator app.
# Public, so for the demo only.
DEMO_TOTP_SECRETS = {
    "owner@omnicore.test": "OWNERDEMOOWNERDEMOOWNERDEMOOWNER",
    "admin@demo.school": "DEMOADMINDEMOADMINDEMOADMINDEMOA",
    "bursar@demo.school": "DEMOBURSARDEMOBURSARDEMOBURSARDE",
    "admin@kilima.school": "KILIMAADMINKILIMAADMINKILIMAADMI",
    "bursar@kilima.school": "KILIMABURSARKILIMABURSARKILIMABU",
}


def demo_totp_device(email: str) -> None:
    """A confirmed TOTP device with the documented secret, unless the user has one already."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts.otp import TOTP_DEVICE_NAME

    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None or TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return
    key = base64.b32decode(DEMO_TOTP_SECRETS[email]).hex()
    TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=True)


class Command(BaseCommand):
    help = "Seed the demo platform owner and schools (idempotent)."

    def handle(self, *args, **options):
        connection.set_schema_to_public()
        User = get_user_model()
        if not User.objects.filter(email__iexact=OWNER["email"]).exists():
            user_create(email=OWNER["email"], password=OWNER["password"], role=Role.PLATFORM_OWNER,
                        is_staff=True, is_superuser=True)
            self.stdout.write(f"platform owner {OWNER['email']} created")
        demo_totp_device(OWNER["email"])
        for spec in SCHOOLS:
            school = school_by_slug(spec["slug"])
            if school is None:
                school = school_provision(slug=spec["slug"], name=spec["name"], admin_email=spec["admin_email"],
                                          admin_password=SCHOOL_ADMIN_PASSWORD)
                self.stdout.write(f"school {school.name} created at {school.primary_host}")
            with schema_context(school.schema_name):
                for local, role, first, last in STAFF:
                    email = f"{local}@{spec['slug']}.school"
                    if not User.objects.filter(email__iexact=email).exists():
                        user_create(email=email, password=STAFF_PASSWORD, role=role, first_name=first, last_name=last)
                for email in (spec["admin_email"], f"bursar@{spec['slug']}.school"):
                    demo_totp_device(email)
        # the owner's overview reads aggregated figures; have them now rather than at the next hourly run
        connection.set_schema_to_public()
        school_stats_refresh()
        self.stdout.write(self.style.SUCCESS("demo data is in place"))
