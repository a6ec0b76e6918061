"""Console sign-in (allauth) and the second factor (django-otp): who must have it, the enrolment
page, the code prompt, backup codes, password reset, and schools kept apart."""

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context

from tests.accounts.signin import console_sign_in
from tests.conftest import ADMIN_PASSWORD, SCHOOL_A
from tests.factories import DEFAULT_PASSWORD, TOTPDeviceFactory, UserFactory, totp_code


def in_school(school, factory, **fields):
    with schema_context(school.schema_name):
        return factory(**fields)


@pytest.mark.parametrize("login", ["email", "username"])
def test_console_sign_in_by_email_or_username(client, school_a, login):
    teacher = in_school(school_a, UserFactory, role="teacher", username="mwalimu", email="mwalimu@alpha.test")

    response = client.post("/login/", {"login": getattr(teacher, login).upper() if login == "email" else "mwalimu",
                                       "password": DEFAULT_PASSWORD}, HTTP_HOST=school_a.primary_host)

    assert response.status_code == 302 and response.url == "/dashboard/"
    assert client.get("/dashboard/", HTTP_HOST=school_a.primary_host).status_code == 200


def test_login_page_keeps_the_school_name_and_language_switch(client, school_a):
    page = client.get("/login/", HTTP_HOST=school_a.primary_host).content.decode()

    assert school_a.name in page
    assert 'id="language-select"' in page
    assert 'name="login"' in page and 'name="password"' in page
    assert 'href="/account/password/reset/"' in page


def test_nobody_can_sign_up(client, school_a):
    response = client.get("/account/signup/", HTTP_HOST=school_a.primary_host)

    assert "Sign Up Closed" in response.content.decode() or response.status_code in (403, 404)


@pytest.mark.parametrize("role", ["school_admin", "accountant"])
def test_privileged_school_roles_without_a_device_are_sent_to_enrolment(client, school_a, role):
    user = in_school(school_a, UserFactory, role=role)
    console_sign_in(client, school_a.primary_host, user.email, DEFAULT_PASSWORD)

    for path in ("/dashboard/", "/jobs/", "/account/"):
        response = client.get(path, HTTP_HOST=school_a.primary_host)
        assert response.status_code == 302, path
        assert response.url == f"/account/two-factor/setup/?next={path.replace('/', '%2F')}"


def test_platform_owner_needs_the_second_factor_for_the_console_and_admin(client, platform_owner):
    console_sign_in(client, "localhost", platform_owner.email, DEFAULT_PASSWORD)

    for path in ("/super-admin/", "/super-admin/schools/", "/admin/"):
        response = client.get(path, HTTP_HOST="localhost")
        assert response.status_code == 302 and response.url.startswith("/account/two-factor/setup/"), path


