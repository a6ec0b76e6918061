"""Limits (the plan's, or the school's own) checked by one helper; modules switched off per school
disappear from the sidebar and their console pages and API answer 404."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test import override_settings
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.core import navigation
from apps.platform import counters, features, limits
from apps.platform.models import Tenant
from apps.platform.modules import MODULES, module_for_path
from apps.platform.services import school_set_modules
from tests.conftest import console_login, tokens_in

MODULE_URLS = "tests.platform.urls_with_module"


@pytest.fixture
def students_counted(monkeypatch):
    """A stand-in for the academics app's students counter: the number of teachers."""
    from django.contrib.auth import get_user_model

    monkeypatch.setitem(counters._counters, "students",
                        lambda: get_user_model().objects.filter(role="teacher").count())


def test_limits_come_from_the_plan_unless_the_school_has_its_own(school_a):
    assert limits.value(school_a, "students") == school_a.plan.max_students == 1000
    school_a.limit_students = 40

    assert limits.value(school_a, "students") == 40
    assert limits.values(school_a)["sms_per_month"] == 5000


def test_check_raises_limit_reached_naming_the_limit(school_a, students_counted, teacher_a):
    school_a.limit_students = 2

    limits.check(school_a, "students", adding=1)  # one counted, one more fits
    with pytest.raises(limits.LimitReached) as raised:
        limits.check(school_a, "students", adding=2)

    error = raised.value
    assert isinstance(error, ValidationError) and error.code == "limit_reached"
    assert "limit of 2 students" in error.messages[0]
    assert (error.limit, error.current) == (2, 1)


def test_check_uses_the_schools_schema_wherever_it_is_called_from(school_a, school_b, students_counted):
    with schema_context(school_a.schema_name):
        from tests.factories import UserFactory

        UserFactory(role="teacher")
    school_b.limit_students = 1

    limits.check(school_b, "students")  # beta has no "students"; alpha's are not counted for it
    school_a.limit_students = 1
    with pytest.raises(limits.LimitReached):
        limits.check(school_a, "students")


def test_no_plan_and_no_own_limit_means_no_limit(school_a):
    school_a.plan = None

    limits.check(school_a, "storage_mb", adding=10**9, current=10**9)


def test_an_unknown_limit_is_a_programming_error(school_a):
    with pytest.raises(LookupError):
        limits.check(school_a, "classrooms")


def test_the_api_answers_limit_reached_with_its_own_code():
    from apps.core.api.exceptions import envelope_exception_handler

    response = envelope_exception_handler(limits.LimitReached(key="staff", limit=3, current=3), {})

    assert response.status_code == 400
    assert response.data["error"]["code"] == "limit_reached"
    assert "limit of 3 staff members" in response.data["error"]["message"]


def test_features_require_answers_404_when_a_module_is_off(school_a):
    features.require(school_a, "lms")
    school_a.disabled_modules = ["lms"]

    with pytest.raises(Http404):
        features.require(school_a, "lms")
    features.require(school_a, "finance")
    with pytest.raises(LookupError):
        features.require(school_a, "astrology")


def test_every_module_owns_its_paths_and_every_sidebar_module_is_declared():
    assert module_for_path("/lms/courses/").key == "lms"
    assert module_for_path("/api/v1/lms/courses/").key == "lms"
    assert module_for_path("/dashboard/") is None
    assert {"academics", "attendance", "results", "finance", "accounting", "hr", "crm", "communication",
            "lms"} == set(MODULES)
    assert {item.module for item in navigation.NAV_ITEMS if item.module} <= set(MODULES)


@override_settings(ROOT_URLCONF=MODULE_URLS)
def test_a_switched_off_module_answers_404_on_console_and_api(client, api_client, school_a, admin_a, platform_owner):
    console_login(client, school_a, admin_a)
    token = tokens_in(school_a, admin_a)["access"]
    auth = {"HTTP_HOST": school_a.primary_host, "HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/lms/").status_code == 200
    assert api_client.get("/api/v1/lms/courses/", **auth).status_code == 200

    connection.set_schema_to_public()  # where the owner's services run
    school_set_modules(school=school_a, disabled_modules=["lms"], actor=platform_owner)

    assert client.get("/lms/").status_code == 404
    assert client.get("/lms/anything/deeper/").status_code == 404
    api = api_client.get("/api/v1/lms/courses/", **auth)
    assert api.status_code == 404 and api.json()["error"]["code"] == "module_disabled"
    assert client.get("/dashboard/").status_code == 200  # the rest of the school is untouched


@override_settings(ROOT_URLCONF=MODULE_URLS)
def test_a_switched_off_module_leaves_the_sidebar(client, school_a, admin_a, platform_owner, monkeypatch):
    monkeypatch.setattr(navigation, "NAV_ITEMS", [
        *navigation.NAV_ITEMS, navigation.NavItem("lms", "Learning", "lms:home", "bi-book", module="lms")])
    console_login(client, school_a, admin_a)
    assert 'data-nav="lms"' in client.get("/dashboard/").content.decode()

    connection.set_schema_to_public()
    school_set_modules(school=school_a, disabled_modules=["lms"], actor=platform_owner)

    assert 'data-nav="lms"' not in client.get("/dashboard/").content.decode()


def test_owner_edits_limits_and_modules_over_htmx(client, platform_owner, school_a):
    console_login(client, None, platform_owner)
    page = client.get("/super-admin/schools/alpha/limits/")
    assert page.status_code == 200 and "Empty: the plan&#x27;s 1000." in page.content.decode()
    modules_on = [key for key in MODULES if key not in ("lms", "crm")]

    response = client.post("/super-admin/schools/alpha/limits/",
                           {"limit_students": "1500", "limit_staff": "", "limit_sms_per_month": "0",
                            "limit_storage_mb": "", "modules": modules_on}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="saved"' in body and "<html" not in body  # the form alone, swapped in place
    school_a.refresh_from_db()
    assert (school_a.limit_students, school_a.limit_staff, school_a.limit_sms_per_month) == (1500, None, 0)
    assert school_a.disabled_modules == ["crm", "lms"]
    actions = set(AuditEvent.objects.filter(object_id=str(school_a.pk)).values_list("action", flat=True))
    assert {"school.limits_changed", "school.modules_changed"} <= actions


def test_limits_form_shows_errors_inline_and_saves_nothing(client, platform_owner, school_a):
    from django.utils import timezone

    started = timezone.now()
    console_login(client, None, platform_owner)

    response = client.post("/super-admin/schools/alpha/limits/", {"limit_students": "-5", "limit_staff": "many"},
                           HTTP_HX_REQUEST="true")
    without_htmx = client.post("/super-admin/schools/alpha/limits/", {"limit_students": "-5"})

    assert response.status_code == 200 and without_htmx.status_code == 400  # htmx swaps only 2xx
    body = response.content.decode()
    assert body.count("is-invalid") == 2 and 'id="id_limit_students-error"' in body
    school_a.refresh_from_db()
    assert school_a.limit_students is None and school_a.limit_staff is None
    assert not AuditEvent.objects.filter(action="school.limits_changed", object_id=str(school_a.pk),
                                         created_at__gte=started).exists()


def test_modules_of_a_school_are_validated(school_a, platform_owner):
    with pytest.raises(ValidationError):
        school_set_modules(school=school_a, disabled_modules=["astrology"], actor=platform_owner)
    assert Tenant.objects.get(pk=school_a.pk).disabled_modules == []
