"""Job handlers owned by academics: the confirmed student import and the year-end promotion."""

from django.utils.translation import gettext_lazy as _

from apps.jobs.registry import job_handler


@job_handler("academics.import_students", title=_("Import students from “%(file)s”"))
def import_students_job(*, job, reporter, import_id, file=""):
    from apps.academics.imports import student_import_run
    from apps.academics.models import StudentImport

    batch = StudentImport.objects.get(pk=import_id)
    result = student_import_run(batch=batch, actor=job.started_by, reporter=reporter)
    return {**result, "import_id": batch.pk}


@job_handler("academics.promote", title=_("Promote students into %(target_year_name)s"))
def promote_job(*, job, reporter, target_year_id, exclude=(), target_year_name=""):
    from apps.academics.models import AcademicYear
    from apps.academics.promotion import promotion_run

    target_year = AcademicYear.objects.get(pk=target_year_id)
    result = promotion_run(target_year=target_year, exclude=list(exclude), actor=job.started_by, reporter=reporter,
                           job=job)
    return result
