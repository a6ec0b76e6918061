"""/api/v1/users/: school admins manage their school's people; nobody else, and no other school."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tenants.utils import schema_context

from tests.accounts.users_support import api_as, audit_actions
from tests.conftest import tokens_in
from tests.factories import UserFactory


def test_admin_lists_the_schools_people_in_the_envelope(api_client, school_a, admin_a):
    with schema_context(school_a.schema_name):
        UserFactory(role="teacher", email="neema@alpha.test", first_name="Neema")

    response = api_as(api_client, school_a, admin_a).get("/api/v1/users/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    emails = {row["email"] for row in body["data"]}
    assert {"neema@alpha.test", admin_a.email} <= emails
    row = next(row for row in body["data"] if row["email"] == "neema@alpha.test")
    assert set(row) == {"id", "email", "first_name", "last_name", "role", "status", "last_login", "date_joined"}
    assert row["status"] == "active"


def test_search_role_and_status_filters(api_client, school_a, admin_a):
    with schema_context(school_a.schema_name):
        UserFactory(role="teacher", email="neema@alpha.test", first_name="Neema")
        UserFactory(role="parent", email="asha@alpha.test", first_name="Asha", is_active=False)
    client = api_as(api_client, school_a, admin_a)

    def emails(query):
        return {row["email"] for row in client.get(f"/api/v1/users/?{query}").json()["data"]}

    assert emails("search=neem") == {"neema@alpha.test"}
    assert emails("role=parent") == {"asha@alpha.test"}
    assert emails("status=deactivated") == {"asha@alpha.test"}


@pytest.mark.parametrize("role", ["teacher", "parent", "accountant", "student", "staff"])
def test_other_roles_are_refused_403(api_client, school_a, role):
    with schema_context(school_a.schema_name):
        person = UserFactory(role=role)

    client = api_as(api_client, school_a, person)

    assert client.get("/api/v1/users/").status_code == 403
    assert client.get(f"/api/v1/users/{person.pk}/").status_code == 403
    create = client.post("/api/v1/users/", {"email": "x@alpha.test", "role": "school_admin"}, format="json")
    assert create.status_code == 403 and create.json()["error"]["code"] == "permission_denied"
    with schema_context(school_a.schema_name):
        assert not get_user_model().objects.filter(email="x@alpha.test").exists()


def test_anonymous_is_401(api_client, school_a):
    response = api_client.get("/api/v1/users/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 401


def test_a_token_of_another_school_is_401(api_client, school_a, school_b, admin_b):
    response = api_client.get("/api/v1/users/", HTTP_HOST=school_a.primary_host,
                              HTTP_AUTHORIZATION=f"Bearer {tokens_in(school_b, admin_b)['access']}")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_tenant_mismatch"


def _a_user_only_in_b(school_a, school_b):
    """A user of school B whose id does not exist in school A."""
    with schema_context(school_a.schema_name):
        highest_in_a = get_user_model().objects.order_by("-pk").values_list("pk", flat=True).first()
    with schema_context(school_b.schema_name):
        while True:
            user = UserFactory(role="teacher")
            if user.pk > highest_in_a:
                return user


@pytest.mark.parametrize("method, suffix, body", [
    ("get", "", None), ("patch", "", {"role": "parent"}), ("post", "deactivate/", None),
    ("post", "reactivate/", None), ("post", "resend-invitation/", None)])
def test_user_ids_of_another_school_are_404(api_client, school_a, school_b, admin_a, method, suffix, body):
    stranger = _a_user_only_in_b(school_a, school_b)

    response = getattr(api_as(api_client, school_a, admin_a), method)(f"/api/v1/users/{stranger.pk}/{suffix}",
                                                                       body, format="json")

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    with schema_context(school_b.schema_name):
        stranger.refresh_from_db()
        assert (stranger.role, stranger.is_active) == ("teacher", True)


def test_another_school_cannot_see_the_users(api_client, school_a, school_b, admin_b):
    with schema_context(school_a.schema_name):
        UserFactory(email="only-in-alpha@alpha.test")

    body = api_as(api_client, school_b, admin_b).get("/api/v1/users/?page_size=500").json()

    assert "only-in-alpha@alpha.test" not in {row["email"] for row in body["data"]}


def test_create_without_password_invites_by_email(api_client, school_a, admin_a, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(api_client, school_a, admin_a).post(
            "/api/v1/users/", {"email": "Neema@Alpha.test", "first_name": "Neema", "last_name": "Mushi",
                               "role": "teacher"}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "invited" and response.json()["email"] == "neema@alpha.test"
    assert len(mailoutbox) == 1
    assert f"http://{school_a.primary_host}/account/invitation/" in mailoutbox[0].body


def test_create_with_password_is_active_at_once_and_sends_nothing(api_client, school_a, admin_a, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(api_client, school_a, admin_a).post(
            "/api/v1/users/", {"email": "sync@alpha.test", "role": "staff", "password": "a-long-sync-secret"},
            format="json")

    assert response.status_code == 201 and response.json()["status"] == "active"
    assert mailoutbox == []
    token = api_client.post("/api/v1/auth/token/", {"username": "sync@alpha.test", "password": "a-long-sync-secret"},
                            format="json", HTTP_HOST=school_a.primary_host, HTTP_AUTHORIZATION="")
    assert token.status_code == 200
    with schema_context(school_a.schema_name):
        user = get_user_model().objects.get(email="sync@alpha.test")
        assert list(user.groups.values_list("name", flat=True)) == ["staff"]
    assert audit_actions(school_a, user) == ["user.created"]


@pytest.mark.parametrize("body, fields", [
    ({}, {"email", "role"}),
    ({"email": "not-an-email", "role": "teacher"}, {"email"}),
    ({"email": "a@alpha.test", "role": "wizard"}, {"role"}),
    ({"email": "a@alpha.test", "role": "platform_owner"}, {"role"}),
    ({"email": "admin@alpha.test", "role": "teacher"}, {"email"}),
    ({"email": "a@alpha.test", "role": "teacher", "password": "123"}, {"password"}),
])
def test_invalid_creations_are_400_in_the_envelope(api_client, school_a, admin_a, body, fields):
    response = api_as(api_client, school_a, admin_a).post("/api/v1/users/", body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and set(error["details"]) == fields
    with schema_context(school_a.schema_name):
        assert not get_user_model().objects.filter(email="a@alpha.test").exists()


def test_patch_changes_the_role_and_the_group(api_client, school_a, admin_a):
    with schema_context(school_a.schema_name):
        person = UserFactory(role="teacher")
        person.groups.add(Group.objects.get(name="teacher"))

    response = api_as(api_client, school_a, admin_a).patch(f"/api/v1/users/{person.pk}/", {"role": "accountant"},
                                                            format="json")

    assert response.status_code == 200 and response.json()["role"] == "accountant"
    with schema_context(school_a.schema_name):
        assert list(person.groups.values_list("name", flat=True)) == ["accountant"]
    assert audit_actions(school_a, person) == ["user.role_changed"]


def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(api_client, school_a, admin_a):
    client = api_as(api_client, school_a, admin_a)

    demote = client.patch(f"/api/v1/users/{admin_a.pk}/", {"role": "teacher"}, format="json")
    deactivate = client.post(f"/api/v1/users/{admin_a.pk}/deactivate/")

    assert demote.status_code == 400 and "last active school admin" in demote.json()["error"]["message"]
    assert deactivate.status_code == 400 and "last active school admin" in deactivate.json()["error"]["message"]
    with schema_context(school_a.schema_name):
        admin_a.refresh_from_db()
        assert (admin_a.role, admin_a.is_active) == ("school_admin", True)


def test_with_a_second_admin_an_admin_may_step_down(api_client, school_a, admin_a):
    with schema_context(school_a.schema_name):
        UserFactory(role="school_admin")

    response = api_as(api_client, school_a, admin_a).patch(f"/api/v1/users/{admin_a.pk}/", {"role": "teacher"},
                                                           format="json")

    assert response.status_code == 200


def test_deactivate_stops_the_persons_tokens_and_reactivate_restores_sign_in(api_client, school_a, admin_a):
    with schema_context(school_a.schema_name):
        person = UserFactory(role="teacher")
    theirs = tokens_in(school_a, person)
    client = api_as(api_client, school_a, admin_a)

    gone = client.post(f"/api/v1/users/{person.pk}/deactivate/")

    assert gone.status_code == 200 and gone.json()["status"] == "deactivated"
    from rest_framework.test import APIClient

    other = APIClient()
    assert other.get("/api/v1/me/", HTTP_HOST=school_a.primary_host,
                     HTTP_AUTHORIZATION=f"Bearer {theirs['access']}").status_code == 401
    assert other.post("/api/v1/auth/token/refresh/", {"refresh": theirs["refresh"]}, format="json",
                      HTTP_HOST=school_a.primary_host).status_code == 401

    back = client.post(f"/api/v1/users/{person.pk}/reactivate/")

    assert back.status_code == 200 and back.json()["status"] == "active"
    assert audit_actions(school_a, person) == ["user.deactivated", "user.reactivated"]


def test_list_query_count_is_bounded(api_client, school_a, admin_a, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        UserFactory.create_batch(30, role="teacher")
    client = api_as(api_client, school_a, admin_a)

    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/users/")
    assert response.json()["meta"]["count"] >= 31
