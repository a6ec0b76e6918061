"""Periodic housekeeping shared by every app."""

from celery.utils.log import get_task_logger

from config.celery import app, for_each_school

from apps.core.idempotency import idempotency_records_purge

logger = get_task_logger(__name__)


@app.task(schema_scope="public")
def fan_out_task(task_name: str, *args, **kwargs) -> int:
    """Beat schedules this in the public schema; it queues `task_name` in every ready school."""
    task = app.tasks[task_name]
    if task.schema_scope != "tenant":
        raise ValueError(f"{task_name} is not a school task and cannot be fanned out")
    return for_each_school(task, *args, **kwargs)


@app.task(schema_scope="tenant")
def purge_idempotency_keys_task() -> int:
    return idempotency_records_purge()


@app.task(schema_scope="public")
def purge_platform_idempotency_keys_task() -> int:
    return idempotency_records_purge()
