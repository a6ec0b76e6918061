"""Deleting rows of models that live in both the public and the school schemas (users, jobs). Django's
deletion collector looks for rows referring to them in every model with a foreign key to them; the
school apps' tables (academics, results…) exist only in school schemas, so in public those lookups
would fail ("relation does not exist"). In public there can be no such rows: the collector skips those
models there. Models in both schemas use `PublicSchemaSafeDelete` and `PublicSchemaSafeQuerySet`."""

from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connection, models, router
from django.db.models.deletion import Collector
from django_tenants.utils import get_public_schema_name


@cache
def school_only_labels() -> frozenset[str]:
    """App labels whose tables exist only in school schemas."""
    shared = set(settings.SHARED_APPS)
    return frozenset(config.label for config in apps.get_app_configs()
                     if config.name in settings.TENANT_APPS and config.name not in shared)


def in_public_schema() -> bool:
    return getattr(connection, "schema_name", None) == get_public_schema_name()


class PublicSchemaAware:
    """Collector mixin (also for the admin's NestedObjects): no lookups in school-only tables in public."""

    def related_objects(self, related_model, related_fields, objs):
        if in_public_schema() and related_model._meta.app_label in school_only_labels():
            return related_model._base_manager.using(self.using).none()
        return super().related_objects(related_model, related_fields, objs)


class PublicSchemaCollector(PublicSchemaAware, Collector):
    pass


class PublicSchemaSafeQuerySet(models.QuerySet):
    def delete(self):
        """QuerySet.delete (Django 5.2) with the public-schema-aware collector."""
        del_query = self._chain()
        del_query._for_write = True
        del_query.query.select_for_update = False
        del_query.query.select_related = False
        del_query.query.clear_ordering(force=True)
        collector = PublicSchemaCollector(using=del_query.db, origin=self)
        collector.collect(del_query)
        deleted = collector.delete()
        self._result_cache = None
        return deleted

    delete.alters_data = True
    delete.queryset_only = True


class PublicSchemaSafeDelete(models.Model):
    """Model.delete (Django 5.2) with the public-schema-aware collector."""

    class Meta:
        abstract = True

    def delete(self, using=None, keep_parents=False):
        using = using or router.db_for_write(self.__class__, instance=self)
        collector = PublicSchemaCollector(using=using, origin=self)
        collector.collect([self], keep_parents=keep_parents)
        return collector.delete()

    delete.alters_data = True
