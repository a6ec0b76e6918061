"""The teacher's workspace on a phone (her classes, then "Take register") and the parent portal (switch
child, published results, a report card to download), in a real browser.

The rows are this module's own, made in the demo school and removed afterwards (a class of its own
with two streams, a teacher, a parent with two children, a published past term with results), so the
demo seed and the other browser tests are untouched."""

import datetime
import re
import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in, wait_for_animations

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-portal-password"


@dataclass
class Portal:
    teacher: str
    parent: str
    led_stream: int
    led_stream_name: str
    children: list  # [(pk, first name)]


def _build(tag: str) -> dict:
    from django.core.files.base import ContentFile
    from django.db.models import Max
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.academics.models import (
        AcademicYear, Guardian, SchoolClass, Stream, Student, StudentGuardian, Subject, TeachingAssignment, Term,
    )
    from apps.accounts.services import user_create
    from apps.results.models import ReportCard, SubjectResult, TermResult

    made = {}
    with schema_context("demo"):
        today = timezone.localdate()
        teacher = user_create(email=f"teacher-{tag}@demo.school", password=PASSWORD, role="teacher",
                              first_name="Amina", last_name="Juma")
        parent = user_create(email=f"parent-{tag}@demo.school", password=PASSWORD, role="parent",
                             first_name="Baraka", last_name="Mollel")
        guardian = Guardian.objects.create(user=parent, phone=f"+2557{int(tag, 16) % 10**8:08d}")
        level = (SchoolClass.objects.aggregate(top=Max("level"))["top"] or 0) + 1
        name = f"Form {level}" if not SchoolClass.objects.filter(name=f"Form {level}").exists() else f"Form {tag}"
        school_class = SchoolClass.objects.create(name=name, level=level)
        led = Stream.objects.create(school_class=school_class, name="A", class_teacher=teacher)
        other = Stream.objects.create(school_class=school_class, name="B")
        biology = Subject.objects.create(code=f"B{tag}", name="Biology", order=90)
        civics = Subject.objects.create(code=f"C{tag}", name="Civics", order=91)
        TeachingAssignment.objects.create(stream=led, subject=biology, teacher=teacher)
        TeachingAssignment.objects.create(stream=other, subject=civics, teacher=teacher)
        made["current_term_made"] = None
        if not Term.objects.filter(is_current=True).exists():
            year = AcademicYear.objects.filter(is_current=True).first() or AcademicYear.objects.create(
                name=f"{today.year}-{tag}", starts_on=today - datetime.timedelta(days=200),
                ends_on=today + datetime.timedelta(days=100), is_current=True)
            term = Term.objects.create(year=year, number=9, name="Term", starts_on=today - datetime.timedelta(days=40),
                                       ends_on=today + datetime.timedelta(days=40), is_current=True)
            made["current_term_made"] = (term.pk, year.pk if year.name.endswith(tag) else None)
        # a past term, published, with results and report cards
        past_year = AcademicYear.objects.create(name=f"2024 ({tag})", starts_on=datetime.date(2024, 1, 8),
                                                ends_on=datetime.date(2024, 12, 6))
        past = Term.objects.create(year=past_year, number=1, name="Term 1", starts_on=datetime.date(2024, 1, 8),
                                   ends_on=datetime.date(2024, 6, 7), results_published_at=timezone.now())
        children = []
        for number, (first, stream, grades) in enumerate([("Upendo", led, ("A", "B")), ("Jabari", other, ("C", "D"))]):
            child = Student.objects.create(admission_number=f"E2E/{tag}/{number}", first_name=first, last_name="Mollel",
                                           sex="F" if number == 0 else "M", stream=stream,
                                           date_of_birth=datetime.date(2011, 5, 1))
            StudentGuardian.objects.create(student=child, guardian=guardian, relationship="father",
                                           is_primary=True)
            now = timezone.now()
            for subject, grade, score in ((biology, grades[0], 78 - 20 * number), (civics, grades[1], 66 - 30 * number)):
                SubjectResult.objects.create(term=past, student=child, subject=subject, stream=stream,
                                             school_class=school_class, score=score, grade=grade, points=1,
                                             position_in_stream=1 + number, computed_at=now)
            TermResult.objects.create(term=past, student=child, stream=stream, school_class=school_class,
                                      subjects_count=2, total=144 - 50 * number, average=72 - 25 * number,
                                      division="I" if number == 0 else "III", position_in_stream=1 + number,
                                      stream_size=2, computed_at=now)
            card = ReportCard(term=past, student=child, status=ReportCard.Status.READY,
                              verification_code=f"e2e-{tag}-{number}", generated_at=now)
            card.file.save(f"e2e-{tag}-{number}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
            card.save()
            children.append((child.pk, first))
        made.update(tag=tag, teacher=teacher.pk, parent=parent.pk, guardian=guardian.pk, school_class=school_class.pk,
                    subjects=[biology.pk, civics.pk], past_term=past.pk, past_year=past_year.pk)
        return {"portal": Portal(teacher=teacher.email, parent=parent.email, led_stream=led.pk,
                                 led_stream_name=led.full_name, children=children), "made": made}


def _remove(made: dict) -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from apps.academics.models import (
        AcademicYear, Guardian, SchoolClass, Stream, Student, Subject, TeachingAssignment, Term,
    )
    from apps.attendance.models import AttendanceMark, Register
    from apps.communication.models import OutboxMessage
    from apps.results.models import ReportCard, SubjectResult, TermResult

    with schema_context("demo"):
        streams = Stream.objects.filter(school_class_id=made["school_class"])
        students = Student.objects.filter(stream__in=streams)
        for card in ReportCard.objects.filter(student__in=students):
            card.file.delete(save=False)
            card.delete()
        SubjectResult.objects.filter(student__in=students).delete()
        TermResult.objects.filter(student__in=students).delete()
        AttendanceMark.objects.filter(student__in=students).delete()
        Register.objects.filter(stream__in=streams).delete()
        OutboxMessage.objects.filter(recipient_id=made["parent"]).delete()
        students.delete()
        TeachingAssignment.objects.filter(stream__in=streams).delete()
        streams.delete()
        SchoolClass.objects.filter(pk=made["school_class"]).delete()
        Subject.objects.filter(pk__in=made["subjects"]).delete()
        Term.objects.filter(pk=made["past_term"]).delete()
        AcademicYear.objects.filter(pk=made["past_year"]).delete()
        if made["current_term_made"]:
            term_pk, year_pk = made["current_term_made"]
            Term.objects.filter(pk=term_pk).delete()
            AcademicYear.objects.filter(pk=year_pk).delete()
        Guardian.objects.filter(pk=made["guardian"]).delete()
        get_user_model().objects.filter(pk__in=[made["teacher"], made["parent"]]).delete()


@pytest.fixture
def portal(in_database):
    built = in_database(lambda: _build(uuid.uuid4().hex[:6]))
    yield built["portal"]
    in_database(lambda: _remove(built["made"]))


def open_menu_item(page, key: str) -> None:
    """On a phone the sidebar is an offcanvas behind the menu button."""
    page.get_by_role("button", name="Menu").click()
    wait_for_animations(page)
    with page.expect_navigation():
        page.locator(f"#sidebar [data-nav={key}]").click()
    page.wait_for_load_state()


def test_teacher_on_a_phone_sees_her_classes_and_takes_the_register(phone_page, site, portal):
    page = phone_page
    sign_in(page, site.school("demo", "/"), portal.teacher, PASSWORD)
    expect(page).to_have_url(site.school("demo", "/dashboard/"))
    expect(page.get_by_test_id("teacher-classes")).to_have_text("2")
    expect(page.get_by_test_id("registers-due")).to_have_text("1")
    screenshot(page, "teacher-dashboard")

    open_menu_item(page, "teacher-home")
    expect(page).to_have_url(site.school("demo", "/teacher/"))
    cards = page.get_by_test_id("class-card")
    expect(cards).to_have_count(2)
    led = page.locator(f'[data-testid=class-card][data-stream="{portal.led_stream}"]')
    expect(led).to_contain_text(portal.led_stream_name)
    expect(led).to_contain_text("Class teacher")
    expect(led).to_contain_text("Biology")
    expect(led.get_by_test_id("register-status")).to_contain_text("not taken yet")
    # the page fits the phone: nothing wider than the screen
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "teacher-home")

    take = led.get_by_test_id("take-register")
    expect(take).to_be_visible()
    with page.expect_navigation():
        take.click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/attendance/streams/{portal.led_stream}/\?date=\d{{4}}-\d{{2}}-\d{{2}}$"))
    assert page.js_errors == []
    screenshot(page, "teacher-take-register")


