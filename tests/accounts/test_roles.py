"""Roles are groups: permissions declared once in code, synced into every school, membership
following the user's role field."""

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_tenants.utils import schema_context

from apps.accounts.roles import ROLE_PERMISSIONS, SCHOOL_ROLES
from apps.accounts.services import roles_sync, user_create
from apps.platform.cloning import schema_clone
from tests.factories import UserFactory


def group_permissions() -> dict[str, set[str]]:
    return {group.name: {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
            for group in Group.objects.prefetch_related("permissions__content_type")}


def role_groups_of(user) -> set[str]:
    return set(user.groups.filter(name__in=list(ROLE_PERMISSIONS)).values_list("name", flat=True))


def test_every_school_role_is_declared_and_the_platform_owner_is_not():
    assert set(ROLE_PERMISSIONS) == set(SCHOOL_ROLES)


def test_a_provisioned_school_has_the_declared_groups(in_school_a):
    assert group_permissions() == {str(role): set(names) for role, names in ROLE_PERMISSIONS.items()}


def test_the_first_school_admin_is_in_the_school_admin_group_and_has_its_permissions(admin_a, in_school_a):
    assert role_groups_of(admin_a) == {"school_admin"}
    assert admin_a.has_perm("accounts.change_user")


def test_a_teacher_does_not_get_the_admins_permissions(in_school_a):
    teacher = user_create(email="t@alpha.test", password="a-long-teacher-pass", role="teacher")

    assert role_groups_of(teacher) == {"teacher"}
    assert not teacher.has_perm("accounts.change_user")


def test_sync_is_idempotent(in_school_a):
    summary = roles_sync()

    assert summary == {"groups_created": [], "groups_changed": [], "members_added": 0, "members_removed": 0}


def test_a_changed_declaration_is_synced_and_then_synced_back(in_school_a):
    declaration = {**ROLE_PERMISSIONS, "teacher": frozenset({"jobs.view_job"}),
                   "school_admin": ROLE_PERMISSIONS["school_admin"] - {"auth.view_group"}}

    summary = roles_sync(declaration=declaration)

    assert sorted(summary["groups_changed"]) == ["school_admin", "teacher"]
    assert group_permissions()["teacher"] == {"jobs.view_job"}
    assert "auth.view_group" not in group_permissions()["school_admin"]

    roles_sync()

    assert group_permissions()["teacher"] == set()
    assert "auth.view_group" in group_permissions()["school_admin"]


def test_a_new_role_in_the_declaration_gets_its_group(in_school_a):
    roles_sync(declaration={**ROLE_PERMISSIONS, "librarian": frozenset({"accounts.view_user"})})

    assert group_permissions()["librarian"] == {"accounts.view_user"}


def test_an_unknown_permission_is_an_error_and_changes_nothing(in_school_a):
    before = group_permissions()

    with pytest.raises(ImproperlyConfigured, match="accounts.fly_user"):
        roles_sync(declaration={**ROLE_PERMISSIONS, "teacher": frozenset({"accounts.fly_user"})})

    assert group_permissions() == before


def test_sync_puts_users_in_the_group_of_their_role_and_out_of_others(in_school_a):
    # rows written around the services (an old school, a factory) have no or the wrong group
    teacher = UserFactory(role="teacher")
    parent = UserFactory(role="parent")
    parent.groups.add(Group.objects.get(name="accountant"))
    other = Group.objects.create(name="library volunteers")
    parent.groups.add(other)

    summary = roles_sync()

    assert role_groups_of(teacher) == {"teacher"}
    assert role_groups_of(parent) == {"parent"}
    assert other in parent.groups.all()  # groups that are not roles are left alone
    assert summary["members_added"] == 2 and summary["members_removed"] == 1


def test_clones_of_the_template_carry_the_groups(db):
    template = settings.TENANT_BASE_SCHEMA
    with schema_context(template):
        roles_sync()

    schema_clone(template, "clone_with_roles")  # rolled back with the test's transaction

    with schema_context("clone_with_roles"):
        assert group_permissions() == {str(role): set(names) for role, names in ROLE_PERMISSIONS.items()}


def test_sync_roles_command_visits_the_template_and_every_school(school_a, school_b, capsys):
    with schema_context(school_b.schema_name):
        Group.objects.filter(name="teacher").delete()

    call_command("sync_roles")

    out = capsys.readouterr().out
    assert "beta: " in out and "roles in sync" in out
    for schema in (settings.TENANT_BASE_SCHEMA, school_a.schema_name, school_b.schema_name):
        with schema_context(schema):
            assert set(Group.objects.values_list("name", flat=True)) >= {str(r) for r in ROLE_PERMISSIONS}


def test_sync_roles_command_refuses_an_unknown_schema(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("sync_roles", "--schema", "no_such_school")


def test_sync_roles_command_skips_a_school_row_without_a_schema(school_a, capsys):
    from apps.platform.models import Tenant

    Tenant.objects.create(schema_name="gone_school", slug="gone-school", name="Gone")

    call_command("sync_roles")

    assert "roles in sync" in capsys.readouterr().out
