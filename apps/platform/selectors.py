"""Reads of schools. Runs in the public schema, where tenant rows live."""

from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from apps.platform.models import Tenant


def schools_for_platform() -> QuerySet[Tenant]:
    return Tenant.objects.exclude(schema_name=get_public_schema_name()).select_related("plan").order_by("name")


def school_counts() -> dict:
    """How many schools there are by state, in one query."""
    from django.db.models import Count, Q

    return schools_for_platform().aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(ready=True, status=Tenant.Status.ACTIVE)),
        suspended=Count("id", filter=Q(status=Tenant.Status.SUSPENDED)),
        provisioning=Count("id", filter=Q(ready=False)),
    )


def schools_ready_for_work() -> QuerySet[Tenant]:
    """Schools that beat and fan-out may touch: provisioned and not suspended."""
    return schools_for_platform().filter(ready=True, status=Tenant.Status.ACTIVE)


def school_by_slug(slug: str) -> Tenant | None:
    return schools_for_platform().filter(slug=slug).first()


def tenant_for_host(hostname: str) -> Tenant | None:
    from apps.platform.models import Domain

    domain = Domain.objects.select_related("tenant", "tenant__plan").filter(domain=hostname).first()
    return domain.tenant if domain else None
