"""Break-glass in a real browser: the owner states a reason, enters a school as one of its people,
sees the red banner on every page, and ends the session; the school's admins see it afterwards."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_ADMIN, OWNER, screenshot, sign_in

pytestmark = pytest.mark.e2e

REASON = "The bursar cannot open the fee import; checking it with her on the phone"


def test_owner_breaks_glass_sees_the_banner_and_ends_it(page, new_page, site, in_database):
    from apps.breakglass.models import BreakGlassSession

    sign_in(page, site.platform("/login/"), *OWNER)
    page.goto(site.platform("/super-admin/schools/demo/"))
    page.get_by_test_id("break-glass").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Break glass")
    bursar = page.locator("#id_acting_as option", has_text="bursar@demo.school").get_attribute("value")
    page.get_by_label("Act as").select_option(value=bursar)
    page.get_by_label("Reason").fill(REASON)
    page.get_by_label("Minutes").fill("20")
    screenshot(page, "break-glass-start")
    page.get_by_role("button", name=re.compile("start and enter", re.I)).click()

    # into the school, as the bursar, with the banner on every page
    page.wait_for_url(re.compile(r"http://demo\.localhost:\d+/dashboard/"))
    banner = page.get_by_test_id("break-glass-banner")
    expect(banner).to_contain_text(OWNER[0])
    expect(banner).to_contain_text("bursar@demo.school")
    expect(banner).to_contain_text(REASON)
    screenshot(page, "break-glass-banner")
    page.goto(site.school("demo", "/jobs/"))
    expect(page.get_by_test_id("break-glass-banner")).to_be_visible()
    session = in_database(lambda: BreakGlassSession.objects.filter(reason=REASON).values(
        "acting_as_email", "entered_at", "ended_at").get())
    assert session["acting_as_email"] == "bursar@demo.school" and session["entered_at"] and not session["ended_at"]

    # ending it signs the owner out of the school
    page.get_by_test_id("break-glass-banner").get_by_role("button", name="End now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("has ended")
    page.goto(site.school("demo", "/dashboard/"))
    expect(page).to_have_url(re.compile(r"/login/"))
    assert in_database(lambda: BreakGlassSession.objects.get(reason=REASON).end_reason) == "ended"

    # the school's admin sees the visit on the audit page, with the events it left
    admin = new_page()
    sign_in(admin, site.school("demo", "/login/"), *DEMO_ADMIN)
    admin.goto(site.school("demo", "/settings/audit/"))
    expect(admin.get_by_test_id("break-glass-sessions")).to_contain_text(REASON)
    expect(admin.locator("#audit-results")).to_contain_text("break_glass.ended")
    expect(admin.locator("#audit-results")).to_contain_text(f"platform owner {OWNER[0]}")
    screenshot(admin, "break-glass-seen-by-school-admin")
