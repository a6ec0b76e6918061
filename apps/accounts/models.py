"""People who sign in. The same table exists in the public schema (platform staff) and in every
school's schema (that school's users), so a school's user is invisible to every other school."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models, router
from django.db.models.deletion import Collector
from django.db.models.functions import Lower

from apps.accounts.deletion import PublicSchemaAware
from apps.accounts.roles import Role


class UserCollector(PublicSchemaAware, Collector):
    pass


class UserQuerySet(models.QuerySet):
    def delete(self):
        """QuerySet.delete with a collector that knows the public schema has no school tables."""
        del_query = self._chain()
        del_query._for_write = True
        del_query.query.select_for_update = False
        del_query.query.select_related = False
        del_query.query.clear_ordering(force=True)
        collector = UserCollector(using=del_query.db, origin=self)
        collector.collect(del_query)
        deleted = collector.delete()
        self._result_cache = None
        return deleted

    delete.alters_data = True
    delete.queryset_only = True


class OmniUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
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

    def delete(self, using=None, keep_parents=False):
        using = using or router.db_for_write(self.__class__, instance=self)
        collector = UserCollector(using=using, origin=self)
        collector.collect([self], keep_parents=keep_parents)
        return collector.delete()

    delete.alters_data = True

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email or self.username
