"""Starting, advancing and finishing jobs. Progress is written outside the work's own transaction
so that a person watching the progress bar sees it move."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from apps.jobs.models import Job
from apps.jobs.registry import handler_for, queue_for, title_for

logger = logging.getLogger(__name__)


@transaction.atomic
def job_start(*, kind: str, params: dict, title: str | None = None, actor=None, total: int = 0) -> Job:
    """Record a job and queue it for a worker once the surrounding transaction commits.
    The stored title (English unless given) is for the admin and logs; pages show display_title."""
    handler_for(kind)  # refuse unknown kinds now, not in the worker
    if title is None:
        with translation.override("en"):
            title = title_for(kind, params)
    job = Job.objects.create(kind=kind, title=title[:200], params=params, total=total,
                             started_by=actor if actor and actor.is_authenticated else None)

    transaction.on_commit(lambda: job_enqueue(job))
    return job


def job_enqueue(job: Job) -> None:
    """Send the job to a worker, on its kind's queue."""
    from apps.jobs.tasks import run_job_task

    run_job_task.apply_async(args=[str(job.pk)], queue=queue_for(job.kind))


class ProgressReporter:
    """Handed to a job's handler: `reporter.step(message)` after each unit of work."""

    def __init__(self, job: Job):
        self.job = job

    def set_total(self, total: int) -> None:
        self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(total=total)

    def step(self, message: str = "", amount: int = 1) -> None:
        self.job.progress = min(self.job.progress + amount, self.job.total or self.job.progress + amount)
        self.job.message = message[:300]
        Job.objects.filter(pk=self.job.pk).update(progress=self.job.progress, message=self.job.message)


def job_run(*, job_id) -> Job:
    """Do a queued job's work; running a finished or already running job again does nothing."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.get(pk=job_id)
    if not claimed:
        return job
    handler = handler_for(job.kind)
    try:
        result = handler(job=job, reporter=ProgressReporter(job), **job.params) or {}
    except Exception as error:  # the job records why; the worker stays up
        logger.exception("job failed", extra={"job_id": str(job.pk), "kind": job.kind})
        message = "; ".join(getattr(error, "messages", None) or [str(error)]) or error.__class__.__name__
        Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, error=message[:5000],
                                             finished_at=timezone.now())
    else:
        Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, result=result,
                                             progress=job.total or job.progress, finished_at=timezone.now())
    job.refresh_from_db()
    return job


INTERRUPTED = "The worker stopped before this job finished. Start it again."


def jobs_recover_stale(*, now=None) -> dict:
    """Jobs a dead worker or a lost queue left behind: those running longer than JOB_MAX_RUNTIME
    failed (their worker is gone); those queued longer than JOB_REQUEUE_AFTER are queued again
    (a duplicate message is harmless: job_run claims a job once)."""

    now = now or timezone.now()
    failed = Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=now - settings.JOB_MAX_RUNTIME).update(
        status=Job.Status.FAILED, error=INTERRUPTED, finished_at=now)
    waiting = list(Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=now - settings.JOB_REQUEUE_AFTER)
                   .only("pk", "kind"))
    for job in waiting:
        job_enqueue(job)
    if failed or waiting:
        logger.warning("stale jobs recovered", extra={"failed": failed, "requeued": len(waiting)})
    return {"failed": failed, "requeued": len(waiting)}
