"""Student import in a real browser: a school admin of the demo school uploads a small CSV with one bad
row, reads the reason in the preview, confirms, and watches the worker's job finish; the students
admitted are listed. (What the rows may contain, and all-or-nothing, are tested in tests/academics.)"""

import random
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-admin-password"
HEADER = ("admission_number,first_name,middle_name,last_name,sex,date_of_birth,stream,"
          "guardian_first_name,guardian_last_name,guardian_phone,guardian_email,relationship")


def school_admin_and_stream(in_database) -> tuple[str, str, str]:
    """A school admin of the demo school of this test's own, with a confirmed authenticator, and a
    stream to admit into (the demo's first, or a Form 1A made for the test): (email, secret, stream)."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    from apps.academics.models import SchoolClass, Stream
    from apps.accounts.services import user_create

    email = f"registrar-{uuid.uuid4().hex[:8]}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="school_admin", first_name="Rehema")
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            stream = Stream.objects.select_related("school_class").order_by("school_class__level", "name").first()
            if stream is None:
                level = (SchoolClass.objects.order_by("-level").values_list("level", flat=True).first() or 0) + 1
                school_class = SchoolClass.objects.create(name=f"Form {level}", level=level)
                stream = Stream.objects.create(school_class=school_class, name="A")
            return base64.b32encode(bytes.fromhex(device.key)).decode(), stream.full_name

    secret, stream = in_database(create)
    return email, secret, stream


def test_admin_imports_students_with_one_bad_row(page, site, worker, in_database):
    email, secret, stream = school_admin_and_stream(in_database)
    tag = uuid.uuid4().hex[:6].upper()
    phone = f"07{random.randint(10_000_000, 99_999_999)}"
    csv = "\n".join([
        HEADER,
        f"E2E/{tag}/1,Amani,,Mollel,F,2011-03-14,{stream},Grace,Mollel,{phone},,mother",
        f"E2E/{tag}/2,Baraka,,Mollel,Me,14/03/2012,{stream},Grace,Mollel,{phone},,mother",
        f"E2E/{tag}/3,Chiku,,Mollel,F,2011-07-01,Form 9Z,,,,,",
    ]) + "\n"

    sign_in(page, site.school("demo", "/"), email, PASSWORD, totp_secret=secret)
    page.goto(site.school("demo", "/school/students/import/"))
    expect(page.get_by_role("heading", name="Import students and guardians")).to_be_visible()
    screenshot(page, "student-import-upload")

    page.get_by_label("CSV or Excel (.xlsx) file").set_input_files(
        {"name": "form-one.csv", "mimeType": "text/csv", "buffer": csv.encode()})
    with page.expect_navigation():
        page.get_by_role("button", name="Upload and check").click()

    # the preview: two rows ready, the bad one with its reason; nothing written yet
    expect(page).to_have_url(re.compile(r"/school/students/import/\d+/$"))
    expect(page.get_by_test_id("import-counts")).to_contain_text("2 rows ready")
    bad = page.get_by_test_id("invalid-table").locator("tr[data-line='4']")
    expect(bad).to_contain_text("There is no stream “Form 9Z” in this school.")
    expect(page.get_by_test_id("valid-table").locator("tbody tr")).to_have_count(2)
    screenshot(page, "student-import-preview")
    page.set_viewport_size(PHONE)
    screenshot(page, "student-import-preview")
    page.set_viewport_size(DESKTOP)

    def admitted():
        from django_tenants.utils import schema_context

        from apps.academics.models import Student

        with schema_context("demo"):
            return sorted(Student.objects.filter(admission_number__startswith=f"E2E/{tag}/")
                          .values_list("admission_number", flat=True))

    assert in_database(admitted) == []

    page.get_by_test_id("confirm-import").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
    expect(page.get_by_test_id("job-status")).to_have_text("Succeeded", timeout=120_000)
    expect(page.get_by_test_id("job-result")).to_contain_text("2 students admitted.")
    screenshot(page, "student-import-job")

    page.get_by_test_id("import-result-link").click()
    expect(page.get_by_test_id("import-done")).to_contain_text("2 students were admitted")
    expect(page.get_by_test_id("created-table").locator("tbody tr")).to_have_count(2)
    screenshot(page, "student-import-result")
    assert in_database(admitted) == [f"E2E/{tag}/1", f"E2E/{tag}/2"]
    assert page.js_errors == []

    # the year-end promotion is one click away on the structure page; only its preview is looked at
    # here, into a next year that exists for this test alone (running it would move the demo school's
    # students under the other browser tests; tests/academics/test_promotion.py runs it)
    year_pk = in_database(next_year)
    try:
        page.goto(site.school("demo", "/school/"))
        page.get_by_test_id("promotion").click()
        expect(page.get_by_role("heading", name="Year-end promotion")).to_be_visible()
        plan = page.get_by_test_id("promotion-plan")
        expect(plan.locator("tbody tr").first).to_be_visible()
        page.locator("details summary").first.click()
        screenshot(page, "promotion-preview")
        assert page.js_errors == []
    finally:
        in_database(lambda: remove_year(year_pk))


def next_year():
    import datetime

    from django_tenants.utils import schema_context

    from apps.academics.models import AcademicYear

    with schema_context("demo"):
        current = AcademicYear.objects.filter(is_current=True).first()
        starts = (current.ends_on if current else datetime.date.today()) + datetime.timedelta(days=30)
        year = AcademicYear.objects.create(name=f"E2E {uuid.uuid4().hex[:6]}", starts_on=starts,
                                           ends_on=starts + datetime.timedelta(days=300))
        return year.pk


def remove_year(pk):
    from django_tenants.utils import schema_context

    from apps.academics.models import AcademicYear

    with schema_context("demo"):
        AcademicYear.objects.filter(pk=pk).delete()
