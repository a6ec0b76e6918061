"""migrate_schemas skips schools with nothing to apply and migrates those that lack something."""

from django.core.management import call_command
from django.db import connection

from apps.platform.migration import schemas_with_pending_migrations


def test_up_to_date_schools_have_nothing_pending(school_a, school_b):
    assert schemas_with_pending_migrations(["alpha", "beta", "school_template"]) == []


def test_a_school_missing_a_migration_is_found(school_a, school_b):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM alpha.django_migrations WHERE app = 'jobs'")

    assert schemas_with_pending_migrations(["alpha", "beta"]) == ["alpha"]


def test_a_schema_without_a_migrations_table_is_pending(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA empty_one")

    assert schemas_with_pending_migrations(["empty_one"]) == ["empty_one"]


def test_migrate_with_nothing_pending_touches_no_school(school_a, capsys):
    call_command("migrate_schemas", "--tenant", verbosity=1)

    out = capsys.readouterr().out
    assert "0 of" in out and "have migrations to apply" in out
    assert "[alpha]" not in out and ":alpha]" not in out
