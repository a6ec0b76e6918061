"""The users page in a real browser: invite over HTMX (inline errors, then the list reloads), search
as you type, change a role from the row, deactivate and reactivate. (The last admin's refusal is in
tests/accounts: other browser tests add school admins to the demo school.)"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_ADMIN, screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-admin-password"


def new_school_admin_with_authenticator(in_database) -> tuple[str, str]:
    """A school admin of the demo school of this test's own (the demo admin's codes are used up
    by other browser tests), with a confirmed authenticator: (email, base32 secret)."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    from apps.accounts.services import user_create

    email = f"head-{uuid.uuid4().hex[:8]}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="school_admin", first_name="Zawadi")
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            return base64.b32encode(bytes.fromhex(device.key)).decode()

    return email, in_database(create)


def test_school_admin_invites_changes_a_role_deactivates_and_reactivates(page, site, in_database):
    email, secret = new_school_admin_with_authenticator(in_database)
    sign_in(page, site.school("demo", "/"), email, PASSWORD, totp_secret=secret)
    expect(page).to_have_url(site.school("demo", "/dashboard/"))
    page.locator("[data-nav=users]").click()
    expect(page).to_have_url(site.school("demo", "/settings/users/"))

    # a duplicate email comes back inline, without leaving the page
    page.get_by_role("button", name="Invite someone").click()
    form = page.locator("#invite-form")
    form.get_by_label("Email").fill(DEMO_ADMIN[0])
    form.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#invite-form .invalid-feedback")).to_contain_text("already exists")

    invitee = f"neema-{uuid.uuid4().hex[:8]}@demo.school"
    form = page.locator("#invite-form")
    form.get_by_label("Email").fill(invitee)
    form.get_by_label("First name").fill("Neema")
    form.get_by_label("Role").select_option("accountant")
    form.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Invitation sent to {invitee}")

    # search as you type narrows the table to the new person, shown as invited
    page.get_by_placeholder("Name or email").fill(invitee.split("@")[0])
    row = page.locator("#user-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(invitee)
    expect(row).to_have_attribute("data-status", "invited")

    # the role changes from the row's own select
    with page.expect_response(re.compile(r"/settings/users/\d+/role/$")) as answer:
        row.get_by_label("Role").select_option("teacher")
    assert answer.value.status == 200
    expect(page.locator("#user-table tbody tr select")).to_have_value("teacher")
    page.reload()
    expect(page.locator("#user-table tbody tr select")).to_have_value("teacher")

    # deactivate (after the browser's confirmation) and reactivate, row by row
    row = page.locator("#user-table tbody tr")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Deactivate").click()
    expect(row).to_have_attribute("data-status", "deactivated")
    row.get_by_role("button", name="Reactivate").click()
    expect(row).to_have_attribute("data-status", "invited")
    assert page.js_errors == []
    screenshot(page, "users")
