"""The demo: a platform owner and two schools with their admins. Safe to run again: keeps data.
Privileged demo users get an authenticator (TOTP) device with the fixed, documented secret below.

Each school also gets a realistic school year (apps.academics.sample_school): ~600 students in
Forms 1-4 (streams A-C) with their guardians, 30 teachers, Term 1 complete (registers, marks, results
computed and published; the demo parent's report cards) and Term 2 running (registers up to yesterday,
no marks yet).
The demo teacher is class teacher of Form 2A and teaches Basic Mathematics in Forms 2A and 2B; the
demo parent is the mother of a Form 2A and a Form 4A student. `--no-school-year` leaves it out."""

import base64
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django_tenants.utils import schema_context

from apps.accounts.roles import Role
from apps.accounts.services import user_create
from apps.finance.demo import seed_finance_demo_school
from apps.ledger.demo import seed_ledger_demo_school
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
# the generated school year (apps.academics.sample_school); teachers teacherN@<slug>.school share STAFF_PASSWORD
SCHOOL_YEAR = {"students": 600, "forms": 4, "streams_per_form": 3, "subjects": 12, "teachers": 30, "terms": 2,
               "marks": 1}
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


def demo_year(today=None) -> int:
    """The calendar year whose Term 1 (January-June) is over: this year from mid-June, else last year."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return today.year if (today.month, today.day) > (6, 10) else today.year - 1


def demo_school_year(*, slug: str, write=print) -> dict:
    """The current school's generated year, wired to the demo teacher and parent, Term 1 published
    with report cards. Skipped quickly when it is in place; each later step is skipped (and said)
    when the code it needs is not there."""
    from apps.academics.models import Stream, Term
    from apps.academics.sample_school import sample_school_generate, sample_school_wire_demo
    from apps.results.models import ReportCard

    User = get_user_model()
    year = demo_year()
    term = Term.objects.filter(year__name=str(year), number=1).first()
    parent = User.objects.filter(email__iexact=f"parent@{slug}.school").first()
    if (term is not None and term.is_published
            and (parent is None or ReportCard.objects.filter(term=term, student__guardian_links__guardian__user=parent)
                 .exists())):
        return {"skipped": True}
    started = time.perf_counter()
    counts = sample_school_generate(**SCHOOL_YEAR, year=year, password=STAFF_PASSWORD, seed=2026)
    teacher = User.objects.filter(email__iexact=f"teacher@{slug}.school").first()
    wired = sample_school_wire_demo(teacher=teacher, parent=parent)
    term = Term.objects.select_related("year").get(year__name=str(year), number=1)
    admin = User.objects.filter(role=Role.SCHOOL_ADMIN, is_active=True).order_by("pk").first()
    write(f"  {slug}: {counts['students']} students, {counts['guardians']} guardians, {counts['teachers']} teachers, "
          f"{counts['attendance_marks']} attendance marks, {counts['marks']} marks ({counts['seconds']} s: {counts.get('timings')}); "
          f"demo teacher: {', '.join(wired['teacher_streams'])}; demo parent: {', '.join(wired['children'])}")
    missing = []
    if not term.is_published:
        try:
            from apps.results.publishing import term_results_publish
        except ImportError:
            term_results_publish = None
            missing.append("publishing")
        if term_results_publish is not None and admin is not None:
            try:
                step = time.perf_counter()
                published = term_results_publish(term=term, actor=admin)
                write(f"  {slug}: {term} published ({published['term_results']} students' results, "
                      f"{time.perf_counter() - step:.1f} s)")
            except ValidationError as error:
                missing.append(f"publishing ({'; '.join(error.messages)})")
    if Term.objects.filter(pk=term.pk, results_published_at__isnull=False).exists():
        try:
            missing += _demo_report_cards(term=term, slug=slug, write=write)
        except Exception as error:  # noqa: BLE001  (the demo goes on without them; said below)
            missing.append(f"report cards ({error.__class__.__name__}: {error})")
    if missing:
        write(f"  {slug}: not done: {', '.join(missing)}")
    return {**counts, "seconds": round(time.perf_counter() - started, 2), "missing": missing,
            "streams": Stream.objects.count()}


def _demo_report_cards(*, term, slug: str, write) -> list[str]:
    """The demo parent's children's report cards, rendered now (a few seconds). The rest of the school's
    are left to the console (Report cards, Generate: a job with a progress bar), as a school does it:
    rendering 600 cards here would keep `make run` waiting, and queued jobs would hold up the worker."""
    from apps.results.models import TermResult
    from apps.results.report_cards import report_cards_render

    parent = get_user_model().objects.filter(email__iexact=f"parent@{slug}.school").first()
    children = list(TermResult.objects.filter(term=term, student__guardian_links__guardian__user=parent)
                    .exclude(student__report_cards__term=term).values_list("student_id", flat=True))
    if not children:
        return []
    step = time.perf_counter()
    report_cards_render(term=term, students=children)
    write(f"  {slug}: the demo parent's {len(children)} report cards rendered in {time.perf_counter() - step:.1f} s "
          "(the rest: Report cards, Generate)")
    return []


class Command(BaseCommand):
    help = "Seed the demo platform owner and schools (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--no-school-year", action="store_true",
                            help="only the people: no generated students, registers, marks or results")

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
                if not options.get("no_school_year"):
                    try:
                        with transaction.atomic():  # all of it or none (and the rest of the seed goes on)
                            outcome = demo_school_year(slug=spec["slug"], write=self.stdout.write)
                    except Exception as error:  # noqa: BLE001  (the demo starts without it; say why)
                        self.stderr.write(f"the school year of {spec['name']} could not be generated: "
                                          f"{error.__class__.__name__}: {error}")
                        continue
                    if not outcome.get("skipped"):
                        self.stdout.write(f"school year of {spec['name']} in place in {outcome['seconds']} s")
                seed_ledger_demo_school(slug=spec["slug"], write=self.stdout.write)  # idempotent; errors are said
                seed_finance_demo_school(slug=spec["slug"], write=self.stdout.write)  # likewise
        # the owner's overview reads aggregated figures; have them now rather than at the next hourly run
        connection.set_schema_to_public()
        school_stats_refresh()
        self.stdout.write(self.style.SUCCESS("demo data is in place"))
