"""Browser tests: the demo data committed to the test database, a real web server and Celery
worker pointed at it, and Debian's Chromium driven by Playwright (sync API).

Nothing here uses `live_server` or `transactional_db` (their flush would empty the public
schema); the data is committed once per session by `seed_demo`, exactly as `make run` does.
Each test gets a fresh browser context, so cookies and language never leak between tests.
The server, worker and browser live as long as this package's tests: Playwright's sync API
keeps an event loop on the main thread while it runs, and Django refuses database calls from
a thread with a running loop, so it must be gone before the rest of the suite runs.
"""

import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections

from tests.support import ARTIFACTS, celery_worker, web_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

OWNER = ("owner@omnicore.test", "demo-owner-pass")
DEMO_ADMIN = ("admin@demo.school", "demo-admin-pass")


@pytest.fixture(scope="package")
def demo_data(django_db_setup, django_db_blocker):
    """The demo platform owner and schools (demo, kilima) with their people, committed; when
    this package's tests are done, every school, job, user and session they added is removed
    so the tests that run after them find the database as it was."""
    # pytest-django sets up the test database only when a collected test asks for `db` (the
    # page fixtures below do); never seed whatever database the settings name instead
    if not connection.settings_dict["NAME"].startswith("test_"):
        raise pytest.UsageError("browser tests need the test database: use the `page` or `db` fixture")
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        before = _public_rows()
        call_command("seed_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        _remove_rows_added_since(before)


def _public_rows() -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from apps.breakglass.models import BreakGlassSession
    from apps.jobs.models import Job
    from apps.platform.models import Tenant

    # break-glass sessions first: they hold on to their school
    return {model: set(model.objects.values_list("pk", flat=True))
            for model in (BreakGlassSession, Tenant, Job, get_user_model(), Session)}


def _remove_rows_added_since(before: dict) -> None:
    from apps.platform.models import Tenant
    from apps.platform.services import school_remove_unfinished

    for model, pks in before.items():
        added = model.objects.exclude(pk__in=pks)
        if model is Tenant:
            for school in added:  # its schema (with its users and sessions), host names and row
                Tenant.objects.filter(pk=school.pk).update(ready=False)
                school_remove_unfinished(school=school)
        else:
            added.delete()


@pytest.fixture(scope="package")
def server(demo_data):
    """A real Django server on a free port; yields its port."""
    with web_server(name="e2e-web") as (_url, port):
        yield port


@pytest.fixture(scope="package")
def worker(demo_data):
    with celery_worker(name="e2e-worker") as process:
        yield process


class Site:
    """Addresses on the test server: the platform host and each school's host."""

    def __init__(self, port: int):
        self.port = port

    def platform(self, path: str = "/") -> str:
        return f"http://localhost:{self.port}{path}"

    def school(self, slug: str, path: str = "/") -> str:
        return f"http://{slug}.localhost:{self.port}{path}"


@pytest.fixture(scope="package")
def site(server) -> Site:
    return Site(server)


@pytest.fixture(scope="package")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def db(django_db_setup):
    """In browser tests `db` means only "the test database exists" (pytest-django creates it
    for tests that ask for `db`): there is no transaction to roll back, the server commits what
    the browser does, and the test reads it back with `in_database`."""


@pytest.fixture
def in_database(db, django_db_blocker):
    """in_database(query) -> query()'s answer, read from the committed test database.

    Playwright's sync API keeps an event loop on the test's thread, where Django refuses
    database calls; so the query runs on a thread of its own, with its own connection."""

    def run(query):
        try:
            with django_db_blocker.unblock():
                connection.set_schema_to_public()
                return query()
        finally:
            connections.close_all()

    def in_database(query):
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(run, query).result()

    return in_database


def _new_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return context, page


@pytest.fixture
def page(browser, db):
    context, page = _new_page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, db):
    context, page = _new_page(browser, PHONE)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, db):
    """A factory for more pages, each in its own context (its own cookies), closed afterwards."""
    contexts = []

    def make(viewport=DESKTOP):
        context, page = _new_page(browser, viewport)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """A full-page PNG under test-artifacts/screenshots/, named by page and viewport width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # let resize observers (charts) and transitions catch up with the last change
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    wait_for_animations(page)
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_animations(page) -> None:
    """Until CSS transitions (an offcanvas sliding in, a fading alert) have finished."""
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")


def sign_in(page, url: str, email: str, password: str, totp_secret: str | None = None) -> None:
    """Sign in on the login page at `url` (a host's root redirects there when signed out); when the
    code prompt follows, answer it from `totp_secret` (default: the demo's documented secret)."""
    page.goto(url)
    page.get_by_label(re.compile("email or username", re.I)).fill(email)
    page.get_by_label(re.compile("^password$", re.I)).fill(password)
    # the form posts and the browser navigates: wait for that page, not the one still showing
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("sign in", re.I)).click()
    page.wait_for_load_state()
    if "/account/two-factor/verify/" in page.url:
        from apps.platform.management.commands.seed_demo import DEMO_TOTP_SECRETS

        page.get_by_label("Authentication code").fill(totp_code(totp_secret or DEMO_TOTP_SECRETS[email], email))
        with page.expect_navigation():
            page.get_by_role("button", name="Verify").click()
        page.wait_for_load_state()


def authenticator_secret(user) -> str:
    """A confirmed authenticator for `user` (in the current schema); its base32 secret, for sign_in."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return base64.b32encode(bytes.fromhex(device.key)).decode()


def fresh_term_and_stream(*, year_name: str, class_name: str, starts_on, term_ends_on, year_ends_on):
    """A school year with its Term 1, and a class above every other (so that no one else's fees or
    students touch it) with stream A, in the current schema: (term, stream)."""
    from apps.academics.models import AcademicYear, SchoolClass, Stream, Term

    year = AcademicYear.objects.create(name=year_name, starts_on=starts_on, ends_on=year_ends_on)
    term = Term.objects.create(year=year, number=1, name="Term 1", starts_on=starts_on, ends_on=term_ends_on)
    level = (SchoolClass.objects.order_by("-level").values_list("level", flat=True).first() or 0) + 1
    school_class = SchoolClass.objects.create(name=class_name, level=level)
    return term, Stream.objects.create(school_class=school_class, name="A")


_last_step: dict[str, int] = {}


def totp_code(secret: str, who: str) -> str:
    """The authenticator app's code for a base32 `secret`, for a time step `who` has not used yet in
    this run: the server accepts a step once, only later than the last one, and within one step of
    now; so three sign-ins fit in each 30 seconds, and a fourth waits for the next step."""
    import base64
    import time

    from django_otp.oath import hotp

    while True:
        now = time.time()
        current = int(now // 30)
        # the step before the current one is safe only well before the current one ends
        earliest = current - 1 if now % 30 < 20 else current
        step = max(earliest, _last_step.get(who, -1) + 1)
        if step <= current + 1:
            break
        time.sleep(30 - now % 30 + 0.5)
    _last_step[who] = step
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    return f"{hotp(key, step, digits=6):06d}"
