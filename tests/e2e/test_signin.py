"""Two-factor sign-in in a real browser: a school admin with no device enrols an authenticator
(QR code and secret), keeps the backup codes, and signs in again with a code."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in, totp_code

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-admin-password"


@pytest.fixture
def new_person(in_database):
    """new_person(role) -> the email of a new user of the demo school (password PASSWORD), removed
    after the test so the demo school's people are as the other browser tests expect them."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from apps.accounts.services import user_create

    made = []

    def make(role: str) -> str:
        email = f"head-{uuid.uuid4().hex[:8]}@demo.school"

        def create():
            with schema_context("demo"):
                user_create(email=email, password=PASSWORD, role=role, first_name="Rehema", last_name="Ali")

        in_database(create)
        made.append(email)
        return email

    yield make

    def remove():
        with schema_context("demo"):
            get_user_model().objects.filter(email__in=made).delete()

    in_database(remove)


def test_school_admin_enrols_totp_then_signs_in_with_a_code(page, site, new_person):
    email = new_person("school_admin")

    sign_in(page, site.school("demo", "/"), email, PASSWORD)

    # no device yet: every console page sends her to the set-up page first
    expect(page).to_have_url(re.compile(re.escape(site.school("demo", "/account/two-factor/setup/"))))
    expect(page.get_by_test_id("otp-qr").locator("svg")).to_be_visible()
    secret = page.get_by_test_id("otp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret)
    assert page.js_errors == []
    screenshot(page, "otp-setup")
    page.goto(site.school("demo", "/jobs/"))
    expect(page).to_have_url(re.compile(re.escape(site.school("demo", "/account/two-factor/setup/"))))

    page.get_by_label("Authentication code").fill(totp_code(secret, email))
    page.get_by_role("button", name="Confirm").click()

    codes = page.get_by_test_id("backup-codes").locator("li")
    expect(codes).to_have_count(10)
    screenshot(page, "otp-backup-codes")
    page.get_by_role("link", name="Continue").click()
    expect(page).to_have_url(site.school("demo", "/jobs/"))

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(site.school("demo", "/login/"))

    # the next sign-in asks for a code from the app
    sign_in(page, site.school("demo", "/"), email, PASSWORD, totp_secret=secret)
    expect(page).to_have_url(site.school("demo", "/dashboard/"))
    expect(page.get_by_test_id("school-name")).to_have_text("Demo Secondary School")


def test_the_code_prompt_refuses_a_wrong_code(page, site, in_database, new_person):
    # a user of its own: a wrong code holds a device back for a while (django-otp's throttling),
    # which would get in the way of the demo admin's sign-ins in the tests that follow
    email = new_person("accountant")

    def give_device():
        from django.contrib.auth import get_user_model
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_tenants.utils import schema_context

        with schema_context("demo"):
            TOTPDevice.objects.create(user=get_user_model().objects.get(email=email), name="phone", confirmed=True)

    in_database(give_device)
    page.goto(site.school("demo", "/"))
    page.get_by_label(re.compile("email or username", re.I)).fill(email)
    page.get_by_label(re.compile("^password$", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    expect(page).to_have_url(re.compile(re.escape(site.school("demo", "/account/two-factor/verify/"))))
    screenshot(page, "otp-verify")

    page.get_by_label("Authentication code").fill("000000")
    page.get_by_role("button", name="Verify").click()

    expect(page.locator(".invalid-feedback")).to_contain_text("not right")
    page.goto(site.school("demo", "/dashboard/"))
    expect(page).to_have_url(re.compile(re.escape(site.school("demo", "/account/two-factor/verify/"))))
