"""Celery tasks for providers' notifications: process one (thin: the id in, the service does the work,
idempotent), and queue again the ones left waiting (beat, every ten minutes in every school)."""

from config.celery import app

from apps.finance.services_events import inbound_event_process, inbound_events_stuck


@app.task(schema_scope="tenant", acks_late=True, autoretry_for=(Exception,), max_retries=8, retry_backoff=5,
          retry_backoff_max=600, retry_jitter=True)
def process_inbound_event_task(inbound_id: int) -> str:
    # acks_late: a worker lost mid-task leaves the message to another, which finds the row done or redoes it
    return inbound_event_process(inbound_id=inbound_id)


@app.task(schema_scope="tenant")
def retry_inbound_events_task() -> int:
    stuck = inbound_events_stuck()
    for inbound_id in stuck:
        process_inbound_event_task.delay(inbound_id)
    return len(stuck)
