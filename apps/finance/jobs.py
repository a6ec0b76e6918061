"""Job handlers owned by fees: issuing a term's invoices for a whole class, with a progress bar.

Each student's invoices are issued in their own transaction (invoices_issue_for_class), so progress written
on the job's connection is seen as it goes."""

from django.utils.translation import gettext_lazy as _

from apps.jobs.registry import job_handler


@job_handler("finance.invoice_class", title=_("Issue invoices for %(class_name)s, %(term_name)s"))
def invoice_class_job(*, job, reporter, term_id, school_class_id, class_name="", term_name=""):
    from apps.academics.models import SchoolClass, Term
    from apps.finance.services import invoices_issue_for_class

    term, school_class = Term.objects.get(pk=term_id), SchoolClass.objects.get(pk=school_class_id)
    run = invoices_issue_for_class(term=term, school_class=school_class, actor=job.started_by, reporter=reporter)
    return {
        "issued": len(run["issued"]),
        "total": str(sum((invoice.total for invoice in run["issued"]), 0)),
        "skipped": [{"student": student.full_name, "admission_number": student.admission_number, "reason": str(why)}
                    for student, why in run["skipped"]],
        "term_id": term.pk, "school_class_id": school_class.pk,
    }


def invoice_class_start(*, term, school_class, actor):
    """Queue the job that issues the term's invoices for the class; returns the job."""
    from apps.jobs.services import job_start

    return job_start(kind="finance.invoice_class", actor=actor, params={
        "term_id": term.pk, "school_class_id": school_class.pk, "class_name": str(school_class),
        "term_name": str(term)})

from apps.finance import jobs_reconciliation  # noqa: E402, F401  (registers finance.reconcile)
