"""Marks entry in a real browser, as the demo teacher: type marks with the keyboard (Tab, Enter),
see an out-of-range mark refused beside its cell and not saved, mark a student absent, reload and
find what was saved. The grid is set up in a term of its own (a far-off year), so the demo school's
own terms, results and report cards are left as they are."""

import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e

TEACHER = ("teacher@demo.school", "demo-staff-pass")


def marks_grid_for_the_demo_teacher(in_database) -> dict:
    def create():
        import datetime

        from django.contrib.auth import get_user_model
        from django_tenants.utils import schema_context

        from apps.academics.models import (
            AcademicYear, SchoolClass, Stream, Student, Subject, TeachingAssignment, Term,
        )
        from apps.results.models import Assessment

        tag = uuid.uuid4().hex[:6].upper()
        with schema_context("demo"):
            teacher = get_user_model().objects.get(email=TEACHER[0])
            year, _ = AcademicYear.objects.get_or_create(
                name="2099", defaults={"starts_on": datetime.date(2099, 1, 10), "ends_on": datetime.date(2099, 12, 1),
                                       "is_current": False})
            term, _ = Term.objects.get_or_create(year=year, number=1, defaults={
                "name": "Term 1", "starts_on": datetime.date(2099, 1, 10), "ends_on": datetime.date(2099, 6, 1)})
            school_class, _ = SchoolClass.objects.get_or_create(level=90, defaults={"name": "Marks test form"})
            stream = Stream.objects.create(school_class=school_class, name=f"M{tag}")
            subject = Subject.objects.create(code=f"E2E{tag}", name="Basic Mathematics (test)")
            TeachingAssignment.objects.create(stream=stream, subject=subject, teacher=teacher)
            assessment = Assessment.objects.create(term=term, name=f"Midterm {tag}", weight=Decimal("40"),
                                                   max_mark=Decimal("100"))
            names = [("Amani", "Akida"), ("Baraka", "Bakari"), ("Chausiku", "Chande"), ("Daudi", "Dosa")]
            students = [Student.objects.create(admission_number=f"E2E/{tag}/{i}", first_name=first, last_name=last,
                                               sex="F" if i % 2 else "M", stream=stream)
                        for i, (first, last) in enumerate(names)]
            return {"path": f"/results/marks/{assessment.pk}/{stream.pk}/{subject.pk}/",
                    "assessment": assessment.pk, "subject": subject.pk, "students": [s.pk for s in students]}

    return in_database(create)


def saved_marks(in_database, grid) -> dict:
    def read():
        from django_tenants.utils import schema_context

        from apps.results.models import Mark, MarkChange

        with schema_context("demo"):
            marks = {m.student_id: ("ABS" if m.is_absent else m.score) for m in Mark.objects.filter(
                assessment_id=grid["assessment"], subject_id=grid["subject"])}
            changes = MarkChange.objects.filter(assessment_id_at=grid["assessment"]).count()
            return {"marks": marks, "changes": changes}

    return in_database(read)


