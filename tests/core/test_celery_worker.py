"""Against a real Celery worker and Redis: tasks run in the schema they were queued from.

These tests commit their data (the worker is another process) and remove it afterwards.
"""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.core.models import IdempotencyRecord
from apps.core.tasks import fan_out_task, purge_idempotency_keys_task
from apps.jobs.models import Job
from apps.platform.models import Tenant
from tests.support import ARTIFACTS, celery_worker

pytestmark = pytest.mark.worker

SCHEMAS = ("alpha", "beta", "public")


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), celery_worker(name="worker-tests") as process:
        yield process


@pytest.fixture
def committed(django_db_blocker):
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        yield
        connection.set_schema_to_public()


@pytest.fixture
def stale_records(committed):
    """An expired idempotency record in each of alpha, beta and public."""
    for schema in SCHEMAS:
        with schema_context(schema):
            IdempotencyRecord.objects.all().delete()
            record = IdempotencyRecord.objects.create(key=f"old-{schema}", caller="c", method="POST", path="/api/",
                                                      request_hash="h")
            IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(days=3))
    yield
    for schema in SCHEMAS:
        with schema_context(schema):
            IdempotencyRecord.objects.all().delete()


def remaining() -> dict:
    counts = {}
    for schema in SCHEMAS:
        with schema_context(schema):
            counts[schema] = IdempotencyRecord.objects.count()
    return counts


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_task_queued_in_school_a_runs_in_school_a(worker, stale_records):
    with schema_context("alpha"):
        purge_idempotency_keys_task.delay()

    assert wait_for(lambda: remaining()["alpha"] == 0)
    time.sleep(0.5)
    assert remaining() == {"alpha": 0, "beta": 1, "public": 1}


def test_a_school_task_queued_without_a_school_is_refused(worker, stale_records):
    log = ARTIFACTS / "worker-tests.log"

    purge_idempotency_keys_task.apply_async(headers={"_schema_name": "public"})

    assert wait_for(lambda: "is a school task and was queued without a school" in log.read_text())
    assert remaining() == {"alpha": 1, "beta": 1, "public": 1}


def test_beat_fan_out_runs_a_school_task_in_every_ready_school(worker, stale_records):
    fan_out_task.delay("apps.core.tasks.purge_idempotency_keys_task")

    assert wait_for(lambda: remaining()["alpha"] == 0 and remaining()["beta"] == 0)
    assert remaining()["public"] == 1  # the fan-out itself runs in public and touches nothing there


def test_provisioning_job_runs_on_the_worker_with_progress(worker, committed):
    from apps.platform.services import school_remove_unfinished, school_start_provisioning

    job = school_start_provisioning(slug="worker-made", name="Worker Made School", admin_email="head@wm.test",
                                    admin_password="a-long-first-password")
    try:
        assert wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, seconds=60)
        job.refresh_from_db()
        assert job.status == Job.Status.SUCCEEDED, job.error
        assert (job.progress, job.total, job.message) == (3, 3, "School is ready")
        school = Tenant.objects.get(slug="worker-made")
        assert school.ready and school.schema_name == "worker_made"
    finally:
        school = Tenant.objects.filter(slug="worker-made").first()
        if school:
            Tenant.objects.filter(pk=school.pk).update(ready=False)
            school_remove_unfinished(school=school)
        Job.objects.filter(pk=job.pk).delete()
