"""The users page in a real browser: invite over HTMX (inline errors, then the list reloads), change
a role from the row, the last admin's refusal, search as you type."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_ADMIN, screenshot, sign_in

pytestmark = pytest.mark.e2e


def test_school_admin_invites_changes_a_role_and_cannot_remove_the_last_admin(page, site):
    sign_in(page, site.school("demo", "/"), *DEMO_ADMIN)
    page.locator("[data-nav=users]").click()
    expect(page).to_have_url(site.school("demo", "/settings/users/"))

    # a duplicate email comes back inline, without leaving the page
    page.get_by_role("button", name="Invite someone").click()
    form = page.locator("#invite-form")
    form.get_by_label("Email").fill(DEMO_ADMIN[0])
    form.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#invite-form .invalid-feedback")).to_contain_text("already exists")

    email = f"neema-{uuid.uuid4().hex[:8]}@demo.school"
    form = page.locator("#invite-form")
    form.get_by_label("Email").fill(email)
    form.get_by_label("First name").fill("Neema")
    form.get_by_label("Role").select_option("accountant")
    form.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Invitation sent to {email}")

    # search as you type narrows the table to the new person, shown as invited
    page.get_by_placeholder("Name or email").fill(email.split("@")[0])
    row = page.locator("#user-table tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(email)
    expect(row).to_have_attribute("data-status", "invited")

    # the role changes from the row's own select
    with page.expect_response(re.compile(r"/settings/users/\d+/role/$")) as answer:
        row.get_by_label("Role").select_option("teacher")
    assert answer.value.status == 200
    expect(page.locator("#user-table tbody tr select")).to_have_value("teacher")
    page.reload()
    expect(page.locator("#user-table tbody tr select")).to_have_value("teacher")

    # the only school admin cannot deactivate themselves: the row says why
    page.get_by_placeholder("Name or email").fill(DEMO_ADMIN[0])
    expect(page.locator("#user-table tbody tr")).to_have_count(1)
    expect(page.locator("#user-table tbody tr")).to_contain_text(DEMO_ADMIN[0])
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#user-table tbody tr").get_by_role("button", name="Deactivate").click()
    expect(page.get_by_test_id("row-error")).to_contain_text(re.compile("last active school admin"))
    assert page.js_errors == []
    screenshot(page, "users")
