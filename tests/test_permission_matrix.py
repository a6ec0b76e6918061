"""Who may reach what: every console URL and API endpoint × every role, anonymous, a platform
user and another school's user → the expected status. A URL with no row here fails the first test,
so a new page or endpoint cannot arrive without saying who may use it.

Rows name a URL (or a wildcard for a whole namespace: Django admin, allauth) and what each actor
gets. Shorthands keep the table readable: `school_page(roles)` is a console page on a school's host
that those roles may open; `school_api(roles)` an API endpoint there; `owner_page()` /
`owner_api()` the platform owner's on the platform host.
"""

import fnmatch
import importlib
import pathlib
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context

from tests.conftest import console_login, tokens_in
from tests.factories import UserFactory
from tests.permission_helpers import (  # noqa: F401  (the shorthands rows are written in)
    EVERY_SCHOOL_ROLE, FORBIDDEN, NO_TOKEN, PUBLIC_ACTORS, SCHOOL_ACTORS, SCHOOL_ROLES, SIGN_IN, not_checked,
    open_to_all, owner_api, owner_page, school_api, school_page, signed_in_page)


# (URL conf, URL name or wildcard) → row. "school" is config.urls_tenant, "public" config.urls_public.
MATRIX = {
    # --- a school's host -------------------------------------------------------------------------------
    ("school", "root"): {**open_to_all("school", status=302)},  # to the dashboard or the sign-in page
    ("school", "accounts:login"): open_to_all("school", status=200) | {"signed_in_redirects": True},
    ("school", "accounts:logout"): not_checked("signing out is exercised in tests/accounts"),
    ("school", "accounts:account"): school_page(*EVERY_SCHOOL_ROLE),
    ("school", "accounts:otp-setup"): not_checked("second factor: tests/accounts/test_signin_console.py"),
    ("school", "accounts:otp-verify"): not_checked("second factor: tests/accounts/test_signin_console.py"),
    ("school", "accounts:otp-backup-codes"): not_checked("POST, second factor: tests/accounts/test_signin_console.py"),
    ("school", "account_*"): not_checked("allauth (password reset, email, password change, no sign-up): "
                                         "tests/accounts/test_signin_console.py"),
    ("school", "dashboards:home"): school_page(*EVERY_SCHOOL_ROLE),
    ("school", "jobs:job-list"): school_page(*EVERY_SCHOOL_ROLE),
    ("school", "jobs:job-detail"): not_checked("a job of one's own: tests/jobs/test_views.py (404 for others)"),
    ("school", "audit:audit-list"): school_page("school_admin"),
    ("school", "audit:audit-export"): school_page("school_admin"),
    ("school", "users:user-list"): school_page("school_admin"),
    # an empty invitation: the form comes back with its errors
    ("school", "users:user-invite"): school_page("school_admin", method="post", allowed=400),
    ("school", "users:user-*"): not_checked("a person of this school: tests/accounts/test_users_console.py"),
    # open to anyone holding a link; this one is not valid
    ("school", "users:invitation-accept"): open_to_all("school", status=400),
    ("school", "breakglass:session-enter"): not_checked("needs a signed token: tests/breakglass"),
    ("school", "breakglass:session-end"): not_checked("only inside a break-glass session: tests/breakglass"),
    ("school", "set_language"): not_checked("open to everyone, POST only: tests/core/test_i18n.py"),
    # open, but a token that is not valid here is refused even on an open endpoint
    ("school", "api:root"): {"host": "school", "kind": "api", "method": "get",
                             "expect": {**open_to_all("school", kind="api")["expect"], "other_school": NO_TOKEN,
                                        "owner": NO_TOKEN}},
    ("school", "api:auth-token"): not_checked("sign-in itself: tests/accounts/test_api_auth.py"),
    ("school", "api:auth-token-refresh"): not_checked("token rotation: tests/accounts/test_api_auth.py"),
    ("school", "api:auth-otp-totp"): not_checked("enrolment token only: tests/accounts/test_signin_api.py"),
    ("school", "api:auth-otp-totp-confirm"): not_checked("enrolment token only: tests/accounts/test_signin_api.py"),
    ("school", "api:me"): school_api(*EVERY_SCHOOL_ROLE),
    ("school", "api:job-list"): school_api(*EVERY_SCHOOL_ROLE),
    ("school", "api:job-detail"): not_checked("a job of one's own: tests/jobs/test_views.py (404 for others)"),
    ("school", "api:audit-event-list"): school_api("school_admin"),
    ("school", "api:user-list"): school_api("school_admin"),
    ("school", "api:user-*"): not_checked("a person of this school: tests/accounts/test_users_api.py"),
    ("school", "api-schema"): open_to_all("school"),
    ("school", "api-docs"): open_to_all("school"),
    # --- the platform host -----------------------------------------------------------------------------
    ("public", "platform:home"): open_to_all("public"),
    ("public", "platform:overview"): owner_page(),
    ("public", "platform:school-list"): owner_page(),
    ("public", "platform:school-create"): owner_page(),
    ("public", "platform:school-detail"): owner_page(),
    ("public", "platform:school-settings"): owner_page(),
    # the owner's POSTs with nothing in them: refused without a reason or plan, or nothing to resume
    ("public", "platform:school-suspend"): owner_page(method="post", allowed=400),
    ("public", "platform:school-resume"): owner_page(method="post", allowed=302),
    ("public", "platform:school-plan"): owner_page(method="post", allowed=400),
    ("public", "platform:analytics-refresh"): owner_page(method="post", allowed=302),
    ("public", "accounts:login"): open_to_all("public") | {"signed_in_redirects": True},
    ("public", "accounts:logout"): not_checked("signing out is exercised in tests/accounts"),
    ("public", "accounts:account"): {"host": "public", "kind": "page", "method": "get",
                                     "expect": {"anonymous": SIGN_IN, "owner": 200, "platform_staff": 200,
                                                "school_admin": SIGN_IN}},
    ("public", "accounts:otp-setup"): not_checked("second factor: tests/accounts/test_signin_console.py"),
    ("public", "accounts:otp-verify"): not_checked("second factor: tests/accounts/test_signin_console.py"),
    ("public", "accounts:otp-backup-codes"): not_checked("POST, second factor: tests/accounts/test_signin_console.py"),
    ("public", "account_*"): not_checked("allauth (password reset, email, password change, no sign-up): "
                                         "tests/accounts/test_signin_console.py"),
    ("public", "jobs:job-list"): owner_page() | {"expect": {"anonymous": SIGN_IN, "owner": 200,
                                                            "platform_staff": 200, "school_admin": SIGN_IN}},
    ("public", "jobs:job-detail"): not_checked("a job of one's own: tests/jobs/test_views.py"),
    ("public", "audit:audit-list"): owner_page(),
    ("public", "audit:audit-export"): owner_page(),
    ("public", "breakglass:session-list"): owner_page(),
    ("public", "breakglass:session-start"): owner_page(),
    ("public", "set_language"): not_checked("open to everyone, POST only: tests/core/test_i18n.py"),
    ("public", "admin:*"): not_checked("Django admin: staff only, its own sign-in; tests/platform"),
    ("public", "api:root"): {"host": "public", "kind": "api", "method": "get",
                             "expect": {**open_to_all("public", kind="api")["expect"], "school_admin": NO_TOKEN}},
    ("public", "api:auth-token"): not_checked("sign-in itself: tests/accounts/test_api_auth.py"),
    ("public", "api:auth-token-refresh"): not_checked("token rotation: tests/accounts/test_api_auth.py"),
    ("public", "api:auth-otp-totp"): not_checked("enrolment token only: tests/accounts/test_signin_api.py"),
    ("public", "api:auth-otp-totp-confirm"): not_checked("enrolment token only: tests/accounts/test_signin_api.py"),
    ("public", "api:me"): {"host": "public", "kind": "api", "method": "get",
                           "expect": {"anonymous": NO_TOKEN, "owner": 200, "platform_staff": 200, "school_admin": NO_TOKEN}},
    ("public", "api:job-list"): {"host": "public", "kind": "api", "method": "get",
                                 "expect": {"anonymous": NO_TOKEN, "owner": 200, "platform_staff": 200,
                                            "school_admin": NO_TOKEN}},
    ("public", "api:job-detail"): not_checked("a job of one's own: tests/jobs/test_views.py"),
    ("public", "api:audit-event-list"): owner_api(),
    ("public", "api:platform-school-list"): owner_api(),
    ("public", "api:platform-school-detail"): owner_api(),
    ("public", "api:platform-school-suspend"): owner_api(method="post", allowed=400),  # no reason
    ("public", "api:platform-school-resume"): owner_api(method="post", allowed=400),  # not suspended
    ("public", "api-schema"): open_to_all("public"),
    ("public", "api-docs"): open_to_all("public"),
}


