"""The owner's console and API for schools: list (search, filters, counts, CSV), suspend and resume
(the school's console and API answer 403 meanwhile), plan changes; others are refused."""

import csv
import io

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.platform.models import Plan, SchoolSnapshot, Tenant
from apps.platform.services import school_suspend
from tests.conftest import console_login, tokens_in
from tests.factories import UserFactory


def owner_api(owner) -> dict:
    from apps.accounts.api.serializers import tokens_for

    return {"HTTP_HOST": "localhost", "HTTP_AUTHORIZATION": f"Bearer {tokens_for(owner)['access']}"}


_first_new_event = {"id": 0}


@pytest.fixture(autouse=True)
def _only_this_tests_events(db):
    """The public log is append-only: browser tests leave committed events behind; look past them."""
    connection.set_schema_to_public()
    _first_new_event["id"] = (AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1


def public_events(action: str):
    connection.set_schema_to_public()
    return list(AuditEvent.objects.filter(action=action, id__gte=_first_new_event["id"]))


@pytest.fixture
def owner_client(client, platform_owner):
    console_login(client, None, platform_owner)
    return client


@pytest.fixture
def premium(db):
    return Plan.objects.create(code="premium", name="Premium", max_students=5000)


# --- suspend and resume --------------------------------------------------------------------------


def test_owner_suspends_a_school_and_its_console_and_api_answer_403(owner_client, api_client, client, school_a,
                                                                      admin_a, platform_owner):
    token = tokens_in(school_a, admin_a)["access"]

    response = owner_client.post("/super-admin/schools/alpha/suspend/", {"reason": "Invoice unpaid"})

    assert response.status_code == 302 and response.url == "/super-admin/schools/alpha/"
    school_a.refresh_from_db()
    assert school_a.status == Tenant.Status.SUSPENDED and school_a.suspension_reason == "Invoice unpaid"
    page = client.get("/login/", HTTP_HOST=school_a.primary_host)
    assert page.status_code == 403
    assert "account is suspended" in page.content.decode()
    api = api_client.get("/api/v1/me/", HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 403 and api.json()["error"]["code"] == "tenant_suspended"
    by_header = api_client.get("/api/v1/me/", HTTP_HOST="localhost", HTTP_X_TENANT_ID="alpha",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
    assert by_header.status_code == 403 and by_header.json()["error"]["code"] == "tenant_suspended"
    # the owner still sees it, and nothing in it was deleted
    listed = owner_client.get("/super-admin/schools/?status=suspended").content.decode()
    assert 'data-school="alpha"' in listed
    with schema_context(school_a.schema_name):
        assert type(admin_a).objects.filter(pk=admin_a.pk).exists()
    [event] = public_events("school.suspended")
    assert (event.object_id, event.actor_id, event.detail["reason"]) == (str(school_a.pk), platform_owner.pk,
                                                                         "Invoice unpaid")

    resumed = owner_client.post("/super-admin/schools/alpha/resume/")

    assert resumed.status_code == 302
    assert client.get("/login/", HTTP_HOST=school_a.primary_host).status_code == 200
    assert api_client.get("/api/v1/me/", HTTP_HOST=school_a.primary_host,
                          HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert len(public_events("school.resumed")) == 1
    with schema_context(school_a.schema_name):  # the public log, not the school's
        assert not AuditEvent.objects.filter(action__startswith="school.").exists()


def test_suspended_page_keeps_its_stylesheets(client, school_a, platform_owner):
    school_suspend(school=school_a, reason="Test", actor=platform_owner)

    assert client.get("/static/css/omnicore.css", HTTP_HOST=school_a.primary_host).status_code == 200


def test_suspend_and_resume_through_the_api(api_client, platform_owner, school_b):
    auth = owner_api(platform_owner)

    suspended = api_client.post("/api/v1/platform/schools/beta/suspend/", {"reason": "Asked by the school"},
                                format="json", **auth)

    assert suspended.status_code == 200
    assert suspended.json()["status"] == "suspended" and suspended.json()["suspension_reason"] == "Asked by the school"
    assert api_client.get("/api/v1/", HTTP_HOST=school_b.primary_host).json()["error"]["code"] == "tenant_suspended"
    again = api_client.post("/api/v1/platform/schools/beta/suspend/", {"reason": "x"}, format="json", **auth)
    assert again.status_code == 400

    resumed = api_client.post("/api/v1/platform/schools/beta/resume/", format="json", **auth)

    assert resumed.status_code == 200 and resumed.json()["status"] == "active"
    assert api_client.get("/api/v1/", HTTP_HOST=school_b.primary_host).status_code == 200
    assert [e.action for e in public_events("school.suspended")] == ["school.suspended"]


def test_suspending_needs_a_reason_and_changes_nothing_without_one(owner_client, api_client, platform_owner, school_a):
    page = owner_client.post("/super-admin/schools/alpha/suspend/", {"reason": "  "})
    api = api_client.post("/api/v1/platform/schools/alpha/suspend/", {}, format="json", **owner_api(platform_owner))

    assert page.status_code == 400 and "is-invalid" in page.content.decode()
    assert api.status_code == 400 and "reason" in api.json()["error"]["details"]
    school_a.refresh_from_db()
    assert school_a.status == Tenant.Status.ACTIVE
    assert public_events("school.suspended") == []


# --- plan, detail ---------------------------------------------------------------------------------


def test_owner_changes_a_schools_plan_in_the_console(owner_client, school_a, premium):
    response = owner_client.post("/super-admin/schools/alpha/plan/", {"plan": "premium"})

    assert response.status_code == 302
    school_a.refresh_from_db()
    assert school_a.plan == premium
    [event] = public_events("school.plan_changed")
    assert event.changes == {"plan": ["standard", "premium"]}
    detail = owner_client.get("/super-admin/schools/alpha/").content.decode()
    assert "5000" in detail  # the new plan's student limit


def test_api_detail_and_patch_plan_limits_and_modules(api_client, platform_owner, school_a, premium):
    auth = owner_api(platform_owner)

    response = api_client.patch("/api/v1/platform/schools/alpha/", {
        "plan": "premium", "limits": {"staff": 12}, "modules": {"lms": False, "crm": False}}, format="json", **auth)

    assert response.status_code == 200
    body = response.json()
    assert body["plan"] == "premium"
    assert body["limits"] == {"students": 5000, "staff": 12, "sms_per_month": 5000, "storage_mb": 5120}
    assert body["own_limits"]["staff"] == 12 and body["own_limits"]["students"] is None
    assert body["modules"]["lms"] is False and body["modules"]["academics"] is True
    assert {e.action for e in public_events("school.limits_changed") + public_events("school.modules_changed")} == {
        "school.limits_changed", "school.modules_changed"}
    assert api_client.get("/api/v1/platform/schools/alpha/", **auth).json()["limits"]["staff"] == 12


def test_api_patch_with_a_bad_value_changes_nothing(api_client, platform_owner, school_a):
    auth = owner_api(platform_owner)

    response = api_client.patch("/api/v1/platform/schools/alpha/", {
        "limits": {"staff": 3}, "modules": {"nonsense": False}}, format="json", **auth)

    assert response.status_code == 400
    school_a.refresh_from_db()
    assert school_a.limit_staff is None and school_a.disabled_modules == []
    assert api_client.get("/api/v1/platform/schools/nowhere/", **auth).status_code == 404


# --- the list ------------------------------------------------------------------------------------


def test_list_searches_filters_and_shows_users_by_role_from_the_snapshot(owner_client, school_a, school_b, premium):
    from django.utils import timezone

    Tenant.objects.filter(pk=school_b.pk).update(plan=premium)
    SchoolSnapshot.objects.update_or_create(school=school_a, defaults={
        "users_total": 7, "users_by_role": {"school_admin": 1, "teacher": 6}, "computed_at": timezone.now()})

    everything = owner_client.get("/super-admin/schools/").content.decode()
    by_name = owner_client.get("/super-admin/schools/?q=Alpha").content.decode()
    by_slug = owner_client.get("/super-admin/schools/?q=bet").content.decode()
    by_plan = owner_client.get("/super-admin/schools/?plan=premium").content.decode()
    suspended = owner_client.get("/super-admin/schools/?status=suspended").content.decode()

    assert 'data-school="alpha"' in everything and 'data-school="beta"' in everything
    assert "Teacher: 6" in everything
    assert 'data-school="alpha"' in by_name and 'data-school="beta"' not in by_name
    assert 'data-school="beta"' in by_slug and 'data-school="alpha"' not in by_slug
    assert 'data-school="beta"' in by_plan and 'data-school="alpha"' not in by_plan
    assert "data-school=" not in suspended


def test_list_is_paginated_and_its_queries_do_not_grow_with_schools(owner_client, django_assert_max_num_queries,
                                                                     school_a):
    from django.utils import timezone

    for n in range(30):
        school = Tenant.objects.create(schema_name=f"extra{n}", slug=f"extra{n}", name=f"Extra {n:02}", ready=True,
                                       status=Tenant.Status.ACTIVE)
        SchoolSnapshot.objects.create(school=school, users_total=n, computed_at=timezone.now())

    with django_assert_max_num_queries(16):
        first = owner_client.get("/super-admin/schools/?q=extra")
    second = owner_client.get("/super-admin/schools/?q=extra&page=2").content.decode()

    assert first.status_code == 200
    assert first.content.decode().count("data-school=") == 25
    assert second.count("data-school=") == 5 and "q=extra&amp;page=1" in second


def test_list_exports_csv_with_the_same_filters(owner_client, school_a, school_b):
    from django.utils import timezone

    SchoolSnapshot.objects.update_or_create(school=school_a, defaults={
        "users_total": 3, "users_by_role": {"teacher": 2, "school_admin": 1}, "computed_at": timezone.now()})

    response = owner_client.get("/super-admin/schools/?q=alpha&export=csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == ["alpha"]
    assert (rows[0]["users"], rows[0]["users_teacher"], rows[0]["status"]) == ("3", "2", "active")


# --- others are refused ---------------------------------------------------------------------------


def test_a_school_admin_cannot_suspend_by_token_or_header(api_client, school_a, school_b, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    on_host = api_client.post("/api/v1/platform/schools/beta/suspend/", {"reason": "x"}, format="json",
                              HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")
    by_header = api_client.post("/api/v1/platform/schools/beta/suspend/", {"reason": "x"}, format="json",
                                HTTP_HOST="localhost", HTTP_X_TENANT_ID="alpha", HTTP_AUTHORIZATION=f"Bearer {token}")
    patch = api_client.patch("/api/v1/platform/schools/beta/", {"modules": {"lms": False}}, format="json",
                             HTTP_HOST="localhost", HTTP_X_TENANT_ID="alpha", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert (on_host.status_code, by_header.status_code, patch.status_code) == (404, 404, 404)
    school_b.refresh_from_db()
    assert school_b.status == Tenant.Status.ACTIVE and school_b.disabled_modules == []
    assert public_events("school.suspended") == []


def test_a_school_admin_has_no_owner_console_on_the_school_host(client, school_a, admin_a):
    console_login(client, school_a, admin_a)

    assert client.post("/super-admin/schools/alpha/suspend/", {"reason": "x"}).status_code == 404
    school_a.refresh_from_db()
    assert school_a.status == Tenant.Status.ACTIVE


@pytest.mark.parametrize("method, path, data", [
    ("get", "/super-admin/", None),
    ("get", "/super-admin/schools/", None),
    ("get", "/super-admin/schools/alpha/", None),
    ("post", "/super-admin/schools/alpha/suspend/", {"reason": "x"}),
    ("post", "/super-admin/schools/alpha/plan/", {"plan": "standard"}),
    ("post", "/super-admin/schools/alpha/limits/", {"limit_students": "1"}),
    ("post", "/super-admin/analytics/refresh/", {}),
])
def test_platform_staff_who_are_not_the_owner_get_403_in_the_console(client, school_a, method, path, data):
    staffer = UserFactory(role="staff", is_staff=True)
    console_login(client, None, staffer, second_factor=False)

    response = getattr(client, method)(path, data) if data is not None else getattr(client, method)(path)

    assert response.status_code == 403
    school_a.refresh_from_db()
    assert (school_a.status, school_a.limit_students) == (Tenant.Status.ACTIVE, None)


def test_platform_staff_who_are_not_the_owner_get_403_in_the_api(api_client, school_a):
    auth = owner_api(UserFactory(role="staff", is_staff=True))

    assert api_client.get("/api/v1/platform/schools/alpha/", **auth).status_code == 403
    assert api_client.post("/api/v1/platform/schools/alpha/suspend/", {"reason": "x"}, format="json",
                           **auth).status_code == 403
    assert api_client.patch("/api/v1/platform/schools/alpha/", {"limits": {"staff": 1}}, format="json",
                            **auth).status_code == 403
    school_a.refresh_from_db()
    assert (school_a.status, school_a.limit_staff) == (Tenant.Status.ACTIVE, None)


def test_anonymous_is_sent_to_sign_in(client, school_a):
    response = client.post("/super-admin/schools/alpha/suspend/", {"reason": "x"}, HTTP_HOST="localhost")

    assert response.status_code == 302 and "/login/" in response.url
    school_a.refresh_from_db()
    assert school_a.status == Tenant.Status.ACTIVE


def test_provisioning_records_school_created_in_the_public_log(platform_owner):
    from apps.platform.services import school_provision

    school = school_provision(slug="mlimani", name="Mlimani", admin_email="head@mlimani.test",
                              admin_password="a-long-first-password", actor=platform_owner)

    [event] = [e for e in public_events("school.created") if e.object_id == str(school.pk)]
    assert event.actor_id == platform_owner.pk and event.detail["host"] == "mlimani.localhost"


def test_django_admin_shows_but_does_not_change_what_the_console_audits(owner_client, school_a):
    page = owner_client.get(f"/admin/platform/tenant/{school_a.pk}/change/")
    owner_client.post(f"/admin/platform/tenant/{school_a.pk}/change/", {
        "slug": "alpha", "name": school_a.name, "country": "TZ", "currency": "TZS", "status": "suspended",
        "domains-TOTAL_FORMS": "0", "domains-INITIAL_FORMS": "0"})

    assert page.status_code == 200 and owner_client.get("/admin/platform/schoolsnapshot/").status_code == 200
    school_a.refresh_from_db()
    assert school_a.status == Tenant.Status.ACTIVE
