"""Job handlers owned by academics: the confirmed student import and the year-end promotion.

Both do all their writing in one transaction (all or nothing), so progress written on the work's own
connection would stay invisible until the end; ProgressAside writes it on a connection of its own."""

import logging

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils.translation import gettext_lazy as _

from apps.jobs.models import Job
from apps.jobs.registry import job_handler

logger = logging.getLogger(__name__)


class ProgressAside:
    """A job reporter (set_total, step) that writes on a second database connection, committed at
    once, so the progress bar moves while the job's transaction is still open. Progress is only shown:
    if the second connection fails, the work goes on without it."""

    def __init__(self, job: Job):
        self.job = job
        self._connection = None
        self._broken = False

    def _write(self, **fields) -> None:
        if self._broken:
            return
        try:
            if self._connection is None:
                self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
                if hasattr(self._connection, "set_schema"):
                    self._connection.set_schema(connection.schema_name)
            columns = ", ".join(f"{Job._meta.get_field(name).column} = %s" for name in fields)
            with self._connection.cursor() as cursor:
                cursor.execute(f"UPDATE {Job._meta.db_table} SET {columns} WHERE id = %s",
                               [*fields.values(), self.job.pk])
        except Exception:  # progress is a courtesy; the work must not fail for it
            logger.warning("job progress not written", exc_info=True, extra={"job_id": str(self.job.pk)})
            self._broken = True

    def set_total(self, total: int) -> None:
        self.job.total = total
        self.job.progress = min(self.job.progress, total)
        self._write(total=total, progress=self.job.progress)

    def step(self, message: str = "", amount: int = 1) -> None:
        self.job.progress = min(self.job.progress + amount, self.job.total or self.job.progress + amount)
        self.job.message = message[:300]
        self._write(progress=self.job.progress, message=self.job.message)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


@job_handler("academics.import_students", title=_("Import students from “%(file)s”"))
def import_students_job(*, job, reporter, import_id, file=""):
    from apps.academics.imports import student_import_run
    from apps.academics.models import StudentImport

    batch = StudentImport.objects.get(pk=import_id)
    aside = ProgressAside(job)
    try:
        result = student_import_run(batch=batch, actor=job.started_by, reporter=aside)
    finally:
        aside.close()
    return {**result, "import_id": batch.pk}


@job_handler("academics.promote", title=_("Promote students into %(target_year_name)s"))
def promote_job(*, job, reporter, target_year_id, exclude=(), target_year_name=""):
    from apps.academics.models import AcademicYear
    from apps.academics.promotion import promotion_run

    target_year = AcademicYear.objects.get(pk=target_year_id)
    aside = ProgressAside(job)
    try:
        return promotion_run(target_year=target_year, exclude=list(exclude), actor=job.started_by, reporter=aside,
                             job=job)
    finally:
        aside.close()
