"""Global analytics: a public task counts inside each school into public rows; the owner's overview
reads only those rows, so its queries do not grow with the number of schools."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.jobs.models import Job
from apps.jobs.services import job_run
from apps.platform import counters
from apps.platform.analytics import platform_overview, school_stats_refresh
from apps.platform.models import PlatformDailyStats, SchoolSnapshot, Tenant
from apps.platform.tasks import refresh_school_stats_task
from tests.conftest import console_login
from tests.factories import UserFactory


@pytest.fixture
def people(school_a, school_b):
    """Alpha: its admin + 3 teachers (one signed in 2 days ago, one 20 days ago); beta: its admin + 1 parent."""
    now = timezone.now()
    with schema_context(school_a.schema_name):
        UserFactory(role="teacher", last_login=now - timedelta(days=2))
        UserFactory(role="teacher", last_login=now - timedelta(days=20))
        UserFactory(role="teacher")
    with schema_context(school_b.schema_name):
        UserFactory(role="parent", last_login=now - timedelta(hours=1))
    connection.set_schema_to_public()


def test_refresh_counts_every_school_into_public_rows(people, school_a, school_b):
    result = school_stats_refresh()

    assert result["schools"] >= 2
    alpha = SchoolSnapshot.objects.get(school=school_a)
    beta = SchoolSnapshot.objects.get(school=school_b)
    assert (alpha.users_total, alpha.users_by_role) == (4, {"school_admin": 1, "teacher": 3})
    assert (alpha.active_7d, alpha.active_30d) == (1, 2)
    assert (beta.users_total, beta.active_7d) == (2, 1)
    assert alpha.counters == {"students": 0, "staff": 0, "sms_per_month": 0, "storage_mb": 0}
    today = PlatformDailyStats.objects.get(date=timezone.localdate())
    assert today.users_total >= 6 and today.active_30d >= 3 and today.schools_total >= 2


def test_refresh_again_updates_rather_than_adds(people, school_a):
    school_stats_refresh()
    with schema_context(school_a.schema_name):
        UserFactory(role="accountant")
    connection.set_schema_to_public()

    school_stats_refresh()

    assert SchoolSnapshot.objects.filter(school=school_a).count() == 1
    assert SchoolSnapshot.objects.get(school=school_a).users_total == 5
    assert PlatformDailyStats.objects.filter(date=timezone.localdate()).count() == 1


def test_a_registered_counter_is_summed_across_schools(people, monkeypatch):
    """How the academics app will plug in students (here: teachers stand in for them)."""
    from django.contrib.auth import get_user_model

    monkeypatch.setitem(counters._counters, "students",
                        lambda: get_user_model().objects.filter(role="teacher").count())

    school_stats_refresh()

    assert platform_overview()["totals"]["students"] == 3


def test_suspended_schools_are_counted_and_unready_ones_skipped(people, school_b):
    Tenant.objects.filter(pk=school_b.pk).update(status=Tenant.Status.SUSPENDED)
    Tenant.objects.create(schema_name="halfway", slug="halfway", name="Halfway", ready=False)

    school_stats_refresh()

    assert SchoolSnapshot.objects.filter(school=school_b).exists()
    assert not SchoolSnapshot.objects.filter(school__slug="halfway").exists()


def test_the_task_runs_in_public_and_is_on_the_beat_schedule(people, school_a):
    from django.conf import settings

    refresh_school_stats_task.apply(throw=True)

    assert SchoolSnapshot.objects.filter(school=school_a).exists()
    scheduled = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "apps.platform.tasks.refresh_school_stats_task" in scheduled


def test_overview_shows_the_figures_and_growth_chart_data(client, platform_owner, people, school_a):
    school_stats_refresh()
    console_login(client, None, platform_owner)

    page = client.get("/super-admin/").content.decode()

    assert 'id="schools-created-data"' in page and 'id="users-over-time-data"' in page
    assert 'data-chart="bar"' in page
    stats = platform_overview()
    assert stats["schools"]["active"] >= 2
    month = school_a.created_at.astimezone(timezone.get_current_timezone()).strftime("%Y-%m")
    assert dict(stats["schools_created"])[month] >= 2
    assert dict(stats["users_over_time"])[timezone.localdate().strftime("%Y-%m")] >= 6
    assert f'data-testid="users-total">{stats["totals"]["users_total"]}<' in page


@pytest.mark.parametrize("extra_schools", [0, 40])
def test_overview_queries_do_not_grow_with_schools(client, platform_owner, people, django_assert_max_num_queries,
                                                    extra_schools):
    school_stats_refresh()
    for n in range(extra_schools):
        school = Tenant.objects.create(schema_name=f"many{n}", slug=f"many{n}", name=f"Many {n}", ready=True,
                                       status=Tenant.Status.ACTIVE)
        SchoolSnapshot.objects.create(school=school, users_total=3, counters={"students": 10},
                                      computed_at=timezone.now())
    console_login(client, None, platform_owner)

    # about half are django-tenants' SET search_path; the same number with 2 schools or 42
    with django_assert_max_num_queries(20):
        response = client.get("/super-admin/")

    assert response.status_code == 200
    # no school schema was opened for the page: every query ran in public
    assert response.context["stats"]["totals"]["users_total"] == 6 + 3 * extra_schools


def test_refresh_now_starts_a_job_with_progress(client, platform_owner, people, school_a):
    console_login(client, None, platform_owner)

    response = client.post("/super-admin/analytics/refresh/")

    job = Job.objects.get(kind="platform.refresh_analytics")
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert client.post("/super-admin/analytics/refresh/").url == response.url  # one at a time
    finished = job_run(job_id=job.pk)  # what the worker does
    assert finished.status == Job.Status.SUCCEEDED and finished.progress == finished.total >= 3
    assert SchoolSnapshot.objects.filter(school=school_a).exists()
    page = client.get(response.url).content.decode()
    assert 'data-testid="job-result"' in page and 'href="/super-admin/"' in page
