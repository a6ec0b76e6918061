"""Idempotency-Key: a repeated write gets the first response and does nothing twice."""

import hashlib
import json

from django.test import RequestFactory
from django_tenants.utils import schema_context

from apps.core.idempotency import _caller, idempotency_records_purge
from apps.core.models import IdempotencyRecord
from apps.jobs.models import Job
from apps.platform.models import Tenant

NEW_SCHOOL = {"slug": "mlimani", "name": "Mlimani Secondary", "admin_email": "head@mlimani.test",
              "admin_password": "a-long-first-password"}


def owner_headers(platform_owner, key=None):
    from apps.accounts.api.serializers import tokens_for

    headers = {"HTTP_HOST": "localhost", "HTTP_AUTHORIZATION": f"Bearer {tokens_for(platform_owner)['access']}"}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return headers


def test_a_repeated_post_returns_the_first_response_and_starts_one_job(api_client, platform_owner):
    headers = owner_headers(platform_owner, key="create-mlimani-1")

    first = api_client.post("/api/v1/platform/schools/", NEW_SCHOOL, format="json", **headers)
    second = api_client.post("/api/v1/platform/schools/", NEW_SCHOOL, format="json", **headers)

    assert first.status_code == second.status_code == 202
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Job.objects.filter(kind="platform.provision_school").count() == 1


def test_without_a_key_each_post_is_its_own_request(api_client, platform_owner):
    headers = owner_headers(platform_owner)

    api_client.post("/api/v1/platform/schools/", NEW_SCHOOL, format="json", **headers)
    api_client.post("/api/v1/platform/schools/", {**NEW_SCHOOL, "slug": "mlimani-two"}, format="json", **headers)

    assert Job.objects.filter(kind="platform.provision_school").count() == 2


def test_the_same_key_with_a_different_body_is_refused(api_client, platform_owner):
    headers = owner_headers(platform_owner, key="k-1")
    api_client.post("/api/v1/platform/schools/", NEW_SCHOOL, format="json", **headers)

    response = api_client.post("/api/v1/platform/schools/", {**NEW_SCHOOL, "name": "Other"}, format="json", **headers)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Job.objects.filter(kind="platform.provision_school").count() == 1


def test_a_key_in_progress_answers_409(api_client, platform_owner):
    headers = owner_headers(platform_owner, key="busy")
    request = RequestFactory().post("/api/v1/platform/schools/", HTTP_AUTHORIZATION=headers["HTTP_AUTHORIZATION"])
    body = json.dumps(NEW_SCHOOL).encode()
    IdempotencyRecord.objects.create(
        key="busy", caller=_caller(request), method="POST", path="/api/v1/platform/schools/",
        request_hash=hashlib.sha256(b"POST /api/v1/platform/schools/\n" + body).hexdigest())

    response = api_client.post("/api/v1/platform/schools/", body, content_type="application/json", **headers)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_progress"


def test_keys_belong_to_their_caller(api_client, school_a, admin_a, teacher_a):
    from tests.conftest import tokens_in

    def post_as(user):
        token = tokens_in(school_a, user)["access"]
        return api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens_in(school_a, user)["refresh"]},
                               format="json", HTTP_HOST=school_a.primary_host,
                               HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY="same-key")

    first, second = post_as(admin_a), post_as(teacher_a)

    assert first.status_code == second.status_code == 200
    assert "Idempotent-Replayed" not in second
    assert first.json()["access"] != second.json()["access"]


def test_records_live_in_the_school_that_received_them(api_client, school_a, school_b, admin_a):
    from tests.conftest import tokens_in

    tokens = tokens_in(school_a, admin_a)
    api_client.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json",
                    HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}",
                    HTTP_IDEMPOTENCY_KEY="in-alpha")

    with schema_context(school_a.schema_name):
        assert IdempotencyRecord.objects.filter(key="in-alpha").count() == 1
    with schema_context(school_b.schema_name):
        assert IdempotencyRecord.objects.filter(key="in-alpha").count() == 0


def test_anonymous_requests_are_never_replayed(api_client, school_a):
    from django_tenants.utils import schema_context

    from tests.factories import DEFAULT_PASSWORD, UserFactory

    with schema_context(school_a.schema_name):  # a teacher: no second factor to send
        teacher = UserFactory(role="teacher")
    credentials = {"username": teacher.email, "password": DEFAULT_PASSWORD}
    first = api_client.post("/api/v1/auth/token/", credentials, format="json", HTTP_HOST=school_a.primary_host,
                            HTTP_IDEMPOTENCY_KEY="anon")
    second = api_client.post("/api/v1/auth/token/", {**credentials, "password": "wrong"}, format="json",
                             HTTP_HOST=school_a.primary_host, HTTP_IDEMPOTENCY_KEY="anon")

    assert first.status_code == 200
    assert second.status_code == 401  # not the first caller's tokens


def test_old_records_are_purged(platform_owner):
    from datetime import timedelta

    from django.utils import timezone

    old = IdempotencyRecord.objects.create(key="old", caller="c", method="POST", path="/api/", request_hash="h")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    IdempotencyRecord.objects.create(key="new", caller="c", method="POST", path="/api/", request_hash="h")

    assert idempotency_records_purge() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert not Tenant.objects.filter(slug="mlimani").exists()
