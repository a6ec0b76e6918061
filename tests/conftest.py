"""Shared fixtures: the test database, two schools cloned from the template, people in them.

Tests run in a transaction that is rolled back (the `db` fixture). The schools below are made
once per session and committed, so tests that need committed data (a real Celery worker, a
browser against a live server) can use them too. `transactional_db` is refused: its flush
would empty the public schema's school rows out from under every other test.
"""

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from apps.platform.models import Tenant
from tests.factories import UserFactory

SCHOOL_A = {"slug": "alpha", "name": "Alpha Secondary School", "admin_email": "admin@alpha.test"}
SCHOOL_B = {"slug": "beta", "name": "Beta High School", "admin_email": "admin@beta.test"}
ADMIN_PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from apps.platform.services import school_provision

    with django_db_blocker.unblock():
        # never the development or a production database, whatever the environment says
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        connection.set_schema_to_public()
        for spec in (SCHOOL_A, SCHOOL_B):
            if not Tenant.objects.filter(slug=spec["slug"]).exists():
                school_provision(admin_password=ADMIN_PASSWORD, **spec)


@pytest.fixture(autouse=True)
def _refuse_transactional_db(request):
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        raise pytest.UsageError("transactional_db/live_server would flush the public schema; "
                                "use the committed session schools or tests/e2e's server instead")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters and cached pages from one test must not leak into the next
    (only this runner's keys, <schema>:<prefix>:...: parallel runners share the Redis database)."""
    from django.conf import settings
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    for key in redis.scan_iter(match=f"*:{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000):
        redis.delete(key)


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    yield
    connection.set_schema_to_public()


@pytest.fixture
def school_a(db) -> Tenant:
    return Tenant.objects.get(slug=SCHOOL_A["slug"])


@pytest.fixture
def school_b(db) -> Tenant:
    return Tenant.objects.get(slug=SCHOOL_B["slug"])


@pytest.fixture
def in_school_a(school_a):
    """Run the test body inside school A's schema."""
    with schema_context(school_a.schema_name):
        yield school_a


@pytest.fixture
def admin_a(school_a):
    with schema_context(school_a.schema_name):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(email=SCHOOL_A["admin_email"])


@pytest.fixture
def teacher_a(school_a):
    with schema_context(school_a.schema_name):
        return UserFactory(role="teacher")


@pytest.fixture
def admin_b(school_b):
    with schema_context(school_b.schema_name):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(email=SCHOOL_B["admin_email"])


@pytest.fixture
def platform_owner(db):
    connection.set_schema_to_public()
    return UserFactory(role="platform_owner", is_staff=True, is_superuser=True)


def console_login(client, school: Tenant | None, user, *, second_factor: bool = True) -> None:
    """A console session for `user` in `school`'s schema (None: the platform), as after signing in
    with a password and, when `second_factor`, an authenticator code (a confirmed TOTP device)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import get_public_schema_name

    with schema_context(school.schema_name if school else get_public_schema_name()):
        client.force_login(user)
        if second_factor:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or \
                TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
    client.defaults["HTTP_HOST"] = school.primary_host if school else "localhost"


def host_of(school: Tenant) -> str:
    return school.primary_host


@pytest.fixture
def client_a(client, school_a):
    client.defaults["HTTP_HOST"] = host_of(school_a)
    return client


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def tokens_in(school: Tenant, user) -> dict:
    """Access and refresh tokens for `user`, issued in `school`."""
    from apps.accounts.api.serializers import tokens_for

    with schema_context(school.schema_name):
        return tokens_for(user)