def test_teacher_enters_marks_with_the_keyboard(page, site, in_database):
    grid = marks_grid_for_the_demo_teacher(in_database)
    first, second, third, fourth = grid["students"]
    sign_in(page, site.school("demo", "/"), *TEACHER)
    page.goto(site.school("demo", grid["path"]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Basic Mathematics (test)")

    cell = page.locator(f"#mark-{first}")
    cell.click()
    page.keyboard.type("67")
    page.keyboard.press("Tab")
    expect(page.locator(f"#mark-{second}")).to_be_focused()
    page.keyboard.type("45,5")
    page.keyboard.press("Enter")
    expect(page.locator(f"#mark-{third}")).to_be_focused()
    expect(page.locator(f"#status-{first}")).to_contain_text("saved")
    expect(page.locator(f"#status-{second}")).to_contain_text("saved")
    expect(page.locator(f"#mark-{second}")).to_have_value("45.5")  # shown as stored

    # out of range: the message appears as it is typed, the server refuses it too, nothing is saved
    page.keyboard.type("150")
    expect(page.locator(f"#status-{third}")).to_contain_text("Enter a mark from 0 to 100, or ABS for absent.")
    page.keyboard.press("Enter")
    expect(page.locator(f"#mark-{fourth}")).to_be_focused()
    expect(page.locator(f"#status-{third}")).to_have_attribute("data-state", "error")
    expect(page.locator(f"#status-{third}")).to_contain_text("Enter a mark from 0 to 100")
    expect(page.locator(f"#mark-{third}")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(f"#mark-{third}")).to_have_value("150")  # the typed text stays to be corrected

    page.keyboard.type("abs")
    page.keyboard.press("Shift+Enter")  # back up to the refused cell
    expect(page.locator(f"#mark-{third}")).to_be_focused()
    expect(page.locator(f"#status-{fourth}")).to_contain_text("saved")
    screenshot(page, "marks-grid-error")

    saved = saved_marks(in_database, grid)
    assert saved["marks"] == {first: Decimal("67.00"), second: Decimal("45.50"), fourth: "ABS"}
    assert saved["changes"] == 3

    page.reload()
    for student, value in ((first, "67"), (second, "45.5"), (third, ""), (fourth, "ABS")):
        expect(page.locator(f"#mark-{student}")).to_have_value(value)
    screenshot(page, "marks-grid-reloaded")

    # the history of a mark lists its changes
    page.locator(f"tr[data-student='{fourth}'] a[title='History']").click()
    expect(page.locator("tr[data-change]")).to_have_count(1)
    screenshot(page, "marks-history")
    assert page.js_errors == []


def test_admin_changes_a_mark_then_reviews_and_reverts_it(new_page, site, in_database):
    from tests.e2e.test_users import PASSWORD, new_school_admin_with_authenticator

    grid = marks_grid_for_the_demo_teacher(in_database)
    first = grid["students"][0]

    def teacher_enters():
        from django.contrib.auth import get_user_model
        from django_tenants.utils import schema_context

        from apps.academics.models import Student, Subject
        from apps.results.marks import mark_set
        from apps.results.models import Assessment

        with schema_context("demo"):
            mark_set(assessment=Assessment.objects.get(pk=grid["assessment"]), student=Student.objects.get(pk=first),
                     subject=Subject.objects.get(pk=grid["subject"]), value="48",
                     actor=get_user_model().objects.get(email=TEACHER[0]))

    in_database(teacher_enters)
    email, secret = new_school_admin_with_authenticator(in_database)
    page = new_page()
    sign_in(page, site.school("demo", "/"), email, PASSWORD, totp_secret=secret)

    page.goto(site.school("demo", grid["path"]))
    cell = page.locator(f"#mark-{first}")
    expect(cell).to_have_value("48")
    cell.fill("88")
    cell.press("Enter")
    expect(page.locator(f"#status-{first}")).to_contain_text("saved")

    page.locator("[data-nav=marks-review]").click()
    expect(page).to_have_url(re.compile(r"/results/review/"))
    card = page.locator("[data-rule=not_assigned][data-status=open]").filter(has_text="Akida").first
    expect(card).to_contain_text("88")
    screenshot(page, "marks-review-queue")
    page.once("dialog", lambda dialog: dialog.accept())
    card.get_by_role("button", name=re.compile("Revert to 48")).click()
    expect(page.locator("[data-status=reverted]").filter(has_text="Akida").first).to_be_visible()

    page.goto(site.school("demo", grid["path"]))
    expect(page.locator(f"#mark-{first}")).to_have_value("48")

    page.goto(site.school("demo", "/results/integrity/"))
    expect(page.locator("[data-testid=chain-state]")).to_have_attribute("data-state", "intact")
    screenshot(page, "marks-integrity")
    assert page.js_errors == []


def test_the_grid_fits_a_phone(phone_page, site, in_database):
    grid = marks_grid_for_the_demo_teacher(in_database)
    sign_in(phone_page, site.school("demo", "/"), *TEACHER)
    phone_page.goto(site.school("demo", grid["path"]))
    cell = phone_page.locator(f"#mark-{grid['students'][0]}")
    cell.fill("7x")
    expect(phone_page.locator(f"#status-{grid['students'][0]}")).to_contain_text("Enter a mark from 0 to 100")
    overflow = phone_page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    screenshot(phone_page, "marks-grid-phone")
    assert overflow <= 0
