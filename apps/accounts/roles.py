"""The roles a person can hold; platform owners live in the public schema, the rest in a school's.

A school role is also a Django group (named after the role) whose permissions are declared here,
once, in ROLE_PERMISSIONS; `apps.accounts.services.roles_sync` makes every school's groups match it
(at provisioning, and on upgrade with `manage.py sync_roles`). A user's `role` field is the source
of truth: the services that set it keep the user's group membership equal to it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_OWNER = "platform_owner", _("Platform owner")
    SCHOOL_ADMIN = "school_admin", _("School admin")
    TEACHER = "teacher", _("Teacher")
    ACCOUNTANT = "accountant", _("Accountant")
    PARENT = "parent", _("Parent")
    STUDENT = "student", _("Student")
    STAFF = "staff", _("Staff")


SCHOOL_ROLES = [role for role in Role if role != Role.PLATFORM_OWNER]
# The roles of the people who work at a school (every school role but parents and students).
STAFF_ROLES = (Role.SCHOOL_ADMIN, Role.TEACHER, Role.ACCOUNTANT, Role.STAFF)

# Role -> "app_label.codename" permissions its group holds, in every school. Apps add their
# codenames here as they arrive (e.g. "finance.add_invoice" for accountants); `manage.py sync_roles`
# then brings every school's groups up to date. A codename that does not exist is an error.
# Platform owners have no group: they are superusers of the public schema.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SCHOOL_ADMIN: frozenset({
        "accounts.view_user", "accounts.add_user", "accounts.change_user",
        "auth.view_group",
        "jobs.view_job",
    }),
    Role.TEACHER: frozenset(),
    Role.ACCOUNTANT: frozenset(),
    Role.PARENT: frozenset(),
    Role.STUDENT: frozenset(),
    Role.STAFF: frozenset(),
}
