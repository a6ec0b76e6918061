"""A teacher takes today's register on a phone (mark all present, two absent, save, confirmation);
the admin then sees the absence SMS waiting in the outbox.

The rows are this module's own, made in the demo school and removed afterwards (a class of its own,
a teacher, five students with a guardian each), so the demo seed and the other browser tests are
untouched."""

import datetime
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_ADMIN, screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "kilimanjaro-sunrise-7391"
NAMES = [("Asha", "Kombo"), ("Baraka", "Lema"), ("Chausiku", "Mrema"), ("Daudi", "Njau"), ("Eliya", "Omari")]


def _build(tag: str) -> dict:
    from django.db.models import Max
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.academics.models import AcademicYear, Guardian, SchoolClass, Stream, Student, StudentGuardian, Term
    from apps.accounts.services import user_create

    with schema_context("demo"):
        today = timezone.localdate()
        made = {"term": None, "year": None}
        if not Term.objects.filter(starts_on__lte=today, ends_on__gte=today).exists():
            year = AcademicYear.objects.create(name=f"E2E {tag}", starts_on=today - datetime.timedelta(days=60),
                                               ends_on=today + datetime.timedelta(days=60))
            term = Term.objects.create(year=year, number=1, name="Term", starts_on=today - datetime.timedelta(days=30),
                                       ends_on=today + datetime.timedelta(days=30))
            made.update(term=term.pk, year=year.pk)
        teacher = user_create(email=f"register-{tag}@demo.school", password=PASSWORD, role="teacher",
                              first_name="Rehema", last_name="Kisanga")
        level = (SchoolClass.objects.aggregate(top=Max("level"))["top"] or 0) + 1
        school_class = SchoolClass.objects.create(name=f"Form R{tag}", level=level)
        stream = Stream.objects.create(school_class=school_class, name="A", class_teacher=teacher)
        students, parents = [], []
        for number, (first, last) in enumerate(NAMES):
            student = Student.objects.create(admission_number=f"REG/{tag}/{number}", first_name=first, last_name=last,
                                             sex="F" if number % 2 == 0 else "M", stream=stream)
            parent = user_create(email=f"register-parent-{tag}-{number}@demo.school", password=PASSWORD,
                                 role="parent", first_name="Mzazi", last_name=last)
            guardian = Guardian.objects.create(user=parent, phone=f"+2557{(int(tag, 16) + number) % 10**8:08d}")
            StudentGuardian.objects.create(student=student, guardian=guardian, relationship="mother", is_primary=True)
            students.append((student.pk, f"{first} {last}"))
            parents.append(parent.pk)
        made.update(teacher=teacher.pk, parents=parents, school_class=school_class.pk, tag=tag)
        return {"teacher": teacher.email, "stream": stream.pk, "stream_name": stream.full_name, "students": students,
                "today": today, "made": made}


def _remove(made: dict) -> None:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from apps.academics.models import AcademicYear, Guardian, SchoolClass, Stream, Student, Term
    from apps.attendance.models import AttendanceMark, Register
    from apps.communication.models import Notice, OutboxMessage

    with schema_context("demo"):
        streams = Stream.objects.filter(school_class_id=made["school_class"])
        students = Student.objects.filter(stream__in=streams)
        AttendanceMark.objects.filter(student__in=students).delete()
        Register.objects.filter(stream__in=streams).delete()
        OutboxMessage.objects.filter(recipient_id__in=made["parents"]).delete()
        Notice.objects.filter(title__endswith=f"R{made['tag']}A").delete()
        students.delete()
        streams.delete()
        SchoolClass.objects.filter(pk=made["school_class"]).delete()
        Guardian.objects.filter(user_id__in=made["parents"]).delete()
        if made["term"]:
            Term.objects.filter(pk=made["term"]).delete()
            AcademicYear.objects.filter(pk=made["year"]).delete()
        get_user_model().objects.filter(pk__in=[made["teacher"], *made["parents"]]).delete()


@pytest.fixture
def register(in_database):
    built = in_database(lambda: _build(uuid.uuid4().hex[:6]))
    yield built
    in_database(lambda: _remove(built["made"]))


