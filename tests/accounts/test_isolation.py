"""A school's people and sessions exist only in that school."""

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from tests.accounts.signin import console_sign_in
from tests.conftest import ADMIN_PASSWORD, SCHOOL_A
from tests.factories import TOTPDeviceFactory, UserFactory, totp_code


def test_users_of_one_school_are_invisible_in_another(school_a, school_b):
    User = get_user_model()
    with schema_context(school_a.schema_name):
        UserFactory(email="only-in-alpha@example.test")
    with schema_context(school_b.schema_name):
        assert not User.objects.filter(email="only-in-alpha@example.test").exists()
    with schema_context(school_a.schema_name):
        assert User.objects.filter(email="only-in-alpha@example.test").exists()


def test_the_template_schema_holds_no_users(db):
    from django.conf import settings

    with schema_context(settings.TENANT_BASE_SCHEMA):
        assert get_user_model().objects.count() == 0


def test_console_login_then_dashboard(client, school_a, admin_a):
    host = school_a.primary_host
    with schema_context(school_a.schema_name):
        device = TOTPDeviceFactory(user=admin_a)  # a school admin signs in with a second factor
    response = client.post("/login/", {"login": SCHOOL_A["admin_email"], "password": ADMIN_PASSWORD},
                           HTTP_HOST=host)
    assert response.status_code == 302 and response.url == "/dashboard/"
    client.post("/account/two-factor/verify/", {"code": totp_code(device)}, HTTP_HOST=host)

    dashboard = client.get("/dashboard/", HTTP_HOST=host)

    assert dashboard.status_code == 200
    assert school_a.name in dashboard.content.decode()


def test_wrong_password_on_the_console_shows_an_error_and_no_session(client, school_a):
    response = client.post("/login/", {"login": SCHOOL_A["admin_email"], "password": "nope"},
                           HTTP_HOST=school_a.primary_host)

    assert response.status_code == 200
    assert "correct" in response.content.decode()  # Django's "enter a correct username and password"
    assert client.get("/dashboard/", HTTP_HOST=school_a.primary_host).status_code == 302


def test_a_session_from_one_school_is_not_valid_in_another(client, school_a, school_b):
    client.post("/login/", {"login": SCHOOL_A["admin_email"], "password": ADMIN_PASSWORD},
                HTTP_HOST=school_a.primary_host)

    # the same cookie jar carried to another school's host (a browser would not even send it)
    response = client.get("/dashboard/", HTTP_HOST=school_b.primary_host)

    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_dashboard_query_count_does_not_grow_with_users(client, school_a, admin_a, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        UserFactory.create_batch(30, role="teacher")
        device = TOTPDeviceFactory(user=admin_a)
    console_sign_in(client, school_a.primary_host, SCHOOL_A["admin_email"], ADMIN_PASSWORD, device=device)

    # 5 queries (host, session, user, the session's OTP device, counts by role) and the school admin's 4
    # widgets (current term, students by class, today's registers, open mark flags), each after its SET search_path
    with django_assert_max_num_queries(18):
        assert client.get("/dashboard/", HTTP_HOST=school_a.primary_host).status_code == 200
