"""Global analytics: counted inside each school once an hour, read by owner pages from public rows.

`school_stats_refresh` visits every ready school's schema in turn on ONE connection (set_tenant
per school, a handful of COUNT queries each) and writes a SchoolSnapshot per school and the day's
PlatformDailyStats row. Pages read only those rows, so their cost does not grow with the number
of schools' schemas. Per-school counters (students, staff, ...) come from apps.platform.counters.
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, IntegerField, Max, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from apps.platform import counters
from apps.platform.models import PlatformDailyStats, SchoolSnapshot, Tenant
from apps.platform.selectors import schools_for_platform

logger = logging.getLogger(__name__)

TOTALS = ("students", "staff")  # counters the overview adds up across schools


def school_figures(*, now=None) -> dict:
    """The current schema's figures (run inside a school)."""
    now = now or timezone.now()
    users = get_user_model().objects.filter(is_active=True)
    by_role = dict(users.values_list("role").annotate(n=Count("id")).order_by())
    active = users.aggregate(d7=Count("id", filter=Q(last_login__gte=now - timedelta(days=7))),
                             d30=Count("id", filter=Q(last_login__gte=now - timedelta(days=30))))
    return {"users_total": sum(by_role.values()), "users_by_role": by_role,
            "active_7d": active["d7"], "active_30d": active["d30"], "counters": counters.count_all()}


def school_stats_refresh(*, reporter=None, now=None) -> dict:
    """Count every ready school (suspended ones too: counting is not acting) into public rows."""
    if connection.schema_name != get_public_schema_name():
        raise RuntimeError("analytics are aggregated from the public schema")
    now = now or timezone.now()
    schools = list(schools_for_platform().filter(ready=True).values_list("pk", "schema_name", "slug"))
    if reporter is not None:
        reporter.set_total(len(schools) + 1)
    counted = 0
    for pk, schema_name, slug in schools:
        try:
            with schema_context(schema_name):
                figures = school_figures(now=now)
        except Exception:  # one broken school must not stop the others' figures
            logger.exception("school figures failed", extra={"school": slug})
            continue
        SchoolSnapshot.objects.update_or_create(school_id=pk, defaults={**figures, "computed_at": now})
        counted += 1
        if reporter is not None:
            reporter.step(slug)
    daily = platform_daily_stats_record(now=now)
    if reporter is not None:
        reporter.step("Platform totals")
    logger.info("school figures refreshed", extra={"schools": counted})
    return {"schools": counted, "date": daily.date.isoformat()}


@transaction.atomic
def platform_daily_stats_record(*, now=None) -> PlatformDailyStats:
    now = now or timezone.now()
    totals = platform_totals()
    counts = schools_for_platform().aggregate(
        total=Count("id"), active=Count("id", filter=Q(ready=True, status=Tenant.Status.ACTIVE)))
    daily, _ = PlatformDailyStats.objects.update_or_create(date=timezone.localdate(now), defaults={
        "schools_total": counts["total"], "schools_active": counts["active"],
        "users_total": totals["users_total"], "active_7d": totals["active_7d"],
        "active_30d": totals["active_30d"], "students": totals["students"], "staff": totals["staff"],
        "computed_at": now})
    return daily


def platform_totals() -> dict:
    """Sums over the latest snapshot of every school still on the platform: one query."""
    snapshots = SchoolSnapshot.objects.filter(school__in=schools_for_platform())
    sums = {"users_total": Coalesce(Sum("users_total"), 0), "active_7d": Coalesce(Sum("active_7d"), 0),
            "active_30d": Coalesce(Sum("active_30d"), 0), "computed_at": Max("computed_at")}
    for key in TOTALS:
        sums[key] = Coalesce(Sum(Cast(KT(f"counters__{key}"), IntegerField())), 0)
    return snapshots.aggregate(**sums)


def platform_overview() -> dict:
    """Everything the owner's overview shows, from public tables only (a fixed number of queries)."""
    schools = schools_for_platform()
    by_status = schools.aggregate(
        active=Count("id", filter=Q(ready=True, status=Tenant.Status.ACTIVE)),
        suspended=Count("id", filter=Q(status=Tenant.Status.SUSPENDED)),
        provisioning=Count("id", filter=Q(ready=False)),
        total=Count("id"),
    )
    by_plan = [(row["plan__name"] or "—", row["n"]) for row in
               schools.values("plan__name").annotate(n=Count("id")).order_by("-n", "plan__name")]
    created = [(row["month"].strftime("%Y-%m"), row["n"]) for row in
               schools.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("id"))
               .order_by("month")]
    # users over time: the last count of each month, for the last twelve months with figures
    since = timezone.localdate() - timedelta(days=366)
    users_by_month: dict[str, int] = {}
    for day, users in PlatformDailyStats.objects.filter(date__gte=since).values_list("date", "users_total"):
        users_by_month[day.strftime("%Y-%m")] = users  # ordered by date: the month's last day wins
    return {"schools": by_status, "by_plan": by_plan, "totals": platform_totals(),
            "schools_created": created, "users_over_time": list(users_by_month.items())}


def analytics_refresh_start(*, actor):
    """The owner's "refresh now": a job with progress; one already waiting or running is reused."""
    from apps.jobs.models import Job
    from apps.jobs.services import job_start

    running = Job.objects.filter(kind="platform.refresh_analytics",
                                 status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).first()
    return running or job_start(kind="platform.refresh_analytics", params={}, actor=actor)
