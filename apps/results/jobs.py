"""Job handlers owned by results."""

from django.utils.translation import gettext_lazy as _

from apps.jobs.registry import job_handler


@job_handler("results.report_cards", title=_("Report cards for %(scope)s"), queue="pdf")
def report_cards_job(*, job, reporter, term_id, stream_id=None, class_id=None, scope=""):
    from apps.academics.models import SchoolClass, Stream, Term
    from apps.results.report_cards import report_cards_render

    term = Term.objects.select_related("year").get(pk=term_id)
    stream = Stream.objects.select_related("school_class").get(pk=stream_id) if stream_id else None
    school_class = SchoolClass.objects.get(pk=class_id) if class_id else None
    outcome = report_cards_render(term=term, stream=stream, school_class=school_class, job=job, reporter=reporter)
    return {**outcome, "scope": scope, "term_id": term_id, "stream_id": stream_id}
