"""The roles a person can hold; platform owners live in the public schema, the rest in a school's."""

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
