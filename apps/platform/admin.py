from django.contrib import admin

from apps.platform.models import Domain, Plan, PlatformDailyStats, SchoolSnapshot, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "ready", "plan", "created_at")
    list_filter = ("status", "ready", "plan")
    search_fields = ("name", "slug")
    # what the owner's console changes through audited services (/super-admin/schools/<slug>/) is
    # read-only here, so nobody changes it without an audit event
    readonly_fields = ("schema_name", "created_at", "status", "ready", "plan", "suspended_at", "suspension_reason",
                       "disabled_modules", "limit_students", "limit_staff", "limit_sms_per_month",
                       "limit_storage_mb")
    inlines = [DomainInline]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "max_students", "max_staff", "sms_per_month", "storage_mb")


@admin.register(SchoolSnapshot)
class SchoolSnapshotAdmin(admin.ModelAdmin):
    """Figures counted by the analytics task; read-only."""

    list_display = ("school", "users_total", "active_7d", "active_30d", "computed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PlatformDailyStats)
class PlatformDailyStatsAdmin(SchoolSnapshotAdmin):
    list_display = ("date", "schools_total", "schools_active", "users_total", "active_30d", "students", "staff")
