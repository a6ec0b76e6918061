"""Every API answer has one shape: lists in {"data", "meta"}, errors in {"error": {...}}."""

import json
import re

import pytest
from django.test import RequestFactory
from rest_framework.views import APIView

from apps.core.api.exceptions import envelope_exception_handler, handler500
from tests.conftest import tokens_in


def error_of(response):
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_unknown_api_path_is_404_envelope(api_client, school_a):
    response = api_client.get("/api/v1/no-such-thing/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_wrong_method_is_405_envelope(api_client, school_a, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.delete("/api/v1/me/", HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_unexpected_exception_in_a_view_is_500_envelope(db):
    class Boom(APIView):
        pass

    response = envelope_exception_handler(RuntimeError("kaboom"), {"view": Boom()})

    assert response.status_code == 500
    assert response.data["error"]["code"] == "server_error"
    assert "kaboom" not in response.data["error"]["message"]  # internals are not shown


def test_django_500_handler_answers_the_envelope_on_api_paths(db):
    request = RequestFactory().get("/api/v1/anything/")

    response = handler500(request)

    assert response.status_code == 500
    assert error_of(response)["code"] == "server_error"


def test_not_found_object_is_404_envelope(api_client, school_a, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000/",
                              HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_lists_use_the_data_meta_envelope(api_client, school_a, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get("/api/v1/jobs/", HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert set(body["meta"]) == {"count", "next", "previous"}


def test_api_root_lists_the_resources(api_client, school_a):
    response = api_client.get("/api/v1/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 200
    resources = response.json()["resources"]
    assert {"auth-token", "auth-token-refresh", "me", "jobs", "schema", "docs"} <= set(resources)
    assert "platform-schools" not in resources  # a platform resource, not on a school's host


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost"])
def test_openapi_schema_and_docs_are_served_locally(client, school_a, host):
    schema = client.get("/api/schema/", HTTP_HOST=host)
    docs = client.get("/api/docs/", HTTP_HOST=host)

    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs.content
    # nothing from another host (the page also carries a random CSRF token, which may spell "cdn" by chance)
    assert not re.search(rb"""(src|href)\s*[=:]\s*["']?(https?:)?//""", docs.content)
    assert b"cdn." not in docs.content.lower() and b"//cdn" not in docs.content.lower()


def test_the_platform_schema_documents_school_provisioning(client, db):
    schema = client.get("/api/schema/", HTTP_HOST="localhost").content.decode()

    assert "/api/v1/platform/schools/" in schema
    assert "/api/v1/auth/token/" in schema


@pytest.mark.parametrize("urlconf", ["config.urls_public", "config.urls_tenant"])
def test_openapi_documents_every_endpoint_without_warnings(db, urlconf, tmp_path):
    from django.core.management import call_command

    # --fail-on-warn: an endpoint drf-spectacular cannot describe fails here, not in an integrator's client
    call_command("spectacular", "--validate", "--fail-on-warn", "--urlconf", urlconf, "--file",
                 str(tmp_path / "schema.yaml"))

    schema = (tmp_path / "schema.yaml").read_text()
    assert "Idempotency-Key" in schema and "X-Tenant-ID" in schema and "jwtAuth" in schema
