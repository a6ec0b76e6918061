"""Tokens: issued per school, refused in any other, rotated on refresh."""

import pytest
from django_tenants.utils import schema_context

from tests.conftest import ADMIN_PASSWORD, SCHOOL_A, tokens_in
from tests.factories import DEFAULT_PASSWORD, UserFactory


def obtain(api_client, host, username, password):
    return api_client.post("/api/v1/auth/token/", {"username": username, "password": password},
                           format="json", HTTP_HOST=host)


@pytest.mark.parametrize("login", ["email", "username"])
def test_token_by_email_or_username_carries_the_school(api_client, school_a, login):
    with schema_context(school_a.schema_name):
        teacher = UserFactory(role="teacher", username="mwalimu", email="mwalimu@alpha.test")

    response = obtain(api_client, school_a.primary_host, getattr(teacher, login), DEFAULT_PASSWORD)

    assert response.status_code == 200
    from rest_framework_simplejwt.tokens import AccessToken

    claims = AccessToken(response.json()["access"])
    assert claims["tenant"] == "alpha"
    assert claims["role"] == "teacher"


def test_wrong_password_is_401_with_the_envelope(api_client, school_a):
    response = obtain(api_client, school_a.primary_host, SCHOOL_A["admin_email"], "not-the-password")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_a_user_of_school_a_cannot_sign_in_at_school_b(api_client, school_b):
    response = obtain(api_client, school_b.primary_host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)

    assert response.status_code == 401


def test_missing_fields_are_400_with_details(api_client, school_a):
    response = api_client.post("/api/v1/auth/token/", {}, format="json", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert set(body["details"]) == {"username", "password"}


def test_me_returns_user_role_and_school(api_client, school_a, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get("/api/v1/me/", HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert response.json() == {
        "id": admin_a.pk, "username": admin_a.username, "email": admin_a.email, "first_name": "",
        "last_name": "", "role": "school_admin",
        "tenant": {"slug": "alpha", "name": school_a.name, "schema": "alpha"},
    }


def test_me_without_a_token_is_401(api_client, school_a):
    response = api_client.get("/api/v1/me/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_token_from_school_a_is_refused_on_school_b_host(api_client, school_a, school_b, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get("/api/v1/me/", HTTP_HOST=school_b.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_tenant_mismatch"


def test_token_from_school_a_is_refused_with_school_b_header(api_client, school_a, school_b, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get("/api/v1/me/", HTTP_HOST="localhost", HTTP_X_TENANT_ID="beta",
                              HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_tenant_mismatch"


def test_school_token_is_refused_on_the_platform_host(api_client, school_a, admin_a):
    token = tokens_in(school_a, admin_a)["access"]

    response = api_client.get("/api/v1/me/", HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401


def test_platform_token_is_refused_in_a_school(api_client, school_a, platform_owner):
    from apps.accounts.api.serializers import tokens_for

    token = tokens_for(platform_owner)["access"]

    response = api_client.get("/api/v1/me/", HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401


def test_refresh_rotates_and_the_old_refresh_token_stops_working(api_client, school_a, admin_a):
    refresh = tokens_in(school_a, admin_a)["refresh"]

    first = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json",
                            HTTP_HOST=school_a.primary_host)
    again = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json",
                            HTTP_HOST=school_a.primary_host)

    assert first.status_code == 200
    assert set(first.json()) == {"access", "refresh"} and first.json()["refresh"] != refresh
    assert again.status_code == 401


def test_refresh_token_from_school_a_is_refused_at_school_b(api_client, school_a, school_b, admin_a):
    refresh = tokens_in(school_a, admin_a)["refresh"]

    response = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}, format="json",
                               HTTP_HOST=school_b.primary_host)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_tenant_mismatch"
