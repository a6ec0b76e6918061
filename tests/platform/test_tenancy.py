"""Which school a request reaches: by host name, by X-Tenant-ID on the platform host's API."""

import pytest
from django.db import connection

from apps.platform.models import Domain, Tenant
from tests.conftest import tokens_in


def test_school_host_serves_that_schools_login_page(client, school_a):
    response = client.get("/login/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 200
    assert school_a.name in response.content.decode()


def test_platform_host_serves_the_platform_site(client, db):
    response = client.get("/", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert "OmniCore" in response.content.decode()


def test_unknown_host_is_not_found(client, db):
    assert client.get("/login/", HTTP_HOST="nobody.localhost").status_code == 404


def test_unknown_host_api_answers_the_error_envelope(client, db):
    response = client.get("/api/v1/", HTTP_HOST="nobody.localhost")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_host"


def test_x_tenant_id_on_the_platform_host_selects_the_school(api_client, school_a, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get("/api/v1/me/", HTTP_HOST="localhost", HTTP_X_TENANT_ID="alpha",
                              HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert response.json()["tenant"]["slug"] == "alpha"
    assert response.json()["email"] == admin_a.email


def test_x_tenant_id_naming_no_school_is_not_found(api_client, db):
    response = api_client.get("/api/v1/", HTTP_HOST="localhost", HTTP_X_TENANT_ID="nowhere")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_tenant"


def test_x_tenant_id_is_ignored_outside_the_api(client, school_a):
    response = client.get("/", HTTP_HOST="localhost", HTTP_X_TENANT_ID="alpha")

    assert response.status_code == 200
    assert school_a.name not in response.content.decode()


def test_x_tenant_id_cannot_move_a_school_host_to_another_school(api_client, school_a, school_b, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get("/api/v1/me/", HTTP_HOST=school_a.primary_host, HTTP_X_TENANT_ID="beta",
                              HTTP_AUTHORIZATION=f"Bearer {token}")

    # the header only selects a school on the platform host; on a school's host it has no effect
    assert response.status_code == 200
    assert response.json()["tenant"]["slug"] == "alpha"


def test_a_school_still_being_provisioned_answers_503(client, api_client, db):
    connection.set_schema_to_public()
    school = Tenant.objects.create(schema_name="halfway", slug="halfway", name="Halfway School")
    Domain.objects.create(domain="halfway.localhost", tenant=school)

    page = client.get("/login/", HTTP_HOST="halfway.localhost")
    api = api_client.get("/api/v1/", HTTP_HOST="halfway.localhost")

    assert page.status_code == 503
    assert "being set up" in page.content.decode()
    assert api.status_code == 503
    assert api.json()["error"]["code"] == "tenant_not_ready"


@pytest.mark.parametrize("path", ["/admin/login/", "/super-admin/schools/"])
def test_platform_pages_do_not_exist_on_a_school_host(client, school_a, path):
    assert client.get(path, HTTP_HOST=school_a.primary_host).status_code == 404
