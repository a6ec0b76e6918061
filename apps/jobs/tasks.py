"""Celery entry point for jobs: takes an id, runs the job in the schema it was queued from."""

from config.celery import app

from apps.jobs.services import job_run, jobs_recover_stale


@app.task(bind=True, schema_scope="any", acks_late=True)
def run_job_task(self, job_id: str) -> None:
    # acks_late is safe: job_run claims the job atomically, so a redelivery does nothing twice
    job_run(job_id=job_id)


@app.task(schema_scope="tenant")
def recover_stale_jobs_task() -> dict:
    return jobs_recover_stale()


@app.task(schema_scope="public")
def recover_stale_platform_jobs_task() -> dict:
    return jobs_recover_stale()
