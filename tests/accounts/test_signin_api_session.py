"""The API through a console session obeys the second factor, whatever else the request carries."""

import pytest
from django_tenants.utils import schema_context

from tests.conftest import console_login
from tests.factories import UserFactory


@pytest.mark.parametrize("authorization", [None, "Basic Zm9vOmJhcg==", "Token abc", "Bearer"])
def test_an_unverified_session_gets_no_api_data(client, school_a, authorization):
    with schema_context(school_a.schema_name):
        admin = UserFactory(role="school_admin")
    console_login(client, school_a, admin, second_factor=False)  # password only
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = client.get("/api/v1/me/", **headers)

    assert response.status_code == 401
    assert admin.email not in response.content.decode()


def test_a_verified_session_reads_the_api(client, school_a):
    with schema_context(school_a.schema_name):
        admin = UserFactory(role="school_admin")
    console_login(client, school_a, admin)

    response = client.get("/api/v1/me/")

    assert response.status_code == 200 and response.json()["email"] == admin.email