# Sign-in and account pages (allauth and the second factor) are the same on both hosts.
for _host in ("school", "public"):
    MATRIX.update({
        (_host, "account_login"): open_to_all(_host) | {"signed_in_redirects": True},
        (_host, "account_signup"): open_to_all(_host) | {"signed_in_redirects": True},  # says sign-up is closed
        (_host, "account_reset_password"): open_to_all(_host),
        (_host, "account_reset_password_done"): open_to_all(_host),
        (_host, "account_email_verification_sent"): open_to_all(_host),
        (_host, "account_inactive"): open_to_all(_host),
        (_host, "account_confirm_login_code"): open_to_all(_host, status=302),  # login by code is off
        (_host, "account_logout"): signed_in_page(_host),  # a confirmation page; strangers to sign-in
        (_host, "account_change_password"): signed_in_page(_host),
        (_host, "account_set_password"): signed_in_page(_host, allowed=302),  # they have one: to "change"
        (_host, "account_email"): signed_in_page(_host),
        (_host, "account_reauthenticate"): signed_in_page(_host),
        (_host, "accounts:account"): signed_in_page(_host),
        # with a device already confirmed and the session verified, both pages send the person on;
        # enrolling and the code prompt themselves: tests/accounts/test_signin_*
        (_host, "accounts:otp-setup"): open_to_all(_host, status=302),
        (_host, "accounts:otp-verify"): open_to_all(_host, status=302),
        (_host, "account_confirm_email"): not_checked("needs an emailed key: tests/accounts/test_signin_*"),
        (_host, "account_reset_password_from_key"): not_checked("needs an emailed key: tests/accounts"),
        (_host, "account_reset_password_from_key_done"): open_to_all(_host),
        (_host, "api:auth-otp-totp"): not_checked("enrolment-token flow: tests/accounts/test_signin_*"),
        (_host, "api:auth-otp-totp-confirm"): not_checked("enrolment-token flow: tests/accounts/test_signin_*"),
    })