def test_teacher_takes_todays_register_on_a_phone_and_the_admin_sees_the_outbox(phone_page, new_page, site,
                                                                               register, in_database):
    page = phone_page
    sign_in(page, site.school("demo", "/"), register["teacher"], PASSWORD)
    page.goto(site.school("demo", "/attendance/"))
    row = page.locator(f'[data-stream="{register["stream"]}"]')
    expect(row).to_contain_text("not taken")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "register-list-teacher")

    with page.expect_navigation():
        row.click()
    page.wait_for_load_state()
    expect(page).to_have_url(re.compile(rf"/attendance/streams/{register['stream']}/\?date="))
    rows = page.locator("[data-student]")
    expect(rows).to_have_count(len(NAMES))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "register-take-empty")

    page.get_by_role("button", name=re.compile("all present", re.I)).click()
    expect(page.locator("input[type=radio][value=present]:checked")).to_have_count(len(NAMES))
    absent = register["students"][:2]
    for pk, _name in absent:
        page.locator(f'label[for="s-{pk}-absent"]').click()
    expect(page.locator("[data-absent-count]")).to_have_text("2")
    screenshot(page, "register-take-marked")

    page.get_by_test_id("save-register").click()
    saved = page.get_by_test_id("register-saved")
    expect(saved).to_contain_text("3 present, 2 absent")
    expect(saved).to_contain_text("SMS")
    assert page.js_errors == []
    screenshot(page, "register-take-saved")

    def stored():
        from django_tenants.utils import schema_context

        from apps.attendance.models import AttendanceMark

        with schema_context("demo"):
            return dict(AttendanceMark.objects.filter(register__stream_id=register["stream"],
                                                      register__date=register["today"])
                        .values_list("student_id", "status"))

    marks = in_database(stored)
    assert sorted(pk for pk, status in marks.items() if status == "absent") == sorted(pk for pk, _ in absent)
    assert len(marks) == len(NAMES)

    # the register list now says "taken"
    page.goto(site.school("demo", "/attendance/"))
    expect(page.locator(f'[data-stream="{register["stream"]}"]')).to_contain_text("2 absent")

    admin = new_page()
    sign_in(admin, site.school("demo", "/"), *DEMO_ADMIN)
    admin.goto(site.school("demo", "/communication/outbox/?kind=attendance.absence"))
    outbox = admin.get_by_test_id("outbox")
    for _pk, name in absent:
        expect(outbox).to_contain_text(f"{name} was marked absent")
    expect(outbox).to_contain_text("Queued")
    screenshot(admin, "outbox-admin")

    # the admin's register list for today (every stream, the freeze form) and the term report
    admin.goto(site.school("demo", "/attendance/"))
    expect(admin.locator(f'[data-stream="{register["stream"]}"]')).to_contain_text("2 absent")
    screenshot(admin, "register-list-admin")
    admin.goto(site.school("demo", "/attendance/reports/"))
    expect(admin.get_by_test_id("stream-rates")).to_contain_text(register["stream_name"])
    expect(admin.get_by_test_id("chronic")).to_be_visible()
    assert admin.js_errors == []
    screenshot(admin, "attendance-report")

    # one absent student's term, then a notice for parents
    admin.goto(site.school("demo", f"/attendance/students/{absent[0][0]}/"))
    expect(admin.get_by_test_id("summary")).to_contain_text("Absent")
    screenshot(admin, "attendance-student")
    admin.goto(site.school("demo", "/communication/notices/"))
    admin.locator("summary", has_text="New notice").click()
    admin.get_by_label("Title").fill(f"Parents' meeting {register['stream_name']}")
    admin.get_by_label("Text").fill("Saturday at 9:00 in the hall.")
    admin.get_by_label("For").select_option("parents")
    admin.locator("#notice-panel form button[type=submit]").first.click()
    expect(admin.get_by_text("Notice saved.")).to_be_visible()
    expect(admin.locator("tbody")).to_contain_text(f"Parents' meeting {register['stream_name']}")
    assert admin.js_errors == []
    screenshot(admin, "notices-admin")