def test_parent_switches_child_and_sees_published_results_and_report_card(phone_page, site, portal):
    page = phone_page
    # children are listed by first name: Jabari, then Upendo
    (first_id, first_name), (second_id, second_name) = sorted(portal.children, key=lambda child: child[1])
    sign_in(page, site.school("demo", "/"), portal.parent, PASSWORD)
    page.goto(site.school("demo", "/parent/"))
    expect(page.get_by_test_id("child-card")).to_have_count(2)
    expect(page.locator(f'[data-testid=child-card][data-child="{second_id}"]')).to_contain_text("division I")
    screenshot(page, "parent-home")

    open_menu_item(page, "parent-results")
    expect(page).to_have_url(site.school("demo", "/parent/results/"))
    expect(page.get_by_test_id("current-child")).to_contain_text(first_name)
    switcher = page.get_by_test_id("child-switcher")
    with page.expect_navigation():
        switcher.get_by_role("link", name=second_name).click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("current-child")).to_contain_text(second_name)
    expect(page.get_by_test_id("subject-result")).to_have_count(2)
    expect(page.get_by_test_id("subject-result").first).to_contain_text("Biology")
    expect(page.get_by_test_id("subject-result").first).to_contain_text("A")
    expect(page.get_by_test_id("division")).to_have_text("I")
    screenshot(page, "parent-results")

    # the choice is remembered on the next page
    open_menu_item(page, "parent-report-cards")
    expect(page.get_by_test_id("current-child")).to_contain_text(second_name)
    download = page.get_by_test_id("report-card").get_by_test_id("download")
    expect(download).to_have_attribute("href", re.compile(r"/results/report-cards/\d+/download/$"))
    assert page.js_errors == []
    screenshot(page, "parent-report-cards")


