"""Deleting users in the public schema. Django's deletion collector looks for rows referring to a
user in every model that has a foreign key to it; the school apps' tables (academics, results…) exist
only in school schemas, so in public those lookups would fail ("relation does not exist"). In public
there can be no such rows: the collector skips those models there."""

from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connection
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
