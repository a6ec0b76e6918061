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


def schools_search(*, q: str = "", status: str = "", plan: str = "") -> QuerySet[Tenant]:
    """The owner's school list: by name or slug, status ("provisioning" means not ready yet) and
    plan code, with each school's last counted figures (one query, no school schema opened)."""
    from django.db.models import Q

    schools = schools_for_platform().select_related("plan", "snapshot")
    q = q.strip()
    if q:
        schools = schools.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    if status == Tenant.Status.PROVISIONING:
        schools = schools.filter(ready=False)
    elif status in (Tenant.Status.ACTIVE, Tenant.Status.SUSPENDED):
        schools = schools.filter(ready=True, status=status)
    if plan:
        schools = schools.filter(plan__code=plan)
    return schools


def school_get_for_owner(*, slug: str) -> Tenant:
    from django.http import Http404

    school = schools_for_platform().select_related("plan", "snapshot").filter(slug=slug).first()
    if school is None:
        raise Http404("No such school")
    return school


def plans_all() -> QuerySet:
    from apps.platform.models import Plan

    return Plan.objects.order_by("name")
