"""Term results in a real browser: a school admin of the demo school opens a stream's results (a ranked
table and the grade chart), then publishes the term and sees it published with its marks locked."""

import base64
import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-admin-password"


def admin_and_term(in_database) -> dict:
    """A school admin of this test's own and, in a year of its own, a draft term with two assessments
    (30 % and 70 %) and the marks of a new stream of six students in eight subjects."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    from apps.academics.models import AcademicYear, SchoolClass, Stream, Student, Subject, Term
    from apps.accounts.services import user_create
    from apps.results.models import Assessment, Mark

    tag = uuid.uuid4().hex[:6]
    email = f"results-{tag}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="school_admin", first_name="Zawadi",
                               last_name="Lyimo")
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            year = AcademicYear.objects.create(name=f"R2E {tag}", starts_on="2024-01-15", ends_on="2024-12-06")
            term = Term.objects.create(year=year, number=1, name="Term 1", starts_on="2024-01-15",
                                       ends_on="2024-06-07")
            level = (SchoolClass.objects.order_by("-level").values_list("level", flat=True).first() or 0) + 1
            school_class = SchoolClass.objects.create(name=f"Form R{tag}", level=level)
            stream = Stream.objects.create(school_class=school_class, name="A")
            subjects = list(Subject.objects.order_by("order", "code")[:8])
            ca = Assessment.objects.create(term=term, name="Continuous assessment", kind="continuous",
                                           weight=Decimal("30"), max_mark=Decimal("50"), order=1)
            exam = Assessment.objects.create(term=term, name="Terminal exam", weight=Decimal("70"), order=2)
            names = [("Neema", "Massawe", "F"), ("Baraka", "Urio", "M"), ("Upendo", "Mrema", "F"),
                     ("Idd", "Salum", "M"), ("Faraja", "Temba", "F"), ("Hamisi", "Ally", "M")]
            marks = []
            for n, (first, last, sex) in enumerate(names):
                student = Student.objects.create(admission_number=f"R2E/{tag}/{n}", first_name=first,
                                                 last_name=last, sex=sex, stream=stream)
                for k, subject in enumerate(subjects):
                    marks.append(Mark(assessment=ca, student=student, subject=subject,
                                      score=Decimal((20 + n * 5 + k * 3) % 51)))
                    marks.append(Mark(assessment=exam, student=student, subject=subject,
                                      score=Decimal((35 + n * 11 + k * 7) % 101)))
            Mark.objects.bulk_create(marks)
            return {"secret": base64.b32encode(bytes.fromhex(device.key)).decode(), "term": term.pk,
                    "stream": stream.pk, "stream_name": stream.full_name}

    return {"email": email, **in_database(create)}


def test_admin_opens_a_stream_sees_the_chart_and_publishes(page, site, in_database):
    made = admin_and_term(in_database)
    sign_in(page, site.school("demo", "/"), made["email"], PASSWORD, totp_secret=made["secret"])

    page.goto(site.school("demo", f"/results/?term={made['term']}"))
    expect(page.get_by_test_id("term-status")).to_have_text("Draft")
    page.get_by_role("button", name="Recompute now").click()
    expect(page.get_by_text("Results computed for 6 students.")).to_be_visible()
    page.get_by_role("link", name=made["stream_name"], exact=True).first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(made["stream_name"])
    table = page.get_by_test_id("results-table")
    expect(table.locator("tbody tr")).to_have_count(6)
    expect(page.get_by_test_id("subject-performance").locator("tbody tr")).to_have_count(8)
    # the chart drew: Chart.js sized the canvas and painted something other than blank
    page.wait_for_function("() => { const c = document.getElementById('grade-chart'); return c && c.width > 0 && "
                           "Chart.getChart(c) !== undefined; }")
    assert page.js_errors == []
    screenshot(page, "results-stream")

    page.goto(site.school("demo", f"/results/?term={made['term']}"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("term-status")).to_have_text("Published")
    expect(page.get_by_text(re.compile(r"published: 6 students' results; marks are now locked"))).to_be_visible()
    screenshot(page, "results-published")

    def published():
        from django_tenants.utils import schema_context

        from apps.academics.models import Term
        from apps.results.models import TermResult

        with schema_context("demo"):
            term = Term.objects.get(pk=made["term"])
            return term.is_published, TermResult.objects.filter(term=term).count()

    assert in_database(published) == (True, 6)


def test_admin_sees_weights_and_tries_marks_against_a_scheme(page, site, in_database):
    made = admin_and_term(in_database)
    sign_in(page, site.school("demo", "/"), made["email"], PASSWORD, totp_secret=made["secret"])

    page.goto(site.school("demo", f"/results/assessments/?term={made['term']}"))
    expect(page.get_by_test_id("weight-total")).to_have_text("Total: 100%")
    screenshot(page, "results-assessments")

    page.goto(site.school("demo", "/results/grading/"))
    page.get_by_label("Scheme").select_option(label="NECTA ACSEE (Form 6)")
    page.get_by_label(re.compile("^Marks")).fill("PHY 81, CHEM 69.5, MATH 35, GS 90")
    page.get_by_label(re.compile("^Principal subjects")).fill("PHY, CHEM, MATH")
    page.get_by_role("button", name="Evaluate").click()
    expect(page.get_by_test_id("eval-division")).to_have_text("II")
    expect(page.get_by_test_id("eval-points")).to_have_text("10")
    assert page.js_errors == []
    screenshot(page, "results-grading-what-if")
