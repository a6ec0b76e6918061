"""Job handler of a statement's reconciliation, with a progress bar (each payment is its own transaction,
so progress written on the job's connection is seen as it goes)."""

from django.utils.translation import gettext_lazy as _

from apps.jobs.registry import job_handler


@job_handler("finance.reconcile", title=_("Match the payments of “%(file)s”"))
def reconcile_job(*, job, reporter, statement_id=None, file=""):
    from apps.finance.models import Statement
    from apps.finance.services_reconciliation import statement_reconcile

    statement = Statement.objects.get(pk=statement_id) if statement_id else None
    summary = statement_reconcile(statement=statement, actor=job.started_by, progress=reporter)
    return {**summary, "statement_id": statement_id}


def statement_reconcile_start(*, statement, actor):
    """Queue the reconciliation of a statement's lines (None: every unmatched line); returns the job."""
    from apps.jobs.services import job_start

    return job_start(kind="finance.reconcile", actor=actor, params={
        "statement_id": getattr(statement, "pk", None),
        "file": statement.filename if statement is not None else str(_("all statements"))})