@pytest.fixture
def school_admin(in_database):
    """A school admin of the demo school of this test's own, with an authenticator: (email, secret)."""
    import base64

    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    from apps.accounts.services import user_create

    email = f"head-{uuid.uuid4().hex[:8]}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="school_admin", first_name="Zawadi")
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            return base64.b32encode(bytes.fromhex(device.key)).decode()

    yield email, in_database(create)

    def remove():
        with schema_context("demo"):
            get_user_model().objects.filter(email=email).delete()

    in_database(remove)


def test_school_admin_dashboard_shows_the_days_widgets(page, site, portal, school_admin):
    email, secret = school_admin
    sign_in(page, site.school("demo", "/"), email, PASSWORD, totp_secret=secret)
    expect(page).to_have_url(site.school("demo", "/dashboard/"))

    widgets = page.get_by_test_id("admin-widgets")
    expect(widgets.get_by_test_id("registers-taken")).to_have_text(re.compile(r"^\d+ / \d+$"))
    expect(widgets.get_by_test_id("open-flags")).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_test_id("results-status")).to_be_visible()
    # the class of this test's own is in the table and the chart is drawn
    expect(page.get_by_test_id("students-by-class")).to_contain_text(portal.led_stream_name[:-1])
    expect(page.locator("#students-by-class")).to_have_attribute("style", re.compile("width"))
    assert page.js_errors == []
    screenshot(page, "dashboard-school-admin")
