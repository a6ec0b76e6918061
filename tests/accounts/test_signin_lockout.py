"""Lockout (django-axes): five failures lock an account + address for 15 minutes, on the console and
the token endpoint alike; an admin's unlock is audited."""

import io
from datetime import timedelta

from axes.models import AccessAttempt
from django.core.management import call_command
from django_tenants.utils import schema_context

from apps.accounts.lockout import lockout_reset
from tests.accounts.signin import console_sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory


def teacher_in(school):
    with schema_context(school.schema_name):
        return UserFactory(role="teacher")


def obtain(api_client, school, username, password):
    return api_client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json",
                           HTTP_HOST=school.primary_host)


def test_console_locks_after_five_failures_even_for_the_right_password(client, school_a):
    teacher = teacher_in(school_a)
    for _ in range(4):
        assert console_sign_in(client, school_a.primary_host, teacher.email, "wrong-password").status_code == 200
    # the fifth failure locks: it is answered with the lockout already
    assert console_sign_in(client, school_a.primary_host, teacher.email, "wrong-password").status_code == 429

    sixth = console_sign_in(client, school_a.primary_host, teacher.email, DEFAULT_PASSWORD)

    assert sixth.status_code == 429
    assert "locked" in sixth.content.decode()
    assert client.get("/dashboard/", HTTP_HOST=school_a.primary_host).status_code == 302


def test_token_endpoint_locks_after_five_failures(api_client, school_a):
    teacher = teacher_in(school_a)
    for _ in range(4):
        assert obtain(api_client, school_a, teacher.email, "wrong-password").status_code == 401
    assert obtain(api_client, school_a, teacher.email, "wrong-password").status_code == 429

    sixth = obtain(api_client, school_a, teacher.email, DEFAULT_PASSWORD)

    assert sixth.status_code == 429
    assert sixth.json()["error"]["code"] == "account_locked"
    assert "access" not in sixth.json()


def test_failures_count_across_console_and_api_and_spellings(client, api_client, school_a):
    teacher = teacher_in(school_a)
    for _ in range(3):
        console_sign_in(client, school_a.primary_host, teacher.email.upper(), "wrong-password")
    for _ in range(2):
        obtain(api_client, school_a, teacher.email, "wrong-password")

    assert obtain(api_client, school_a, teacher.email, DEFAULT_PASSWORD).status_code == 429


def test_the_lock_ends_after_fifteen_minutes(api_client, school_a):
    teacher = teacher_in(school_a)
    for _ in range(5):
        obtain(api_client, school_a, teacher.email, "wrong-password")
    with schema_context(school_a.schema_name):
        AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=16))

    assert obtain(api_client, school_a, teacher.email, DEFAULT_PASSWORD).status_code == 200


def test_a_lockout_in_one_school_does_not_lock_another(api_client, school_a, school_b):
    teacher_a = teacher_in(school_a)
    with schema_context(school_b.schema_name):
        UserFactory(role="teacher", email=teacher_a.email, username=teacher_a.username)
    for _ in range(5):
        obtain(api_client, school_a, teacher_a.email, "wrong-password")

    assert obtain(api_client, school_b, teacher_a.email, DEFAULT_PASSWORD).status_code == 200


def test_unlock_by_an_admin_is_audited(api_client, school_a, admin_a):
    from apps.audit.models import AuditEvent

    teacher = teacher_in(school_a)
    for _ in range(5):
        obtain(api_client, school_a, teacher.email, "wrong-password")

    with schema_context(school_a.schema_name):
        assert lockout_reset(username=teacher.email, actor=admin_a) >= 1
        event = AuditEvent.objects.filter(action="user.lockout_reset").latest("pk")
        assert event.detail == {"username": teacher.email}
        assert event.actor_id == admin_a.pk

    assert obtain(api_client, school_a, teacher.email, DEFAULT_PASSWORD).status_code == 200


def test_unlock_user_command(api_client, school_a):
    teacher = teacher_in(school_a)
    for _ in range(5):
        obtain(api_client, school_a, teacher.email, "wrong-password")

    out = io.StringIO()
    call_command("unlock_user", teacher.email, "--schema", school_a.schema_name, stdout=out)

    assert "unlocked" in out.getvalue()
    assert obtain(api_client, school_a, teacher.email, DEFAULT_PASSWORD).status_code == 200


def test_email_and_username_spellings_count_for_one_account(api_client, school_a):
    with schema_context(school_a.schema_name):
        teacher = UserFactory(role="teacher", username="mwalimu", email="mwalimu@alpha.test")
    for login in ("mwalimu", "MWALIMU@alpha.test", "Mwalimu", "mwalimu@alpha.test"):
        assert obtain(api_client, school_a, login, "wrong-password").status_code == 401

    assert obtain(api_client, school_a, "mwalimu", "wrong-password").status_code == 429
    assert obtain(api_client, school_a, teacher.email, DEFAULT_PASSWORD).status_code == 429


def test_a_successful_api_sign_in_forgets_earlier_failures(api_client, school_a):
    teacher = teacher_in(school_a)
    for _ in range(4):
        obtain(api_client, school_a, teacher.email, "wrong-password")
    assert obtain(api_client, school_a, teacher.email, DEFAULT_PASSWORD).status_code == 200

    assert obtain(api_client, school_a, teacher.email, "wrong-password").status_code == 401
    assert obtain(api_client, school_a, teacher.email, DEFAULT_PASSWORD).status_code == 200