def test_a_privileged_user_with_a_device_gets_the_code_prompt(client, school_a, admin_a, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code would otherwise hold the right one back a second
    with schema_context(school_a.schema_name):
        device = TOTPDeviceFactory(user=admin_a)
    console_sign_in(client, school_a.primary_host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)

    response = client.get("/dashboard/", HTTP_HOST=school_a.primary_host)
    assert response.url == "/account/two-factor/verify/?next=%2Fdashboard%2F"
    wrong = client.post("/account/two-factor/verify/", {"code": "000000" if totp_code(device) != "000000" else "111111"},
                        HTTP_HOST=school_a.primary_host)
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()

    right = client.post("/account/two-factor/verify/?next=/jobs/",
                        {"code": totp_code(device, 1), "next": "/jobs/"}, HTTP_HOST=school_a.primary_host)
    assert right.status_code == 302 and right.url == "/jobs/"
    assert client.get("/dashboard/", HTTP_HOST=school_a.primary_host).status_code == 200


def test_htmx_requests_are_checked_too(client, school_a, admin_a):
    console_sign_in(client, school_a.primary_host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)

    response = client.get("/jobs/", HTTP_HOST=school_a.primary_host, HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == "/account/two-factor/setup/"
    assert b"<table" not in response.content and b"jobs" not in response.content.lower()


def test_session_api_calls_need_the_second_factor(client, school_a, admin_a):
    console_sign_in(client, school_a.primary_host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)

    response = client.get("/api/v1/me/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "otp_required"


def test_an_external_next_is_not_followed(client, school_a, admin_a):
    with schema_context(school_a.schema_name):
        device = TOTPDeviceFactory(user=admin_a)
    console_sign_in(client, school_a.primary_host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)

    response = client.post("/account/two-factor/verify/", {"code": totp_code(device), "next": "https://evil.test/"},
                           HTTP_HOST=school_a.primary_host)

    assert response.status_code == 302 and response.url == "/dashboard/"


def test_other_roles_need_no_second_factor_but_may_enrol(client, school_a):
    teacher = in_school(school_a, UserFactory, role="teacher")
    console_sign_in(client, school_a.primary_host, teacher.email, DEFAULT_PASSWORD)

    assert client.get("/dashboard/", HTTP_HOST=school_a.primary_host).status_code == 200
    account = client.get("/account/", HTTP_HOST=school_a.primary_host).content.decode()
    assert "Optional for your role" in account and 'href="/account/two-factor/setup/"' in account


def test_another_role_with_a_device_is_asked_for_the_code(client, school_a):
    teacher = in_school(school_a, UserFactory, role="teacher")
    with schema_context(school_a.schema_name):
        TOTPDeviceFactory(user=teacher)
    console_sign_in(client, school_a.primary_host, teacher.email, DEFAULT_PASSWORD)

    response = client.get("/dashboard/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 302 and response.url.startswith("/account/two-factor/verify/")


def test_enrolment_shows_qr_and_secret_then_confirms_with_backup_codes(client, school_a, admin_a):
    host = school_a.primary_host
    console_sign_in(client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)

    page = client.get("/account/two-factor/setup/?next=/jobs/", HTTP_HOST=host).content.decode()
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7]+)<', page).group(1)
    assert "<svg" in page and "<path" in page and "http" not in page.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org", "")
    with schema_context(school_a.schema_name):
        device = TOTPDevice.objects.get(user=admin_a)
        assert not device.confirmed
        assert secret.rstrip("=") == __import__("base64").b32encode(device.bin_key).decode().rstrip("=")
    # reloading shows the same secret (the device waits for its code)
    assert secret in client.get("/account/two-factor/setup/", HTTP_HOST=host).content.decode()

    wrong = client.post("/account/two-factor/setup/", {"code": "12345"}, HTTP_HOST=host)
    assert wrong.status_code == 200 and "is-invalid" in wrong.content.decode()
    done = client.post("/account/two-factor/setup/", {"code": totp_code(device, 1), "next": "/jobs/"}, HTTP_HOST=host)

    codes = re.findall(r'<span class="d-block border rounded py-1">([a-z0-9]+)</span>', done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/jobs/"' in done.content.decode()
    with schema_context(school_a.schema_name):
        device.refresh_from_db()
        assert device.confirmed
        assert sorted(StaticToken.objects.filter(device__user=admin_a).values_list("token", flat=True)) == sorted(codes)
    # this session is verified by the enrolment
    assert client.get("/dashboard/", HTTP_HOST=host).status_code == 200
    # and the set-up page does not offer a second secret
    assert client.get("/account/two-factor/setup/", HTTP_HOST=host).status_code == 302


def test_a_backup_code_works_once(client, school_a, admin_a, settings):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    host = school_a.primary_host
    with schema_context(school_a.schema_name):
        from apps.accounts.otp import backup_codes_replace

        TOTPDeviceFactory(user=admin_a)
        code = backup_codes_replace(user=admin_a)[0]

    console_sign_in(client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)
    first = client.post("/account/two-factor/verify/", {"code": code}, HTTP_HOST=host)
    assert first.status_code == 302 and first.url == "/dashboard/"

    client.post("/logout/", HTTP_HOST=host)
    console_sign_in(client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)
    again = client.post("/account/two-factor/verify/", {"code": code}, HTTP_HOST=host)
    assert again.status_code == 200
    assert client.get("/dashboard/", HTTP_HOST=host).status_code == 302
    with schema_context(school_a.schema_name):
        assert StaticToken.objects.filter(device__user=admin_a).count() == 9


def test_sign_out_ends_the_session(client, school_a):
    teacher = in_school(school_a, UserFactory, role="teacher")
    console_sign_in(client, school_a.primary_host, teacher.email, DEFAULT_PASSWORD)

    response = client.post("/logout/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 302 and response.url == "/login/"
    assert client.get("/dashboard/", HTTP_HOST=school_a.primary_host).status_code == 302


def test_password_reset_email_and_link(client, school_a):
    teacher = in_school(school_a, UserFactory, role="teacher", email="reset-me@alpha.test")
    host = school_a.primary_host

    response = client.post("/account/password/reset/", {"email": "reset-me@alpha.test"}, HTTP_HOST=host)

    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["reset-me@alpha.test"]
    link = re.search(r"http://[^\s]+/account/password/reset/key/[^\s]+", mail.outbox[0].body).group(0)
    assert link.startswith(f"http://{host}/")
    path = link.split(host, 1)[1]
    form_page = client.get(path, HTTP_HOST=host, follow=True)
    assert form_page.status_code == 200 and 'name="password1"' in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
                       {"password1": "a-brand-new-password", "password2": "a-brand-new-password"}, HTTP_HOST=host)
    assert done.status_code == 302

    signed_in = console_sign_in(client, host, teacher.email, "a-brand-new-password")
    assert signed_in.status_code == 302 and signed_in.url == "/dashboard/"


def test_password_reset_in_school_b_knows_nobody_from_school_a(client, school_b):
    client.post("/account/password/reset/", {"email": SCHOOL_A["admin_email"]}, HTTP_HOST=school_b.primary_host)

    assert all(SCHOOL_A["admin_email"] not in message.to for message in mail.outbox)


def test_a_user_of_school_a_cannot_sign_in_at_school_b(client, school_b):
    response = console_sign_in(client, school_b.primary_host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)

    assert response.status_code == 200
    assert client.get("/dashboard/", HTTP_HOST=school_b.primary_host).status_code == 302


def test_email_verification_is_optional_and_works_from_the_account_pages(client, school_a):
    from allauth.account.models import EmailAddress

    teacher = in_school(school_a, UserFactory, role="teacher", email="verify-me@alpha.test")
    host = school_a.primary_host
    console_sign_in(client, host, teacher.email, DEFAULT_PASSWORD)
    assert mail.outbox == []  # signing in with an unverified address sends nothing and blocks nothing

    client.post("/account/email/", {"email": "verify-me@alpha.test", "action_send": ""}, HTTP_HOST=host)

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/account/confirm-email/\S+/", mail.outbox[0].body).group(0)
    assert link.startswith(f"http://{host}/")
    path = link.split(host, 1)[1]
    assert client.get(path, HTTP_HOST=host).status_code == 200
    client.post(path, HTTP_HOST=host)
    with schema_context(school_a.schema_name):
        assert EmailAddress.objects.get(user=teacher, email="verify-me@alpha.test").verified


def test_new_backup_codes_replace_the_old_ones(client, school_a, admin_a):
    host = school_a.primary_host
    with schema_context(school_a.schema_name):
        from apps.accounts.otp import backup_codes_replace

        device = TOTPDeviceFactory(user=admin_a)
        old_codes = backup_codes_replace(user=admin_a)
    console_sign_in(client, host, SCHOOL_A["admin_email"], ADMIN_PASSWORD, device=device)
    assert "10 backup codes left" in client.get("/account/", HTTP_HOST=host).content.decode()

    page = client.post("/account/two-factor/backup-codes/", HTTP_HOST=host).content.decode()

    new_codes = re.findall(r'<span class="d-block border rounded py-1">([a-z0-9]+)</span>', page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    with schema_context(school_a.schema_name):
        assert sorted(StaticToken.objects.filter(device__user=admin_a).values_list("token", flat=True)) == \
            sorted(new_codes)


def test_new_backup_codes_need_a_verified_session(client, school_a, admin_a):
    with schema_context(school_a.schema_name):
        TOTPDeviceFactory(user=admin_a)
    console_sign_in(client, school_a.primary_host, SCHOOL_A["admin_email"], ADMIN_PASSWORD)

    response = client.post("/account/two-factor/backup-codes/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 302 and response.url.startswith("/account/two-factor/verify/")
    with schema_context(school_a.schema_name):
        assert not StaticToken.objects.filter(device__user=admin_a).exists()
