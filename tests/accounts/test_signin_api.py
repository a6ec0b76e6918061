"""The token endpoint and the second factor: enrolment token, TOTP set-up, then `otp` on every sign-in."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context
from rest_framework_simplejwt.tokens import AccessToken

from tests.conftest import ADMIN_PASSWORD, SCHOOL_A, tokens_in
from tests.factories import DEFAULT_PASSWORD, TOTPDeviceFactory, UserFactory, totp_code


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings):
    # django-otp holds a device back a second after a wrong code; these tests send codes in a row
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def obtain(api_client, host, username, password, **extra):
    return api_client.post("/api/v1/auth/token/", {"username": username, "password": password, **extra},
                           format="json", HTTP_HOST=host)


def enrolment_token(api_client, school):
    response = obtain(api_client, school.primary_host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)
    assert response.status_code == 401
    body = response.json()["error"]
    assert body["code"] == "otp_enrolment_required"
    return body["details"]["enrolment_token"]


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_whole_api_flow(api_client, school_a, admin_a):
    host = school_a.primary_host
    token = enrolment_token(api_client, school_a)

    started = api_client.post("/api/v1/auth/otp/totp/", HTTP_HOST=host, **bearer(token))
    assert started.status_code == 201
    secret, uri = started.json()["secret"], started.json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    with schema_context(school_a.schema_name):
        device = TOTPDevice.objects.get(user=admin_a)

    wrong = api_client.post("/api/v1/auth/otp/totp/confirm/", {"code": "12"}, format="json", HTTP_HOST=host,
                            **bearer(token))
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "otp_invalid"
    confirmed = api_client.post("/api/v1/auth/otp/totp/confirm/", {"code": totp_code(device, -1)}, format="json",
                                HTTP_HOST=host, **bearer(token))
    assert confirmed.status_code == 200
    backup_codes = confirmed.json()["backup_codes"]
    assert len(backup_codes) == 10 and len(set(backup_codes)) == 10

    missing = obtain(api_client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)
    assert missing.status_code == 401 and missing.json()["error"]["code"] == "otp_required"
    invalid = obtain(api_client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD, otp="000000")
    assert invalid.status_code == 401 and invalid.json()["error"]["code"] == "otp_invalid"
    signed_in = obtain(api_client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD, otp=totp_code(device))
    assert signed_in.status_code == 200
    assert AccessToken(signed_in.json()["access"])["tenant"] == "alpha"

    # the same code again is refused (each TOTP is good once), a backup code works once
    replay = obtain(api_client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD, otp=totp_code(device))
    assert replay.json()["error"]["code"] == "otp_invalid"
    assert obtain(api_client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD, otp=backup_codes[0]).status_code == 200
    reused = obtain(api_client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD, otp=backup_codes[0])
    assert reused.json()["error"]["code"] == "otp_invalid"

    # the enrolment token has done its work: no second secret
    again = api_client.post("/api/v1/auth/otp/totp/", HTTP_HOST=host, **bearer(token))
    assert again.status_code == 409 and again.json()["error"]["code"] == "otp_already_enrolled"


def test_the_secret_is_shown_once_a_new_call_replaces_it(api_client, school_a, admin_a):
    token = enrolment_token(api_client, school_a)
    first = api_client.post("/api/v1/auth/otp/totp/", HTTP_HOST=school_a.primary_host, **bearer(token)).json()
    second = api_client.post("/api/v1/auth/otp/totp/", HTTP_HOST=school_a.primary_host, **bearer(token)).json()

    assert first["secret"] != second["secret"]
    with schema_context(school_a.schema_name):
        assert TOTPDevice.objects.filter(user=admin_a).count() == 1


def test_the_enrolment_token_is_refused_by_other_endpoints(api_client, school_a):
    token = enrolment_token(api_client, school_a)

    me = api_client.get("/api/v1/me/", HTTP_HOST=school_a.primary_host, **bearer(token))
    jobs = api_client.get("/api/v1/jobs/", HTTP_HOST=school_a.primary_host, **bearer(token))
    refresh = api_client.post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json",
                              HTTP_HOST=school_a.primary_host)

    assert me.status_code == jobs.status_code == refresh.status_code == 401


def test_access_tokens_are_refused_by_the_enrolment_endpoints(api_client, school_a, admin_a):
    access = tokens_in(school_a, admin_a)["access"]

    response = api_client.post("/api/v1/auth/otp/totp/", HTTP_HOST=school_a.primary_host, **bearer(access))

    assert response.status_code == 401
    with schema_context(school_a.schema_name):
        assert not TOTPDevice.objects.filter(user=admin_a).exists()


def test_the_enrolment_token_is_refused_in_another_school(api_client, school_a, school_b, admin_b):
    token = enrolment_token(api_client, school_a)

    on_host = api_client.post("/api/v1/auth/otp/totp/", HTTP_HOST=school_b.primary_host, **bearer(token))
    by_header = api_client.post("/api/v1/auth/otp/totp/", HTTP_HOST="localhost", HTTP_X_TENANT_ID="beta",
                                **bearer(token))

    assert on_host.status_code == by_header.status_code == 401
    assert on_host.json()["error"]["code"] == "token_tenant_mismatch"
    with schema_context(school_b.schema_name):
        assert not TOTPDevice.objects.exists()


def test_an_expired_enrolment_token_is_refused(api_client, school_a, admin_a):
    from datetime import timedelta

    from apps.accounts.api.authentication import OTPEnrolmentToken

    with schema_context(school_a.schema_name):
        token = OTPEnrolmentToken.for_user_here(admin_a)
    token.set_exp(lifetime=timedelta(seconds=-1))

    response = api_client.post("/api/v1/auth/otp/totp/", HTTP_HOST=school_a.primary_host, **bearer(str(token)))

    assert response.status_code == 401


@pytest.mark.parametrize("role", ["accountant", "platform_owner"])
def test_other_privileged_roles_must_enrol_too(api_client, school_a, role):
    if role == "platform_owner":
        user, host = UserFactory(role=role), "localhost"
    else:
        with schema_context(school_a.schema_name):
            user = UserFactory(role=role)
        host = school_a.primary_host

    response = obtain(api_client, host, user.email, DEFAULT_PASSWORD)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_enrolment_required"


def test_a_teacher_signs_in_without_otp_until_she_enrols(api_client, school_a):
    with schema_context(school_a.schema_name):
        teacher = UserFactory(role="teacher")
    assert obtain(api_client, school_a.primary_host, teacher.email, DEFAULT_PASSWORD).status_code == 200

    with schema_context(school_a.schema_name):
        device = TOTPDeviceFactory(user=teacher)
    missing = obtain(api_client, school_a.primary_host, teacher.email, DEFAULT_PASSWORD)
    signed_in = obtain(api_client, school_a.primary_host, teacher.email, DEFAULT_PASSWORD, otp=totp_code(device))

    assert missing.json()["error"]["code"] == "otp_required"
    assert signed_in.status_code == 200


def test_a_wrong_password_says_nothing_about_otp(api_client, school_a, admin_a):
    response = obtain(api_client, school_a.primary_host, SCHOOL_A["admin_email"], "not-the-password")

    assert response.json()["error"]["code"] == "invalid_credentials"
    assert response.json()["error"]["details"] == {}
