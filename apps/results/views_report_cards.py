"""Report cards in the console (/results/report-cards/): per stream how many are ready, generate a
stream's or a class's cards in a job, download one card or a stream's cards as a ZIP; and the public
verification page on the platform host (/verify/<code>/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.academics.models import SchoolClass, Stream, Term
from apps.academics.selectors import current_term
from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.results import report_cards as rc
from apps.results.models import ReportCard, TermResult


def _terms():
    return Term.objects.select_related("year").order_by("-starts_on")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _chosen_term(request, terms):
    wanted = _int(request.GET.get("term") or request.POST.get("term"))
    if wanted:
        return next((t for t in terms if t.pk == wanted), None)
    current = current_term()
    return current or (terms[0] if terms else None)


@role_required(Role.SCHOOL_ADMIN)
def report_card_list(request):
    terms = list(_terms())
    term = _chosen_term(request, terms)
    stream = None
    classes = []
    cards = []
    if term is not None:
        results = dict(TermResult.objects.filter(term=term).values_list("stream_id").annotate(n=Count("id")))
        counts = {row["student__stream_id"]: row for row in ReportCard.objects.filter(term=term)
                  .values("student__stream_id")
                  .annotate(ready=Count("id", filter=Q(status=ReportCard.Status.READY)),
                            failed=Count("id", filter=Q(status=ReportCard.Status.FAILED)))}
        streams = Stream.objects.select_related("school_class").order_by("school_class__level", "name")
        by_class = {}
        for s in streams:
            s.results_count = results.get(s.pk, 0)
            s.ready = counts.get(s.pk, {}).get("ready", 0)
            s.failed = counts.get(s.pk, {}).get("failed", 0)
            by_class.setdefault(s.school_class, []).append(s)
        classes = [{"school_class": c, "streams": ss, "results_count": sum(s.results_count for s in ss)}
                   for c, ss in by_class.items()]
        stream_id = _int(request.GET.get("stream"))
        if stream_id:
            stream = next((s for ss in by_class.values() for s in ss if s.pk == stream_id), None)
            if stream is None:
                raise Http404
            cards = (rc.report_cards_for_user(user=request.user, term=term).filter(student__stream=stream)
                     .order_by("student__last_name", "student__first_name"))
    return render(request, "results/report_card_list.html", {
        "terms": terms, "term": term, "classes": classes, "stream": stream, "cards": cards,
    })


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def report_card_generate(request):
    term = Term.objects.select_related("year").filter(pk=_int(request.POST.get("term"))).first()
    stream = Stream.objects.select_related("school_class").filter(pk=_int(request.POST.get("stream"))).first()
    school_class = SchoolClass.objects.filter(pk=_int(request.POST.get("class"))).first()
    back = reverse("results:report-card-list") + (f"?term={term.pk}" if term else "")
    if term is None or (stream is None and school_class is None):
        messages.error(request, _("Choose a term and a stream or class to generate report cards for."))
        return redirect(back)
    try:
        job = rc.report_cards_generate(term=term, stream=stream, school_class=school_class, actor=request.user,
                                       request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    return redirect("jobs:job-detail", pk=job.pk)


@login_required
def report_card_download(request, pk):
    card = rc.report_card_get_for_user(user=request.user, pk=pk)
    try:
        handle = card.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=request.GET.get("inline") is None, filename=rc.report_card_filename(card),
                        content_type="application/pdf")


@role_required(Role.SCHOOL_ADMIN)
def report_card_zip(request):
    term = Term.objects.select_related("year").filter(pk=_int(request.GET.get("term"))).first()
    stream = Stream.objects.select_related("school_class").filter(pk=_int(request.GET.get("stream"))).first()
    if term is None or stream is None:
        raise Http404
    cards = list(rc.report_cards_for_user(user=request.user, term=term)
                 .filter(student__stream=stream, status=ReportCard.Status.READY).exclude(file="")
                 .order_by("student__last_name", "student__first_name"))
    if not cards:
        messages.error(request, _("No report cards are ready for this stream yet."))
        return redirect(reverse("results:report-card-list") + f"?term={term.pk}&stream={stream.pk}")
    response = StreamingHttpResponse(rc.report_cards_zip_stream(cards), content_type="application/zip")
    name = slugify(f"report cards {stream.full_name} {term.year.name} {term.name}")
    response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
    return response


def report_card_verify(request, code):
    """Public: is this a genuine, published report card? Unknown, unpublished or malformed codes all
    answer the same "not valid" page with 404, so nothing tells which part was wrong."""
    card = rc.report_card_verify(code)
    return render(request, "results/report_card_verify.html", {"card": card, "code": code},
                  status=200 if card else 404)
