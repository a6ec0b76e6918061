"""The consoles in a real browser: signing in, languages (Arabic right-to-left), creating a school
through the background job, and sessions that stay in their own school."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from apps.platform.models import Tenant
from tests.e2e.conftest import DEMO_ADMIN, DESKTOP, OWNER, PHONE, screenshot, sign_in, wait_for_animations

pytestmark = pytest.mark.e2e

DEMO_NAME = "Demo Secondary School"


def choose_language(page, code: str) -> None:
    with page.expect_navigation():
        page.locator("#language-select").select_option(code)
    page.wait_for_load_state()


def bootstrap_in_use(page) -> str:
    """The file name of the Bootstrap stylesheet the page actually loaded (with rules in it)."""
    return page.evaluate("""() => {
        const sheets = [...document.styleSheets].filter(s => s.href && s.href.includes('/vendor/bootstrap/'));
        return sheets.filter(s => s.cssRules.length > 0).map(s => s.href.split('/').pop()).join(',');
    }""")


def test_school_admin_signs_in_and_sees_dashboard_and_sidebar(page, site):
    sign_in(page, site.school("demo", "/"), *DEMO_ADMIN)

    expect(page).to_have_url(site.school("demo", "/dashboard/"))
    expect(page.get_by_test_id("school-name")).to_have_text(DEMO_NAME)
    expect(page.locator(".navbar-brand")).to_contain_text(DEMO_NAME)
    expect(page).to_have_title(re.compile(DEMO_NAME))
    sidebar = page.locator("#sidebar")
    expect(sidebar).to_be_visible()
    # a school admin's entries, in order; the platform's never appear on a school's host
    expect(sidebar.locator("[data-nav=dashboard]")).to_be_visible()
    assert sidebar.locator("[data-nav]").evaluate_all("els => els.map(e => e.dataset.nav)") == [
        "dashboard", "students", "guardians", "school-structure", "attendance", "attendance-report", "assessments",
        "results", "report-cards", "marks-review", "grading", "finance-dashboard", "finance-invoices",
        "finance-payments", "finance-statements", "finance-reconciliation", "finance-credit-notes", "finance-setup",
        "ledger-reports", "ledger-journal", "ledger-expenses", "ledger-suppliers", "ledger-accounts", "ledger-periods",
        "notices", "jobs", "users", "audit"]
    expect(sidebar.locator("[data-nav=dashboard]")).to_have_attribute("aria-current", "page")
    # the users chart was drawn (Chart.js loaded from our static files)
    expect(page.locator("#users-by-role")).to_have_attribute("style", re.compile("width"))
    assert page.js_errors == []
    screenshot(page, "dashboard")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(site.school("demo", "/login/"))


def test_phone_sidebar_opens_from_the_menu_button(phone_page, site):
    page = phone_page
    sign_in(page, site.school("demo", "/"), *DEMO_ADMIN)
    expect(page.get_by_test_id("school-name")).to_have_text(DEMO_NAME)
    sidebar = page.locator("#sidebar")
    expect(sidebar).to_be_hidden()
    # the top bar stays one row: menu button, school name (cut short if need be), language, user
    toggler = page.get_by_role("button", name="Menu").bounding_box()
    brand = page.locator(".navbar-brand").bounding_box()
    user_menu = page.get_by_test_id("user-menu").bounding_box()
    assert page.locator("nav.navbar").bounding_box()["height"] < 70
    assert abs(toggler["y"] + toggler["height"] / 2 - (brand["y"] + brand["height"] / 2)) < 8
    assert user_menu["x"] + user_menu["width"] <= PHONE["width"]
    screenshot(page, "dashboard")

    page.get_by_role("button", name="Menu").click()
    expect(sidebar).to_have_class(re.compile(r"\bshow\b"))
    wait_for_animations(page)
    expect(sidebar.locator("[data-nav=dashboard]")).to_be_in_viewport()
    # the list is longer than a phone's screen: it scrolls within the open sidebar
    sidebar.locator("[data-nav=jobs]").scroll_into_view_if_needed()
    expect(sidebar.locator("[data-nav=jobs]")).to_be_in_viewport()
    screenshot(page, "dashboard-menu-open")
    sidebar.locator("[data-nav=jobs]").click()
    expect(page).to_have_url(site.school("demo", "/jobs/"))
    assert page.js_errors == []


def test_language_switch_to_arabic_is_right_to_left_then_kiswahili(page, site):
    sign_in(page, site.school("demo", "/"), *DEMO_ADMIN)
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "ltr")
    assert bootstrap_in_use(page) == "bootstrap.min.css"

    choose_language(page, "ar")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    assert bootstrap_in_use(page) == "bootstrap.rtl.min.css"
    expect(page.locator("#language-select")).to_have_value("ar")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Dashboard")
    # still the dashboard, and the sidebar sits on the right-hand side
    expect(page).to_have_url(site.school("demo", "/dashboard/"))
    expect(page.get_by_test_id("school-name")).to_have_text(DEMO_NAME)
    sidebar_box = page.locator(".sidebar-column").bounding_box()
    main_box = page.locator("main").bounding_box()
    assert sidebar_box["x"] > main_box["x"]
    screenshot(page, "dashboard-ar")
    page.set_viewport_size(PHONE)
    screenshot(page, "dashboard-ar")
    page.set_viewport_size(DESKTOP)

    choose_language(page, "sw")
    expect(html).to_have_attribute("lang", "sw")
    expect(html).to_have_attribute("dir", "ltr")
    assert bootstrap_in_use(page) == "bootstrap.min.css"
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Dashboard")
    assert page.locator(".sidebar-column").bounding_box()["x"] < page.locator("main").bounding_box()["x"]
    assert page.js_errors == []


def test_platform_owner_creates_a_school_and_watches_the_job(page, new_page, site, worker, in_database):
    slug = f"e2e-{uuid.uuid4().hex[:8]}"
    name = f"Mlimani School {slug[-4:]}"
    sign_in(page, site.platform("/login/"), *OWNER)
    page.goto(site.platform("/super-admin/schools/new/"))
    expect(page.get_by_role("heading", name="New school")).to_be_visible()

    page.get_by_label("School name").fill(name)
    page.get_by_label("Web address").fill(slug)
    page.get_by_label("School admin's email").fill(f"head@{slug}.school")
    page.get_by_label("School admin's first password").fill("a-long-first-password")
    page.get_by_role("button", name="Create school").click()

    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    # the worker runs the job; the page polls over HTMX until it is done
    expect(page.get_by_test_id("job-status")).to_have_text("Succeeded", timeout=60_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    result = page.get_by_test_id("job-result")
    expect(result).to_contain_text(f"{name} is ready")
    link = result.get_by_role("link")
    expect(link).to_have_attribute("href", f"//{slug}.localhost:{site.port}/")
    assert page.js_errors == []
    screenshot(page, "job-succeeded")
    page.set_viewport_size(PHONE)
    screenshot(page, "job-succeeded")

    school_page = new_page()
    school_page.goto(site.school(slug, "/"))
    expect(school_page).to_have_url(site.school(slug, "/login/"))
    expect(school_page.get_by_role("heading", level=1)).to_have_text(name)

    school = in_database(lambda: Tenant.objects.get(slug=slug))
    assert school.ready and school.name == name


@pytest.mark.parametrize("bad_slug, message", [
    ("admin", "is reserved"),
    ("Hilltop", "has capital letters"),
])
def test_platform_owner_is_refused_a_reserved_or_upper_case_slug(page, site, in_database, bad_slug, message):
    name = f"Refused {uuid.uuid4().hex[:8]}"
    sign_in(page, site.platform("/login/"), *OWNER)
    page.goto(site.platform("/super-admin/schools/new/"))
    page.get_by_label("School name").fill(name)
    page.get_by_label("Web address").fill(bad_slug)
    page.get_by_label("School admin's email").fill("head@refused.school")
    page.get_by_label("School admin's first password").fill("a-long-first-password")
    page.get_by_role("button", name="Create school").click()
    page.wait_for_load_state()

    expect(page).to_have_url(site.platform("/super-admin/schools/new/"))
    slug_input = page.get_by_label("Web address")
    expect(slug_input).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(slug_input).to_have_value(bad_slug)
    expect(page.locator(".invalid-feedback")).to_contain_text(message)
    expect(page.locator(".invalid-feedback")).to_be_visible()
    # what was typed is kept, except the password
    expect(page.get_by_label("School name")).to_have_value(name)
    expect(page.get_by_label("School admin's first password")).to_have_value("")
    screenshot(page, f"school-create-refused-{bad_slug}")

    assert not in_database(lambda: Tenant.objects.filter(name=name).exists())
    assert not in_database(lambda: Tenant.objects.filter(slug__iexact=bad_slug).exists())


def test_a_session_from_one_school_is_not_valid_on_another(page, site):
    sign_in(page, site.school("demo", "/"), *DEMO_ADMIN)
    expect(page.get_by_test_id("school-name")).to_have_text(DEMO_NAME)

    page.goto(site.school("kilima", "/dashboard/"))
    expect(page).to_have_url(re.compile(re.escape(site.school("kilima", "/login/"))))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kilima Academy")

    # even if the browser sends demo's session cookie to kilima (a cookie on a parent domain
    # would), kilima does not know that session
    session = next(c for c in page.context.cookies(site.school("demo")) if c["name"] == "sessionid")
    page.context.add_cookies([{"name": "sessionid", "value": session["value"],
                               "domain": "kilima.localhost", "path": "/"}])
    page.goto(site.school("kilima", "/dashboard/"))
    expect(page).to_have_url(re.compile(re.escape(site.school("kilima", "/login/"))))
    expect(page.get_by_label("Email or username")).to_be_visible()

    # and demo's session is still good on demo
    page.goto(site.school("demo", "/dashboard/"))
    expect(page.get_by_test_id("school-name")).to_have_text(DEMO_NAME)


def test_sidebar_marks_one_entry_as_the_current_page(page, site):
    sign_in(page, site.platform("/login/"), *OWNER)
    page.goto(site.platform("/super-admin/schools/new/"))
    current = page.locator("#sidebar [aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("data-nav", "schools")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_screens_for_review(new_page, site, viewport):
    """Screenshots of the main screens at desktop and phone width, for a person to look at
    (test-artifacts/screenshots/); the job pages are those of the school created above."""
    page = new_page(DESKTOP if viewport == "desktop" else PHONE)
    page.goto(site.platform("/"))
    screenshot(page, "platform-public")
    # nobody signed in: no menu to open, and no empty sidebar beside the page
    expect(page.locator("#sidebar")).to_have_count(0)
    expect(page.get_by_role("button", name="Menu")).to_have_count(0)
    page.goto(site.school("demo", "/login/"))
    screenshot(page, "login")
    page.goto(site.school("demo", "/no-such-page/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    screenshot(page, "error-404")

    sign_in(page, site.platform("/login/"), *OWNER)
    screenshot(page, "platform-overview")
    page.goto(site.platform("/super-admin/schools/new/"))
    expect(page.locator(".input-group-text")).to_have_text(f".localhost:{site.port}")
    screenshot(page, "school-create")
    page.goto(site.platform("/super-admin/schools/"))
    screenshot(page, "school-list")
    page.goto(site.platform("/super-admin/schools/demo/"))
    screenshot(page, "school-detail")
    page.goto(site.platform("/super-admin/schools/demo/limits/"))
    screenshot(page, "school-limits-form")
    page.goto(site.platform("/jobs/"))
    screenshot(page, "job-list")
    job_link = page.locator("table a").first
    if job_link.count():
        job_link.click()
        expect(page.get_by_test_id("job-status")).to_be_visible()
        screenshot(page, "job-detail")
    choose_language(page, "ar")
    screenshot(page, "job-ar")
    page.goto(site.platform("/super-admin/schools/new/"))
    screenshot(page, "school-create-ar")
    page.goto(site.platform("/super-admin/"))
    screenshot(page, "platform-overview-ar")
    page.goto(site.platform("/super-admin/schools/demo/"))
    screenshot(page, "school-detail-ar")
    assert page.js_errors == []


def test_owner_suspends_a_school_sees_it_closed_then_resumes_it(page, new_page, site, worker, in_database):
    sign_in(page, site.platform("/login/"), *OWNER)
    school_page = new_page()
    try:
        # the figures: counted by the worker in a job, then drawn on the overview
        page.get_by_test_id("refresh-analytics").click()
        expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))
        expect(page.get_by_test_id("job-status")).to_have_text("Succeeded", timeout=60_000)
        page.goto(site.platform("/super-admin/"))
        expect(page.locator("#users-over-time")).to_have_attribute("style", re.compile("width"))
        assert int(page.get_by_test_id("users-total").inner_text()) >= 2
        screenshot(page, "platform-overview-figures")

        page.goto(site.platform("/super-admin/schools/?q=kilima"))
        page.get_by_role("link", name="Kilima Academy").click()
        page.get_by_label("Reason").fill("Browser test: invoice unpaid")
        page.get_by_test_id("suspend").click()
        expect(page.get_by_test_id("suspended-alert")).to_contain_text("invoice unpaid")
        expect(page.get_by_test_id("school-status")).to_have_text("Suspended")
        screenshot(page, "school-detail-suspended")

        response = school_page.goto(site.school("kilima", "/login/"))
        assert response.status == 403
        expect(school_page.get_by_role("heading", level=1)).to_have_text("This school's account is suspended")
        expect(school_page.locator("body")).to_have_css("background-color", re.compile(r"rgb\((?!0, 0, 0)"))
        screenshot(school_page, "school-suspended")

        page.get_by_test_id("resume").click()
        expect(page.get_by_test_id("school-status")).to_have_text("Active")
        response = school_page.goto(site.school("kilima", "/login/"))
        assert response.status == 200
        expect(school_page.get_by_role("heading", level=1)).to_have_text("Kilima Academy")
        assert page.js_errors == [] and school_page.js_errors == []
    finally:  # the tests after this one need kilima open
        in_database(lambda: Tenant.objects.filter(slug="kilima").update(
            status=Tenant.Status.ACTIVE, suspended_at=None, suspension_reason=""))


def test_owner_switches_a_module_off_with_the_limits_form(page, site, in_database):
    sign_in(page, site.platform("/login/"), *OWNER)
    page.goto(site.platform("/super-admin/schools/demo/limits/"))
    try:
        page.get_by_label("Students").fill("-3")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#id_limit_students-error")).to_be_visible()
        expect(page.get_by_label("Students")).to_have_class(re.compile(r"\bis-invalid\b"))
        screenshot(page, "school-limits-invalid")

        page.get_by_label("Students").fill("800")
        page.get_by_label("Learning (LMS)").uncheck()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("saved")).to_be_visible()
        expect(page.get_by_label("Learning (LMS)")).not_to_be_checked()
        screenshot(page, "school-limits")
        school = in_database(lambda: Tenant.objects.get(slug="demo"))
        assert (school.limit_students, school.disabled_modules) == (800, ["lms"])
        assert page.js_errors == []
    finally:
        in_database(lambda: Tenant.objects.filter(slug="demo").update(limit_students=None, disabled_modules=[]))
