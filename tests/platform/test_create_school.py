"""Provisioning a school by cloning the template: success, and refusals that leave nothing behind."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from apps.platform.models import Domain, Tenant

GOOD = {"name": "Mlimani Secondary School", "admin_email": "head@mlimani.test",
        "admin_password": "a-long-first-password"}


def create_school(slug, **overrides):
    options = {**GOOD, **overrides}
    call_command("create_school", "--name", options["name"], "--admin-email", options["admin_email"],
                 "--admin-password", options["admin_password"], "--", slug)


def assert_nothing_left(slug):
    schema = slug.replace("-", "_")
    assert not Tenant.objects.filter(slug=slug).exists()
    assert not Domain.objects.filter(domain=f"{slug}.{settings.PLATFORM_HOST}").exists()
    if schema != settings.TENANT_BASE_SCHEMA:
        assert not schema_exists(schema) and not schema_exists(schema.lower())


def test_create_school_clones_the_template_with_domain_and_admin(db, capsys):
    create_school("mlimani")

    school = Tenant.objects.get(slug="mlimani")
    assert (school.schema_name, school.ready, school.status) == ("mlimani", True, "active")
    assert school.plan.code == "standard"
    assert Domain.objects.get(tenant=school).domain == "mlimani.localhost"
    with schema_context("mlimani"):
        admin = get_user_model().objects.get()
        assert (admin.email, admin.role) == ("head@mlimani.test", "school_admin")
        assert admin.check_password(GOOD["admin_password"])
        # the clone carries the template's migration history: nothing left to apply
        from apps.platform.migration import schemas_with_pending_migrations
        assert schemas_with_pending_migrations(["mlimani"]) == []
    assert "mlimani.localhost" in capsys.readouterr().out


def test_the_new_school_answers_on_its_host(db, client):
    create_school("mlimani")

    response = client.get("/login/", HTTP_HOST="mlimani.localhost")

    assert response.status_code == 200
    assert GOOD["name"] in response.content.decode()


def test_a_hyphenated_slug_gets_an_underscored_schema(db):
    create_school("st-marys")

    assert Tenant.objects.get(slug="st-marys").schema_name == "st_marys"


@pytest.mark.parametrize("slug, message", [
    ("admin", "reserved"),
    ("www", "reserved"),
    ("school-template", "reserved"),
    ("Mlimani", "capital letters"),
    ("ml", "3 to 40"),
    ("ml_imani", "not a valid slug"),
    ("-mlimani", "not a valid slug"),
    ("mli--mani", "not a valid slug"),
    ("9mlimani", "not a valid slug"),
])
def test_bad_slugs_are_refused_with_a_clear_message(db, slug, message):
    with pytest.raises(CommandError) as refusal:
        create_school(slug)

    assert message in str(refusal.value)
    assert_nothing_left(slug)


def test_a_taken_slug_is_refused(db, school_a):
    with pytest.raises(CommandError, match="already taken"):
        create_school("alpha")

    assert Tenant.objects.filter(slug="alpha").count() == 1


def test_a_bad_admin_email_or_weak_password_is_refused(db):
    with pytest.raises(CommandError) as refusal:
        create_school("mlimani", admin_email="not-an-email", admin_password="123")

    assert "admin_email" in str(refusal.value) and "admin_password" in str(refusal.value)
    assert_nothing_left("mlimani")


def test_a_failure_part_way_removes_everything_already_made(db, monkeypatch):
    def broken_user_create(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("apps.platform.services.user_create", broken_user_create)

    with pytest.raises(RuntimeError, match="disk full"):
        create_school("mlimani")

    connection.set_schema_to_public()
    assert_nothing_left("mlimani")


def test_the_template_schema_stays_without_users_after_provisioning(db):
    create_school("mlimani")

    with schema_context(settings.TENANT_BASE_SCHEMA):
        assert get_user_model().objects.count() == 0


def test_create_platform_owner(db, capsys):
    call_command("create_platform_owner", "--email", "boss@omnicore.test", "--password", "a-long-owner-password")

    owner = get_user_model().objects.get(email="boss@omnicore.test")
    assert (owner.role, owner.is_superuser) == ("platform_owner", True)
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_platform_owner", "--email", "boss@omnicore.test", "--password", "a-long-owner-password")
