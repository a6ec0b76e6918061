from django.contrib import admin

from apps.platform.models import Domain, Plan, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "ready", "plan", "created_at")
    list_filter = ("status", "ready", "plan")
    search_fields = ("name", "slug")
    readonly_fields = ("schema_name", "created_at")
    inlines = [DomainInline]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "max_students", "max_staff", "sms_per_month", "storage_mb")