# Each domain area keeps its rows (and sample values for its URL parameters) in
# tests/permission_rows/<area>.py: ROWS = {(host, name): row}, KWARGS = {"param": value}.
AREA_KWARGS = {}
for _area in sorted(pathlib.Path(__file__).parent.joinpath("permission_rows").glob("[!_]*.py")):
    _module = importlib.import_module(f"tests.permission_rows.{_area.stem}")
    _clash = set(MATRIX) & set(_module.ROWS)
    assert not _clash, f"rows declared twice: {_clash}"
    MATRIX.update(_module.ROWS)
    AREA_KWARGS.update(getattr(_module, "KWARGS", {}))

URLCONFS = {"school": "config.urls_tenant", "public": "config.urls_public"}
SAMPLE_KWARGS = {"pk": uuid.UUID(int=1), "slug": "alpha", "token": "x", "object_id": "1", "app_label": "auth",
                 "id": 1, "key": "x", "uidb36": "x", "user_pk": 1, **AREA_KWARGS}


def named_urls(urlconf: str) -> dict[str, str]:
    """name (with namespaces) → route, for every named pattern of a URL conf."""
    found = {}

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(filter(None, [namespace, pattern.namespace])) if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found[":".join(filter(None, [namespace, pattern.name]))] = prefix + str(pattern.pattern)

    walk(get_resolver(urlconf).url_patterns)
    return found


def row_for(host: str, name: str):
    if (host, name) in MATRIX:
        return MATRIX[(host, name)]
    for (row_host, pattern), row in MATRIX.items():
        if row_host == host and "*" in pattern and fnmatch.fnmatch(name, pattern):
            return row
    return None


@pytest.mark.parametrize("host", ["school", "public"])
def test_every_url_has_a_row(host):
    missing = sorted(name for name in named_urls(URLCONFS[host]) if row_for(host, name) is None)

    assert missing == [], f"add rows to tests/test_permission_matrix.py for {host} URLs: {missing}"


def test_no_row_names_a_url_that_does_not_exist():
    stale = [(host, name) for host, name in MATRIX if "*" not in name and name not in named_urls(URLCONFS[host])]

    assert stale == []


CASES = [(host, name, actor) for (host, name), row in MATRIX.items() if "skip" not in row
         for actor in row["expect"]]


def _path(host: str, name: str) -> str:
    from django.urls import reverse

    route = named_urls(URLCONFS[host])[name]
    kwargs = {key: value for key, value in SAMPLE_KWARGS.items() if f"<{key}>" in route or f":{key}>" in route}
    return reverse(name, urlconf=URLCONFS[host], kwargs=kwargs or None)


def _signed_in(client, actor: str, host: str, school_a, school_b, kind: str) -> dict:
    """Sign `actor` in the way this kind of URL is used: a console session or a bearer token.
    Returns extra request headers."""
    if actor == "anonymous":
        return {}
    if actor in SCHOOL_ROLES:
        school, role = school_a, actor
    elif actor == "other_school":
        school, role = school_b, "school_admin"
    else:  # owner, platform_staff: people of the platform
        school, role = None, "platform_owner" if actor == "owner" else "staff"
    with schema_context(school.schema_name if school else "public"):
        user = UserFactory(role=role, is_staff=actor == "owner", is_superuser=actor == "owner")
    if kind == "api":
        if school is None:
            from apps.accounts.api.serializers import tokens_for

            with schema_context("public"):
                return {"HTTP_AUTHORIZATION": f"Bearer {tokens_for(user)['access']}"}
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens_in(school, user)['access']}"}
    console_login(client, school, user)
    return {}


@pytest.mark.parametrize("host, name, actor", CASES, ids=[f"{h}:{n}:{a}" for h, n, a in CASES])
def test_who_may_reach_what(client, school_a, school_b, host, name, actor):
    row = MATRIX[(host, name)]
    headers = _signed_in(client, actor, host, school_a, school_b, row["kind"])
    hostname = school_a.primary_host if host == "school" else "localhost"

    response = getattr(client, row["method"])(_path(host, name), HTTP_HOST=hostname, **headers)

    expected = row["expect"][actor]
    if row.get("signed_in_redirects") and actor not in ("anonymous", "other_school") and not (
            host == "school" and actor == "owner") and not (host == "public" and actor == "school_admin"):
        expected = 302  # a signed-in person asking for the sign-in page is sent on
    assert response.status_code == expected, f"{actor} on {host} {name}: {response.status_code}"
