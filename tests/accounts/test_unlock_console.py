"""A school admin lifts a sign-in lockout from the users page; it is audited."""

from django.test import Client
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from tests.accounts.signin import console_sign_in
from tests.conftest import console_login
from tests.factories import DEFAULT_PASSWORD, UserFactory


def locked_teacher(school):
    with schema_context(school.schema_name):
        teacher = UserFactory(role="teacher")
    stranger = Client()
    for _ in range(5):
        console_sign_in(stranger, school.primary_host, teacher.email, "wrong-password")
    return teacher, stranger


def test_the_users_page_shows_who_is_locked_and_the_admin_unlocks_them(client, school_a, admin_a):
    teacher, stranger = locked_teacher(school_a)
    console_login(client, school_a, admin_a)

    page = client.get("/settings/users/").content.decode()
    row = client.post(f"/settings/users/{teacher.pk}/unlock/", HTTP_HX_REQUEST="true").content.decode()

    assert 'data-testid="locked"' in page and 'data-testid="unlock"' in page
    assert 'data-testid="locked"' not in row
    assert console_sign_in(stranger, school_a.primary_host, teacher.email, DEFAULT_PASSWORD).status_code == 302
    with schema_context(school_a.schema_name):
        event = AuditEvent.objects.get(action="user.lockout_reset")
    assert event.actor == admin_a.email and event.detail["username"] == teacher.username


def test_only_school_admins_unlock(client, school_a):
    teacher, _ = locked_teacher(school_a)
    with schema_context(school_a.schema_name):
        other = UserFactory(role="teacher")
    console_login(client, school_a, other)

    assert client.post(f"/settings/users/{teacher.pk}/unlock/").status_code == 403
    with schema_context(school_a.schema_name):
        assert not AuditEvent.objects.filter(action="user.lockout_reset").exists()


def test_another_schools_person_cannot_be_unlocked_from_here(client, school_a, school_b, admin_a):
    with schema_context(school_b.schema_name):
        elsewhere = UserFactory(role="teacher")
    console_login(client, school_a, admin_a)

    # ids are per school: this one is nobody here, or somebody else; never the person in beta
    response = client.post(f"/settings/users/{elsewhere.pk + 10_000}/unlock/")

    assert response.status_code == 404
