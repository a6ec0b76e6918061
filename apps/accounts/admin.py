from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import UserAdmin
from django.db import router

from apps.core.deletion import PublicSchemaAware

from apps.accounts.models import User


@admin.register(User)
class OmniUserAdmin(UserAdmin):
    list_display = ("username", "email", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("Role", {"fields": ("role",)}),)

    def get_deleted_objects(self, objs, request):
        """The confirmation page's list of what goes with the user, without looking in school-only
        tables (which the public schema, where this admin runs, does not have)."""
        collector = PublicNestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        if collector.protected:
            return [], {}, set(), [str(obj) for obj in collector.protected]
        to_delete = collector.nested(str)
        model_count = {model._meta.verbose_name_plural: len(objs) for model, objs in collector.model_objs.items()}
        perms_needed = {model._meta.verbose_name for model in collector.model_objs
                        if not request.user.has_perm(f"{model._meta.app_label}.delete_{model._meta.model_name}")}
        return to_delete, model_count, perms_needed, []


class PublicNestedObjects(PublicSchemaAware, NestedObjects):
    pass
