"""The school's people in a real browser: a school admin of the demo school admits a student, adds her
mother as a guardian from her page, finds her on the students list and opens her page again; the
structure page and the list on a phone. (Rules and refusals are tested in tests/academics.)"""

import random
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-admin-password"


def school_admin_and_stream(in_database) -> tuple[str, str, str]:
    """A school admin of the demo school of this test's own (with a confirmed authenticator) and a
    stream to admit into: (email, TOTP secret, the stream's name)."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    from apps.academics.models import SchoolClass, Stream
    from apps.accounts.services import user_create

    email = f"secretary-{uuid.uuid4().hex[:8]}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="school_admin", first_name="Zuhura",
                               last_name="Salim")
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            stream = Stream.objects.select_related("school_class").order_by("school_class__level", "name").first()
            if stream is None:
                level = (SchoolClass.objects.order_by("-level").values_list("level", flat=True).first() or 0) + 1
                school_class = SchoolClass.objects.create(name=f"Form {level}", level=level)
                stream = Stream.objects.create(school_class=school_class, name="A")
            return base64.b32encode(bytes.fromhex(device.key)).decode(), stream.full_name

    return (email, *in_database(create))


def test_admin_admits_a_student_with_a_guardian(page, site, in_database, new_page):
    email, secret, stream = school_admin_and_stream(in_database)
    surname = f"Mwakalinga{uuid.uuid4().hex[:4]}"
    phone = f"07{random.randint(10_000_000, 99_999_999)}"

    sign_in(page, site.school("demo", "/"), email, PASSWORD, totp_secret=secret)
    page.goto(site.school("demo", "/school/students/new/"))
    expect(page.get_by_role("heading", name="Admit a student")).to_be_visible()
    page.get_by_label(re.compile("^First name")).fill("Neema")
    page.get_by_label(re.compile("^Last name")).fill(surname)
    page.get_by_label(re.compile("^Sex")).select_option("F")
    page.get_by_label(re.compile("^Stream")).select_option(label=stream)
    page.get_by_label(re.compile("^Date of birth")).fill("2012-04-09")
    page.get_by_label(re.compile("^Medical notes")).fill("Allergic to penicillin")
    screenshot(page, "academics-student-admit")
    with page.expect_navigation():
        page.get_by_role("button", name="Admit", exact=True).click()

    # her page: admitted, in her stream, no guardian yet
    expect(page.get_by_test_id("student-name")).to_have_text(f"Neema {surname}")
    expect(page.get_by_text(stream, exact=False).first).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text("Admitted")
    student_url = page.url

    page.get_by_test_id("add-guardian").click()
    expect(page.get_by_role("heading", name=re.compile("New guardian of Neema"))).to_be_visible()
    page.get_by_label(re.compile("^First name")).fill("Mwanahawa")
    page.get_by_label(re.compile("^Last name")).fill(surname)
    page.get_by_label(re.compile("^Phone")).fill(phone)
    page.get_by_label(re.compile("^Relationship")).select_option("mother")
    with page.expect_navigation():
        page.get_by_role("button", name="Add guardian").click()

    expect(page).to_have_url(student_url)
    guardians = page.locator("#guardians")
    expect(guardians).to_contain_text(f"Mwanahawa {surname}")
    expect(guardians).to_contain_text("Mother")
    expect(guardians).to_contain_text("Primary contact")
    expect(guardians).to_contain_text("+255" + phone[1:])
    screenshot(page, "academics-student-detail")

    # the list finds her by name (the table refreshes as one types)
    page.goto(site.school("demo", "/school/students/"))
    page.get_by_placeholder("Name or admission number").fill(surname)
    row = page.locator("#student-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"Neema {surname}")
    expect(row).to_contain_text(stream)
    screenshot(page, "academics-student-list")
    with page.expect_navigation():
        row.get_by_role("link", name=f"Neema {surname}").click()
    expect(page.get_by_test_id("student-name")).to_have_text(f"Neema {surname}")

    def saved():
        from django_tenants.utils import schema_context

        from apps.academics.models import Student

        with schema_context("demo"):
            student = Student.objects.get(last_name=surname)
            link = student.guardian_links.select_related("guardian__user").get()
            return (student.status, student.medical_notes, link.guardian.phone, link.is_primary,
                    link.guardian.user.role, link.guardian.user.has_usable_password())

    assert in_database(saved) == ("active", "Allergic to penicillin", "+255" + phone[1:], True, "parent", False)

    # the mother's page: her child, and the parent-portal invitation waiting for an email address
    page.locator("#guardians").get_by_role("link", name=f"Mwanahawa {surname}").click()
    expect(page.get_by_test_id("guardian-name")).to_have_text(f"Mwanahawa {surname}")
    expect(page.get_by_text(f"Neema {surname}")).to_be_visible()
    expect(page.get_by_role("button", name="Invite to the parent portal")).to_be_disabled()
    screenshot(page, "academics-guardian-detail")

    page.goto(site.school("demo", "/school/"))
    expect(page.get_by_role("heading", name="Classes and subjects", exact=True)).to_be_visible()
    # a room added inline: its section answers, and the streams' room choices reload with it
    room = f"Lab {surname[-4:]}"
    rooms = page.locator("#rooms")
    rooms.get_by_label(re.compile("^Room")).fill(room)
    rooms.get_by_role("button", name="Add room").click()
    expect(page.locator("#rooms")).to_contain_text(room)
    expect(page.locator("#classes select[name$='-room']").first.locator("option", has_text=room)).to_have_count(1)
    page.locator("#rooms").get_by_role("button", name="Add room").click()
    expect(page.locator("#rooms")).to_contain_text("This field is required.")
    screenshot(page, "academics-structure")
    page.goto(site.school("demo", "/school/profile/"))
    page.get_by_label("Admission number pattern").fill("ADM/{year}/{seq:05d}")
    expect(page.get_by_test_id("pattern-example")).to_contain_text("ADM/")
    screenshot(page, "academics-profile")
    assert page.js_errors == []

    # the list on a phone, in the same session
    phone_view = new_page({"width": 390, "height": 844})
    phone_view.context.add_cookies(page.context.cookies())
    phone_view.goto(site.school("demo", f"/school/students/?q={surname}"))
    expect(phone_view.locator("#student-table tbody tr")).to_have_count(1)
    screenshot(phone_view, "academics-student-list")
    phone_view.goto(student_url)
    screenshot(phone_view, "academics-student-detail")
    phone_view.goto(site.school("demo", "/school/"))
    screenshot(phone_view, "academics-structure")
