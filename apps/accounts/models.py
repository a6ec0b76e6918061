"""People who sign in. The same table exists in the public schema (platform staff) and in every
school's schema (that school's users), so a school's user is invisible to every other school."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from apps.accounts.roles import Role
from apps.core.deletion import PublicSchemaSafeDelete, PublicSchemaSafeQuerySet


class OmniUserManager(UserManager.from_queryset(PublicSchemaSafeQuerySet)):
    pass


class User(PublicSchemaSafeDelete, AbstractUser):
    email = models.EmailField("email address")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STAFF)

    objects = OmniUserManager()

    class Meta:
        ordering = ["username"]
        constraints = [
            # a guardian known only by phone has no email: blanks do not clash
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email or self.username
