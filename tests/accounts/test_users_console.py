"""/settings/users/: the school admin's page for people, roles and invitations."""

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from tests.accounts.users_support import sign_in
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, school_a, admin_a):
    return sign_in(client, school_a, admin_a)


def make(school, **fields):
    with schema_context(school.schema_name):
        return UserFactory(**fields)


def test_the_page_lists_people_and_the_sidebar_has_the_entry(admin_client, school_a):
    make(school_a, role="teacher", email="neema@alpha.test", first_name="Neema", last_name="Mushi")

    page = admin_client.get("/settings/users/").content.decode()

    assert "Neema Mushi" in page and "neema@alpha.test" in page
    assert 'data-nav="users"' in page and 'id="invite-form"' in page


@pytest.mark.parametrize("role", ["teacher", "accountant", "parent", "student", "staff"])
def test_other_roles_get_403_and_no_sidebar_entry(client, school_a, role):
    person = make(school_a, role=role)
    sign_in(client, school_a, person)

    assert client.get("/settings/users/").status_code == 403
    assert client.post(f"/settings/users/{person.pk}/role/", {f"u{person.pk}-role": "school_admin"}).status_code == 403
    assert 'data-nav="users"' not in client.get("/dashboard/").content.decode()
    with schema_context(school_a.schema_name):
        person.refresh_from_db()
        assert person.role == role


def test_anonymous_is_sent_to_sign_in(client, school_a):
    response = client.get("/settings/users/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 302 and "next=/settings/users/" in response.url


def test_htmx_search_returns_only_the_table(admin_client, school_a):
    make(school_a, role="teacher", email="neema@alpha.test", first_name="Neema")
    make(school_a, role="parent", email="asha@alpha.test", first_name="Asha")

    fragment = admin_client.get("/settings/users/?q=asha", HTTP_HX_REQUEST="true",
                                HTTP_HX_TARGET="user-table").content.decode()

    assert fragment.lstrip().startswith('<div id="user-table">')
    assert "asha@alpha.test" in fragment and "neema@alpha.test" not in fragment


def test_role_and_status_filters(admin_client, school_a):
    make(school_a, role="parent", email="asha@alpha.test")
    make(school_a, role="parent", email="old@alpha.test", is_active=False)

    page = admin_client.get("/settings/users/?role=parent&status=deactivated").content.decode()

    assert "old@alpha.test" in page and "asha@alpha.test" not in page


def test_invite_by_htmx_sends_the_email_and_reloads(admin_client, school_a, mailoutbox,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/settings/users/invite/", {
            "email": "neema@alpha.test", "first_name": "Neema", "last_name": "Mushi", "role": "teacher"},
            HTTP_HX_REQUEST="true")

    assert response.status_code == 204 and response["HX-Redirect"] == "/settings/users/"
    assert len(mailoutbox) == 1
    assert f"http://{school_a.primary_host}/account/invitation/" in mailoutbox[0].body
    page = admin_client.get("/settings/users/?status=invited").content.decode()
    assert "neema@alpha.test" in page and "Invitation sent" in page


def test_invite_errors_come_back_inline(admin_client, school_a, admin_a, mailoutbox):
    fragment = admin_client.post("/settings/users/invite/", {"email": admin_a.email, "role": "teacher"},
                                 HTTP_HX_REQUEST="true").content.decode()
    bad = admin_client.post("/settings/users/invite/", {"email": "nope", "role": "wizard"},
                            HTTP_HX_REQUEST="true").content.decode()

    assert fragment.lstrip().startswith('<form id="invite-form"')
    assert "already exists" in fragment and "is-invalid" in fragment
    assert "valid email" in bad and "wizard" in bad
    assert mailoutbox == []


def test_invite_without_javascript_redirects_or_shows_the_form(admin_client, school_a):
    ok = admin_client.post("/settings/users/invite/", {"email": "juma@alpha.test", "role": "accountant"})
    bad = admin_client.post("/settings/users/invite/", {"email": "", "role": "accountant"})

    assert ok.status_code == 302 and ok.url == "/settings/users/"
    assert bad.status_code == 400 and "is-invalid" in bad.content.decode()


def test_change_role_answers_the_row(admin_client, school_a):
    person = make(school_a, role="teacher")

    row = admin_client.post(f"/settings/users/{person.pk}/role/", {f"u{person.pk}-role": "accountant"},
                            HTTP_HX_REQUEST="true").content.decode()

    assert row.lstrip().startswith(f'<tr id="user-{person.pk}"')
    assert '<option value="accountant" selected>' in row
    with schema_context(school_a.schema_name):
        assert list(person.groups.values_list("name", flat=True)) == ["accountant"]


def test_the_last_admin_sees_why_they_cannot_step_down(admin_client, school_a, admin_a):
    demote = admin_client.post(f"/settings/users/{admin_a.pk}/role/", {f"u{admin_a.pk}-role": "teacher"},
                               HTTP_HX_REQUEST="true").content.decode()
    deactivate = admin_client.post(f"/settings/users/{admin_a.pk}/deactivate/", HTTP_HX_REQUEST="true").content.decode()

    assert "last active school admin" in demote and '<option value="school_admin" selected>' in demote
    assert "last active school admin" in deactivate
    with schema_context(school_a.schema_name):
        admin_a.refresh_from_db()
        assert (admin_a.role, admin_a.is_active) == ("school_admin", True)


def test_deactivate_reactivate_and_resend(admin_client, school_a, mailoutbox, django_capture_on_commit_callbacks):
    person = make(school_a, role="teacher")
    with schema_context(school_a.schema_name):
        invited = make(school_a, role="parent")
        invited.set_unusable_password()
        invited.save()

    off = admin_client.post(f"/settings/users/{person.pk}/deactivate/", HTTP_HX_REQUEST="true").content.decode()
    on = admin_client.post(f"/settings/users/{person.pk}/reactivate/", HTTP_HX_REQUEST="true").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        resent = admin_client.post(f"/settings/users/{invited.pk}/resend/", HTTP_HX_REQUEST="true")
    not_pending = admin_client.post(f"/settings/users/{person.pk}/resend/", HTTP_HX_REQUEST="true").content.decode()

    assert 'data-status="deactivated"' in off and 'data-status="active"' in on
    assert resent.status_code == 200 and len(mailoutbox) == 1 and mailoutbox[0].to == [invited.email]
    assert "no pending invitation" in not_pending


def test_a_user_of_another_school_is_404(admin_client, school_b):
    with schema_context(school_b.schema_name):
        stranger = UserFactory(role="teacher")
    with schema_context("alpha"):
        taken = set(get_user_model().objects.values_list("pk", flat=True))
    if stranger.pk in taken:
        pytest.skip("the id exists in both schools")

    assert admin_client.post(f"/settings/users/{stranger.pk}/deactivate/").status_code == 404


def test_the_list_query_count_is_bounded(admin_client, school_a, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        UserFactory.create_batch(40, role="teacher")

    # one more than before: which people on the page are locked out (one query for the page)
    with django_assert_max_num_queries(14):
        assert admin_client.get("/settings/users/").status_code == 200


def test_the_page_and_the_invitation_speak_kiswahili(admin_client, school_a):
    page = admin_client.get("/settings/users/", HTTP_ACCEPT_LANGUAGE="sw").content.decode()

    assert "Watumiaji na majukumu" in page and "Tuma mwaliko" in page
