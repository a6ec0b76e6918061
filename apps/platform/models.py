"""Schools (tenants), their host names and plans: rows in the public schema."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import get_public_schema_name


class Plan(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    max_students = models.PositiveIntegerField(default=1000)
    max_staff = models.PositiveIntegerField(default=150)
    sms_per_month = models.PositiveIntegerField(default=5000)
    storage_mb = models.PositiveIntegerField(default=5120)

    def __str__(self):
        return self.name


class Tenant(TenantMixin):
    """A school: one PostgreSQL schema, cloned from the template schema when provisioned."""

    class Status(models.TextChoices):
        PROVISIONING = "provisioning", _("Provisioning")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROVISIONING)
    # Middleware and beat ignore a school until provisioning has finished.
    ready = models.BooleanField(default=False)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="tenants")
    country = models.CharField(max_length=2, default="TZ")
    currency = models.CharField(max_length=3, default="TZS")
    # Module keys switched off for this school (feature flags, apps.platform.modules); the rest are on.
    disabled_modules = models.JSONField(default=list, blank=True)
    # Limits for this school alone; empty means the plan's (apps.platform.limits).
    limit_students = models.PositiveIntegerField(_("students"), null=True, blank=True)
    limit_staff = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    limit_sms_per_month = models.PositiveIntegerField(_("SMS per month"), null=True, blank=True)
    limit_storage_mb = models.PositiveIntegerField(_("storage (MB)"), null=True, blank=True)
    # A suspended school keeps everything; its console and API answer 403 until it is resumed.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Provisioning clones the template schema itself (apps.platform.services), in steps with progress.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        return self.schema_name == get_public_schema_name()

    def module_enabled(self, key: str) -> bool:
        return key not in (self.disabled_modules or [])

    @property
    def primary_host(self) -> str:
        return f"{self.slug}.{settings.PLATFORM_HOST}"

    @property
    def is_suspended(self) -> bool:
        return self.status == self.Status.SUSPENDED


class SpareSchema(models.Model):
    """A clone of the template made ahead of time (apps.platform.spares): provisioning renames it."""

    schema_name = models.CharField(max_length=63, unique=True)
    # the template's migration history when it was cloned; a spare from another version is never used
    template_version = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.schema_name


class SchoolSnapshot(models.Model):
    """A school's figures as the analytics task last counted them inside its schema (hourly), so
    that owner pages never open a school's schema (apps.platform.analytics)."""

    school = models.OneToOneField(Tenant, primary_key=True, on_delete=models.CASCADE, related_name="snapshot")
    users_total = models.PositiveIntegerField(default=0)
    users_by_role = models.JSONField(default=dict, blank=True)  # {"school_admin": 1, "teacher": 4, ...}
    active_7d = models.PositiveIntegerField(default=0)
    active_30d = models.PositiveIntegerField(default=0)
    counters = models.JSONField(default=dict, blank=True)  # {"students": n, "staff": n, ...} (apps.platform.counters)
    computed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.school_id} at {self.computed_at:%Y-%m-%d %H:%M}"


class PlatformDailyStats(models.Model):
    """The whole platform's totals, one row per day (the last count of the day wins): the growth chart."""

    date = models.DateField(unique=True)
    schools_total = models.PositiveIntegerField(default=0)
    schools_active = models.PositiveIntegerField(default=0)
    users_total = models.PositiveIntegerField(default=0)
    active_7d = models.PositiveIntegerField(default=0)
    active_30d = models.PositiveIntegerField(default=0)
    students = models.PositiveIntegerField(default=0)
    staff = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["date"]
        verbose_name_plural = "platform daily stats"

    def __str__(self):
        return str(self.date)


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("host name")
