"""Beat: the schedule declared in settings lands in django-celery-beat's tables; fan-out skips
schools that are not ready or are suspended."""

import pytest
from django.db import connection
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from apps.core.tasks import fan_out_task, purge_idempotency_keys_task
from apps.platform.models import Domain, Tenant
from config.celery import app, for_each_school


def test_the_declared_schedule_is_stored_for_beat(db):
    # what beat does at start (setup_schedule → update_from_dict), minus its connection handling
    for name, fields in app.conf.beat_schedule.items():
        DatabaseScheduler.Entry.from_entry(name, app=app, **fields)

    task = PeriodicTask.objects.get(name="schools: purge old idempotency keys")
    assert task.task == "apps.core.tasks.fan_out_task"
    assert task.args == '["apps.core.tasks.purge_idempotency_keys_task"]'
    assert task.crontab.hour == "2"


def test_fan_out_queues_only_ready_active_schools(school_a, school_b, monkeypatch):
    connection.set_schema_to_public()
    halfway = Tenant.objects.create(schema_name="halfway", slug="halfway", name="Halfway", ready=False)
    Domain.objects.create(domain="halfway.localhost", tenant=halfway)
    Tenant.objects.create(schema_name="paused", slug="paused", name="Paused", ready=True,
                          status=Tenant.Status.SUSPENDED)
    sent = []
    monkeypatch.setattr(purge_idempotency_keys_task, "apply_async",
                        lambda args, kwargs, headers: sent.append(headers["_schema_name"]))

    assert for_each_school(purge_idempotency_keys_task) == len(sent)
    assert {"alpha", "beta"} <= set(sent)
    assert "halfway" not in sent and "paused" not in sent and "public" not in sent


def test_only_school_tasks_can_be_fanned_out(db):
    with pytest.raises(ValueError, match="not a school task"):
        fan_out_task.apply(args=["apps.core.tasks.purge_platform_idempotency_keys_task"], throw=True)


def test_a_school_task_run_eagerly_in_public_is_refused(db):
    from config.celery import MissingSchemaError

    with pytest.raises(MissingSchemaError):
        purge_idempotency_keys_task.apply(throw=True)
