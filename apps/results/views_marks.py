"""Marks entry and tamper review in the console (/results/marks/, /results/review/, /results/integrity/).

The grid saves one cell at a time over HTMX (`mark_save` answers the cell's status fragment from
results/marks_grid.html); without JavaScript the whole grid posts to itself and is saved with
`marks_bulk_upsert`. A teacher reaches only the stream-subjects she is assigned (404 otherwise)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.academics.access import stream_get_for_user
from apps.academics.models import ClassSubject, Stream, Student, Subject
from apps.academics.selectors import assignments_for_user, current_term, stream_roll
from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.results import tamper
from apps.results.forms_marks import FlagFilterForm, ReasonForm, ReviewNoteForm, TamperPolicyForm
from apps.results.marks import (
    bulk_row_errors, mark_can_edit, mark_display, mark_set, marks_bulk_upsert, marks_lock_state, marks_relock,
    marks_unlock,
)
from apps.results.models import Assessment, Mark, MarkChange, MarkFlag, MarkUnlock

GRID = "results/marks_grid.html"
QUEUE = "results/review_queue.html"
PAGE_SIZE = 25


# --- finding what the user may open --------------------------------------------------------------------

def _grid_objects(user, assessment_id, stream_id, subject_id):
    """The assessment, stream and subject of a grid, or 404 when the user may not enter those marks."""
    assessment = get_object_or_404(Assessment.objects.select_related("term"), pk=assessment_id)
    stream = stream_get_for_user(user=user, pk=stream_id)
    subject = get_object_or_404(Subject, pk=subject_id)
    if not mark_can_edit(user=user, stream_id=stream.pk, subject_id=subject.pk):
        raise Http404("Not your stream-subject")
    return assessment, stream, subject


def mark_get_for_user(*, user, pk) -> Mark:
    mark = get_object_or_404(Mark.objects.select_related("student__stream__school_class", "subject",
                                                         "assessment__term"), pk=pk)
    if mark.student.stream_id is None or not mark_can_edit(user=user, stream_id=mark.student.stream_id,
                                                           subject_id=mark.subject_id):
        raise Http404("Not your mark")
    return mark


def _grid_rows(*, assessment, stream, subject, errors=None, typed=None):
    students = list(stream_roll(stream=stream))
    marks = {mark.student_id: mark for mark in Mark.objects.filter(
        assessment=assessment, subject=subject, student__in=[student.pk for student in students])}
    flagged = set(MarkFlag.objects.filter(status=MarkFlag.Status.OPEN, change__mark_id__in=[
        mark.pk for mark in marks.values()]).values_list("change__mark_id", flat=True)) if marks else set()
    rows = []
    for student in students:
        mark = marks.get(student.pk)
        shown = mark_display(mark.score, mark.is_absent) if mark else ""
        error = (errors or {}).get(student.pk, "")
        rows.append({"student": student, "mark": mark, "value": (typed or {}).get(student.pk, shown) if error else shown,
                     "error": error, "flagged": mark is not None and mark.pk in flagged})
    return rows


def _grid_context(request, assessment, stream, subject, **extra):
    state = marks_lock_state(term=assessment.term, stream_id=stream.pk, subject_id=subject.pk)
    unlock = None
    if state == "unlocked":
        unlock = (MarkUnlock.objects.select_related("unlocked_by").filter(
            term=assessment.term, stream=stream, relocked_at__isnull=True).order_by("-unlocked_at").first())
    return {"assessment": assessment, "stream": stream, "subject": subject, "term": assessment.term,
            "lock_state": state, "unlock": unlock, "is_admin": request.user.role == Role.SCHOOL_ADMIN,
            "max_mark": mark_display(assessment.max_mark, False),
            "rows": extra.pop("rows", None) or _grid_rows(assessment=assessment, stream=stream, subject=subject),
            "reason_form": ReasonForm(), **extra,
            # one reverse for the page, not one per student: "/results/marks/history/" + id + "/"
            "history_base": reverse("results:marks-history", kwargs={"mark_id": 0})[:-2]}


# --- the grid ------------------------------------------------------------------------------------------

@role_required(Role.SCHOOL_ADMIN, Role.TEACHER)
def marks_index(request):
    """The grids the user may open for one assessment (default: the current term's first)."""
    term = current_term()
    assessments = list(Assessment.objects.select_related("term").filter(term=term)) if term else []
    chosen = request.GET.get("assessment", "")
    if chosen.isdigit():
        assessment = get_object_or_404(Assessment.objects.select_related("term"), pk=chosen)
    else:
        assessment = assessments[0] if assessments else None
    pairs = []
    if request.user.role == Role.SCHOOL_ADMIN:
        streams = Stream.objects.select_related("school_class").order_by("school_class__level", "name")
        subjects_of = {}
        for link in ClassSubject.objects.select_related("subject").order_by("subject__order", "subject__code"):
            subjects_of.setdefault(link.school_class_id, []).append(link.subject)
        pairs = [(stream, subject) for stream in streams for subject in subjects_of.get(stream.school_class_id, [])]
    else:
        pairs = [(a.stream, a.subject) for a in assignments_for_user(user=request.user).order_by(
            "stream__school_class__level", "stream__name", "subject__order")]
    entered = {}
    if assessment is not None:
        entered = {(row["student__stream_id"], row["subject_id"]): row["n"] for row in Mark.objects.filter(
            assessment=assessment).values("student__stream_id", "subject_id").annotate(n=Count("id"))}
    sizes = dict(Student.objects.filter(status=Student.Status.ACTIVE).values("stream_id").annotate(
        n=Count("id")).values_list("stream_id", "n"))
    rows = [{"stream": stream, "subject": subject, "entered": entered.get((stream.pk, subject.pk), 0),
             "size": sizes.get(stream.pk, 0)} for stream, subject in pairs]
    return render(request, "results/marks_index.html", {"assessments": assessments, "assessment": assessment,
                                                        "rows": rows, "term": term})


@role_required(Role.SCHOOL_ADMIN, Role.TEACHER)
def marks_grid(request, assessment_id, stream_id, subject_id):
    assessment, stream, subject = _grid_objects(request.user, assessment_id, stream_id, subject_id)
    if request.method != "POST":
        return render(request, GRID, _grid_context(request, assessment, stream, subject))
    # without JavaScript: the whole grid at once, all or nothing
    students = list(stream_roll(stream=stream))
    typed = {student.pk: request.POST.get(f"mark-{student.pk}", "") for student in students}
    rows = [{"student": student.pk, "value": typed[student.pk]} for student in students]
    try:
        marks_bulk_upsert(assessment=assessment, subject=subject, rows=rows, actor=request.user,
                          reason=request.POST.get("reason", ""), request=request)
    except ValidationError as error:
        per_row = {students[int(index)].pk: message for index, message in bulk_row_errors(error).items()}
        grid_rows = _grid_rows(assessment=assessment, stream=stream, subject=subject, errors=per_row, typed=typed)
        messages.error(request, " ".join(error.messages))
        return render(request, GRID, _grid_context(request, assessment, stream, subject, rows=grid_rows), status=400)
    messages.success(request, _("Marks saved."))
    return redirect("results:marks-grid", assessment_id=assessment.pk, stream_id=stream.pk, subject_id=subject.pk)


@require_POST
@role_required(Role.SCHOOL_ADMIN, Role.TEACHER)
def mark_save(request, assessment_id, stream_id, subject_id):
    """One cell: answers the cell's status fragment (saved, or the error; nothing saved on an error)."""
    assessment, stream, subject = _grid_objects(request.user, assessment_id, stream_id, subject_id)
    student_id = request.POST.get("student", "")
    if not student_id.isdigit():
        raise Http404("No such student in this stream")
    student = get_object_or_404(Student, pk=student_id, stream=stream, status=Student.Status.ACTIVE)
    value = request.POST.get(f"mark-{student.pk}", request.POST.get("value", ""))
    context = {"row": {"student": student}, "state": "saved", "message": ""}
    try:
        mark = mark_set(assessment=assessment, student=student, subject=subject, value=value,
                        reason=request.POST.get("reason", ""), actor=request.user, request=request)
    except ValidationError as error:
        context.update(state="error", message=" ".join(error.messages))
    else:
        context["row"]["mark"] = mark if mark.pk else None
        context["shown"] = mark_display(mark.score, mark.is_absent)
    if not request.htmx:
        if context["state"] == "error":
            messages.error(request, context["message"])
        return redirect("results:marks-grid", assessment_id=assessment.pk, stream_id=stream.pk, subject_id=subject.pk)
    return render(request, f"{GRID}#status", context)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def marks_unlock_view(request, assessment_id, stream_id, subject_id):
    assessment, stream, subject = _grid_objects(request.user, assessment_id, stream_id, subject_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give a reason for unlocking."))
        marks_unlock(term=assessment.term, stream=stream, subject=None if request.POST.get("scope") == "all"
                     else subject, reason=form.cleaned_data["reason"], actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marks unlocked. Each change now needs a reason and is flagged for review."))
    return redirect("results:marks-grid", assessment_id=assessment.pk, stream_id=stream.pk, subject_id=subject.pk)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def marks_relock_view(request, assessment_id, stream_id, subject_id):
    assessment, stream, subject = _grid_objects(request.user, assessment_id, stream_id, subject_id)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give a reason for locking."))
        unlocks = MarkUnlock.objects.filter(term=assessment.term, stream=stream, relocked_at__isnull=True)
        whole = unlocks.filter(subject__isnull=True).exists()
        marks_relock(term=assessment.term, stream=stream, subject=None if whole else subject,
                     reason=form.cleaned_data["reason"], actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marks locked again."))
    return redirect("results:marks-grid", assessment_id=assessment.pk, stream_id=stream.pk, subject_id=subject.pk)


@role_required(Role.SCHOOL_ADMIN, Role.TEACHER)
def marks_history(request, mark_id):
    mark = mark_get_for_user(user=request.user, pk=mark_id)
    return render(request, "results/marks_history.html", {
        "mark": mark, "changes": tamper.mark_history(mark=mark), "shown": mark_display(mark.score, mark.is_absent)})


# --- review and integrity (school admins) --------------------------------------------------------------

def _queue_context(request, **extra):
    filters = FlagFilterForm(request.GET or {"status": "open"})
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    status = data.get("status") or "open"
    flags = tamper.flags_for_user(user=request.user, rule=data.get("rule", ""),
                                  status="" if status == "all" else status)
    page = Paginator(flags, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = dict(MarkFlag.objects.filter(status=MarkFlag.Status.OPEN).values("rule").annotate(
        n=Count("id")).values_list("rule", "n"))
    rule_options = [(value, label, counts.get(value, 0)) for value, label in filters.fields["rule"].choices]
    return {"page": page, "filters": filters, "query": query, "rule_options": rule_options,
            "policy_form": extra.pop("policy_form", None) or TamperPolicyForm(instance=tamper.tamper_policy_get()),
            **extra}


def _decorate(flag):
    change = flag.change
    flag.old_shown = mark_display(change.old_score, change.old_absent) or "—"
    flag.new_shown = mark_display(change.new_score, change.new_absent) or "—"
    return flag


@role_required(Role.SCHOOL_ADMIN)
def review_queue(request):
    context = _queue_context(request)
    for flag in context["page"]:
        _decorate(flag)
    return render(request, QUEUE, context)


def _flag_for_admin(request, flag_id) -> MarkFlag:
    return get_object_or_404(tamper.flags_for_user(user=request.user), pk=flag_id)


def _flag_answer(request, flag, error=""):
    if request.htmx:
        flag = _flag_for_admin(request, flag.pk)
        return render(request, f"{QUEUE}#flag", {"flag": _decorate(flag), "flag_error": error})
    if error:
        messages.error(request, error)
    return redirect("results:review-queue")


def _flag_review(request, flag_id, *, review, done: str):
    """Accept or revert a flag (`review` is tamper.flag_accept or flag_revert) with the reviewer's note."""
    flag = _flag_for_admin(request, flag_id)
    form = ReviewNoteForm(request.POST)
    form.is_valid()
    try:
        review(flag=flag, note=form.cleaned_data.get("note", ""), actor=request.user, request=request)
    except ValidationError as error:
        return _flag_answer(request, flag, " ".join(error.messages))
    if not request.htmx:
        messages.success(request, done)
    return _flag_answer(request, flag)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def flag_accept_view(request, flag_id):
    return _flag_review(request, flag_id, review=tamper.flag_accept, done=_("Change accepted."))


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def flag_revert_view(request, flag_id):
    return _flag_review(request, flag_id, review=tamper.flag_revert, done=_("Mark put back to its earlier value."))


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def tamper_policy(request):
    form = TamperPolicyForm(request.POST, instance=tamper.tamper_policy_get())
    if form.is_valid():
        try:
            tamper.tamper_policy_update(**{name: form.cleaned_data[name] for name in form.Meta.fields},
                                        actor=request.user, request=request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thresholds saved. They apply to changes from now on."))
            return redirect("results:review-queue")
    context = _queue_context(request, policy_form=form)
    for flag in context["page"]:
        _decorate(flag)
    return render(request, QUEUE, context, status=400)


@role_required(Role.SCHOOL_ADMIN)
def chain_verify(request):
    breaks = tamper.marks_chain_verify()
    changes = {change.pk: change for change in MarkChange.objects.filter(
        pk__in=[item["change_id"] for item in breaks if item["change_id"]])}
    for item in breaks:
        item["change"] = changes.get(item["change_id"])
    return render(request, "results/review_integrity.html", {
        "breaks": breaks, "checked": MarkChange.objects.count(), "intact": not breaks,
        "without_history": tamper.marks_without_history_count()})
