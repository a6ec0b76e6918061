"""Spare schemas: provisioning renames a ready spare; stale spares are never used."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from apps.platform.models import SpareSchema, Tenant
from apps.platform.services import school_provision
from apps.platform.spares import spare_schema_claim, spare_schemas_replenish

SCHOOL = {"name": "Mlimani", "admin_email": "head@mlimani.test", "admin_password": "a-long-first-password"}


@pytest.fixture(autouse=True)
def no_spares_yet(db):
    """Start from an empty pool (inside the test's transaction, so nothing outside it changes)."""
    for spare in SpareSchema.objects.all():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{spare.schema_name}" CASCADE')
        spare.delete()


def test_replenish_makes_spares_up_to_the_target(db):
    assert spare_schemas_replenish(target=2) == {"dropped": 0, "made": 2}
    assert spare_schemas_replenish(target=2) == {"dropped": 0, "made": 0}

    names = list(SpareSchema.objects.values_list("schema_name", flat=True))
    assert len(names) == 2 and all(schema_exists(name) for name in names)
    with schema_context(names[0]):
        assert get_user_model().objects.count() == 0


def test_provisioning_takes_a_spare_when_one_is_ready(db):
    spare_schemas_replenish(target=1)
    spare = SpareSchema.objects.get().schema_name

    school = school_provision(slug="mlimani", **SCHOOL)

    assert not schema_exists(spare)
    assert not SpareSchema.objects.exists()
    assert school.schema_name == "mlimani" and schema_exists("mlimani")
    with schema_context("mlimani"):
        assert get_user_model().objects.get().email == "head@mlimani.test"


def test_provisioning_clones_when_no_spare_is_ready(db):
    school = school_provision(slug="mlimani", **SCHOOL)

    assert school.ready and schema_exists("mlimani")


def test_a_spare_from_an_older_template_is_never_used_and_is_replaced(db):
    spare_schemas_replenish(target=1)
    old = SpareSchema.objects.get()
    with connection.cursor() as cursor:  # the template moves on: a migration is applied to it
        cursor.execute(f"INSERT INTO {settings.TENANT_BASE_SCHEMA}.django_migrations (app, name, applied) "
                       "VALUES ('tests', '0001_moved_on', now())")

    assert spare_schema_claim(new_name="mlimani") is False
    assert spare_schemas_replenish(target=1) == {"dropped": 1, "made": 1}
    assert not schema_exists(old.schema_name)


def test_a_failed_provisioning_leaves_nothing_behind(db, monkeypatch):
    spare_schemas_replenish(target=1)
    spare = SpareSchema.objects.get().schema_name
    monkeypatch.setattr("apps.platform.services.user_create", lambda **kwargs: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        school_provision(slug="mlimani", **SCHOOL)

    # the spare became the school's schema in the first step; the clean-up dropped it with the school
    connection.set_schema_to_public()
    assert not Tenant.objects.filter(slug="mlimani").exists() and not schema_exists("mlimani")
    assert not SpareSchema.objects.exists() and not schema_exists(spare)


def test_spare_like_slugs_are_reserved(db):
    from django.core.exceptions import ValidationError

    from apps.platform.slugs import slug_validate

    with pytest.raises(ValidationError, match="reserved"):
        slug_validate("spare-0123456789abcdef0123")
