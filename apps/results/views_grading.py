"""Console pages for assessments, grading schemes and term results (/results/).

School admins manage assessments and schemes, compute and publish results; teachers read the results
of the streams they lead or teach in. Each POST answers HTMX with the fragment it changed and plain
browsers with a redirect."""

from __future__ import annotations

from functools import lru_cache

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.academics.models import SchoolClass, TeachingAssignment, Term
from apps.academics.selectors import current_term, students_for_user, teacher_stream_ids
from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.core.forms import form_errors_from
from apps.results import selectors
from apps.results.computation import term_results_compute
from apps.results.grading import evaluate
from apps.results.models import Assessment, GradingScheme
from apps.results.publishing import term_results_publish, term_results_unpublish
from apps.results.services import (
    assessment_create, assessment_delete, assessment_update, bands_from_data, divisions_from_data, scheme_copy,
    scheme_revise,
)

STAFF = (Role.SCHOOL_ADMIN, Role.TEACHER)


class AssessmentForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Assessment.Kind.choices)
    weight = forms.DecimalField(label=gettext_lazy("Weight (%)"), max_digits=5, decimal_places=2)
    max_mark = forms.DecimalField(label=gettext_lazy("Out of"), max_digits=6, decimal_places=2, initial=100)


class CopyForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)


def _term_from(request) -> Term | None:
    raw = request.GET.get("term") or request.POST.get("term")
    if raw:
        try:
            return Term.objects.select_related("year", "results_published_by").get(pk=int(raw))
        except (ValueError, Term.DoesNotExist):
            raise Http404 from None
    return current_term() or selectors.terms_list().first()


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- assessments ----------------------------------------------------------------------------------

def _marks_links(term: Term) -> list[dict]:
    """Stream × subject pairs with marks to take (links to the marks grid, when it exists)."""
    return list(TeachingAssignment.objects.select_related("stream__school_class", "subject", "teacher")
                .order_by("stream__school_class__level", "stream__name", "subject__order", "subject__code"))


def _assessment_context(request, term: Term | None, form=None, editing=None) -> dict:
    assessments = list(selectors.assessments_for_term(term=term)) if term else []
    total = sum((a.weight for a in assessments), 0)
    try:
        reverse("results:marks-grid", kwargs={"assessment_id": 1, "stream_id": 1, "subject_id": 1})
        grid = True
    except NoReverseMatch:
        grid = False
    return {"term": term, "terms": selectors.terms_list(), "assessments": assessments, "total": total,
            "form": form or AssessmentForm(initial={"kind": "exam", "max_mark": 100,
                                                    "weight": max(0, 100 - total) or None}),
            "editing": editing, "pairs": _marks_links(term) if term and assessments else [], "grid": grid}


@role_required(Role.SCHOOL_ADMIN)
def assessment_list(request):
    term = _term_from(request)
    return render(request, "results/assessment_list.html", _assessment_context(request, term))


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def assessment_new(request):
    term = _term_from(request)
    if term is None:
        raise Http404
    form = AssessmentForm(request.POST)
    if form.is_valid():
        try:
            assessment_create(term=term, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
    if form.is_valid() and not form.errors:
        if request.htmx:
            return render(request, "results/assessment_list.html#panel", _assessment_context(request, term))
        messages.success(request, _("Assessment added."))
        return redirect(f"{reverse('results:assessment-list')}?term={term.pk}")
    context = _assessment_context(request, term, form=form)
    if request.htmx:
        return render(request, "results/assessment_list.html#panel", context)
    return render(request, "results/assessment_list.html", context, status=400)


@role_required(Role.SCHOOL_ADMIN)
def assessment_edit(request, assessment_id: int):
    assessment = get_object_or_404(Assessment.objects.select_related("term__year"), pk=assessment_id)
    term = assessment.term
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            try:
                assessment_update(assessment=assessment, actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as error:
                form_errors_from(form, error)
        if not form.errors:
            if request.htmx:
                return render(request, "results/assessment_list.html#panel", _assessment_context(request, term))
            messages.success(request, _("Assessment saved."))
            return redirect(f"{reverse('results:assessment-list')}?term={term.pk}")
        assessment.refresh_from_db()
    else:
        form = AssessmentForm(initial={"name": assessment.name, "kind": assessment.kind, "weight": assessment.weight,
                                       "max_mark": assessment.max_mark})
    context = {**_assessment_context(request, term), "edit_form": form, "editing": assessment}
    if request.htmx:
        return render(request, "results/assessment_list.html#panel", context)
    return render(request, "results/assessment_list.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def assessment_remove(request, assessment_id: int):
    assessment = get_object_or_404(Assessment.objects.select_related("term__year"), pk=assessment_id)
    term = assessment.term
    error = ""
    try:
        assessment_delete(assessment=assessment, actor=request.user, request=request)
    except ValidationError as problem:
        error = _errors(problem)
    if request.htmx:
        return render(request, "results/assessment_list.html#panel",
                      {**_assessment_context(request, term), "panel_error": error})
    (messages.error if error else messages.success)(request, error or _("Assessment removed."))
    return redirect(f"{reverse('results:assessment-list')}?term={term.pk}")


# --- grading schemes ------------------------------------------------------------------------------

def _scheme_context(request, **extra) -> dict:
    groups = selectors.schemes_list()
    return {"groups": groups, "copy_form": CopyForm(), **extra}


@role_required(Role.SCHOOL_ADMIN)
def scheme_list(request):
    return render(request, "results/scheme_list.html", _scheme_context(request))


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def scheme_copy_view(request, scheme_id: int):
    scheme = selectors.scheme_get(pk=scheme_id)
    if scheme is None:
        raise Http404
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            copy = scheme_copy(scheme=scheme, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("%(name)s copied; edit its bands below.") % {"name": scheme.name})
            return redirect("results:scheme-edit", scheme_id=copy.pk)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("results:scheme-list")


def _rows_from_post(post, prefix: str, fields: list[str]) -> list[dict]:
    columns = {field: post.getlist(f"{prefix}_{field}") for field in fields}
    count = max((len(v) for v in columns.values()), default=0)
    rows = []
    for index in range(count):
        row = {field: (columns[field][index] if index < len(columns[field]) else "") for field in fields}
        if all(str(v).strip() == "" for k, v in row.items() if k != "is_pass"):
            continue
        rows.append(row)
    return rows


@role_required(Role.SCHOOL_ADMIN)
def scheme_edit(request, scheme_id: int):
    scheme = selectors.scheme_get(pk=scheme_id)
    if scheme is None:
        raise Http404
    if scheme.is_preset:
        messages.info(request, _("Presets cannot be changed; copy one to make your own."))
        return redirect("results:scheme-list")
    error = ""
    if request.method == "POST":
        band_rows = _rows_from_post(request.POST, "band", ["grade", "min_mark", "max_mark", "points", "remark"])
        passes = set(request.POST.getlist("band_pass"))
        for row in band_rows:
            row["is_pass"] = row["grade"].strip() in passes
        division_rows = _rows_from_post(request.POST, "division", ["division", "min_points", "max_points"])
        try:
            subjects = request.POST.get("division_subjects") or None
            revised = scheme_revise(
                scheme=scheme, bands=bands_from_data(band_rows), divisions=divisions_from_data(division_rows),
                name=request.POST.get("name") or scheme.name,
                division_method=request.POST.get("division_method") or scheme.division_method,
                division_subjects=int(subjects) if subjects and subjects.isdigit() else None,
                lower_points_better=request.POST.get("lower_points_better") == "on", actor=request.user,
                request=request)
        except ValidationError as problem:
            error = _errors(problem)
        else:
            messages.success(request, _("%(name)s saved as version %(version)s.") % {
                "name": revised.name, "version": revised.version})
            return redirect("results:scheme-list")
        bands, divisions = band_rows, division_rows
    else:
        bands = [{"grade": b.grade, "min_mark": b.min_mark, "max_mark": b.max_mark, "points": b.points,
                  "remark": b.remark, "is_pass": b.is_pass} for b in scheme.bands.all()]
        divisions = [{"division": d.division, "min_points": d.min_points, "max_points": d.max_points}
                     for d in scheme.divisions.all()]
    blank_band = {"grade": "", "min_mark": "", "max_mark": "", "points": "", "remark": "", "is_pass": True}
    blank_division = {"division": "", "min_points": "", "max_points": ""}
    return render(request, "results/scheme_edit.html", {
        "scheme": scheme, "bands": [*bands, blank_band, blank_band], "divisions": [*divisions, blank_division],
        "error": error, "methods": GradingScheme.DivisionMethod.choices}, status=400 if error else 200)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def scheme_evaluate(request):
    """The what-if calculator: marks typed as 'MATH 81, PHY 70' (and principal subjects) → grades."""
    scheme = selectors.scheme_get(pk=request.POST.get("scheme") or 0) if str(request.POST.get("scheme", "")).isdigit() \
        else None
    context = {"evaluated": None, "eval_error": ""}
    if scheme is None:
        context["eval_error"] = _("Choose a scheme.")
    else:
        marks, problems = {}, []
        for chunk in request.POST.get("marks", "").replace(";", ",").replace("\n", ",").split(","):
            parts = chunk.replace("=", " ").replace(":", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                problems.append(_("'%(chunk)s' is not 'SUBJECT mark'.") % {"chunk": chunk.strip()})
                continue
            marks[parts[0].upper()] = None if parts[1].lower() in ("abs", "absent", "-") else parts[1]
        principal = [c.strip().upper() for c in request.POST.get("principal", "").replace(";", ",").split(",")
                     if c.strip()] or None
        if problems:
            context["eval_error"] = " ".join(problems)
        elif not marks:
            context["eval_error"] = _("Type some marks, e.g. MATH 81, PHY 70.")
        else:
            try:
                context["evaluated"] = evaluate(scheme=scheme, marks=marks, principal=principal)
            except ValidationError as error:
                context["eval_error"] = _errors(error)
        context["eval_scheme"] = scheme
    context["eval_input"] = {"marks": request.POST.get("marks", ""), "principal": request.POST.get("principal", ""),
                             "scheme": request.POST.get("scheme", "")}
    if request.htmx:
        return render(request, "results/scheme_list.html#evaluate", context)
    return render(request, "results/scheme_list.html", {**_scheme_context(request), **context})


# --- results --------------------------------------------------------------------------------------

@role_required(*STAFF)
def result_list(request):
    term = _term_from(request)
    streams = selectors.result_streams_for_user(user=request.user)
    overview = selectors.term_overview(term=term, streams=streams) if term else []
    classes = []
    seen = set()
    for row in overview:
        cls = row["stream"].school_class
        if cls.pk not in seen:
            seen.add(cls.pk)
            classes.append(cls)
    weights = sum((a.weight for a in Assessment.objects.filter(term=term)), 0) if term else 0
    return render(request, "results/result_list.html", {
        "term": term, "terms": selectors.terms_list(), "overview": overview, "classes": classes,
        "weights": weights, "is_admin": request.user.role == Role.SCHOOL_ADMIN})


def _back_to_list(term: Term):
    return redirect(f"{reverse('results:result-list')}?term={term.pk}")


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def result_recompute(request, term_id: int):
    term = get_object_or_404(Term, pk=term_id)
    try:
        counts = term_results_compute(term=term)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Results computed for %(count)s students.") % {"count": counts["term_results"]})
    return _back_to_list(term)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def result_publish(request, term_id: int):
    term = get_object_or_404(Term, pk=term_id)
    try:
        counts = term_results_publish(term=term, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("%(term)s published: %(count)s students' results; marks are now locked.")
                         % {"term": term, "count": counts["term_results"]})
    return _back_to_list(term)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def result_unpublish(request, term_id: int):
    term = get_object_or_404(Term, pk=term_id)
    try:
        term_results_unpublish(term=term, actor=request.user, reason=request.POST.get("reason", ""), request=request)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("%(term)s is a draft again.") % {"term": term})
    return _back_to_list(term)


@lru_cache(maxsize=4096)
def _cell_html(cell) -> str:
    """A subject cell; the same score and grade recur a lot, so each is escaped once."""
    if cell is None:
        return '<td class="text-center text-muted">·</td>'
    text, grade, absent = cell
    return (f'<td class="text-center text-nowrap{" text-muted" if absent else ""}">{escape(text)} '
            f'<strong>{escape(grade)}</strong></td>')


def _dash(value) -> str:
    return "—" if value in (None, "") else str(value)


def _points_text(value) -> str:
    return "—" if value is None else format(value.normalize(), "f")


def _row_html(result, cells, *, by: str, student_base: str, incomplete_html: str) -> str:
    """One student's row of a results table, built here: a class of 500 students has 6,000 subject cells,
    and the template engine spends milliseconds on every thousand lookups. Numbers need no escaping;
    names, admission numbers and the school's own grade and division names are escaped."""
    division = result.division
    division_html = incomplete_html if division == "INC" else escape(_dash(division))
    if by == "class":
        position, other = result.position_in_class, f"{_dash(result.position_in_stream)}/{result.stream_size}"
        stream_cell = f"<td>{escape(result.stream.full_name)}</td>"
    else:
        position, other = result.position_in_stream, f"{_dash(result.position_in_class)}/{result.class_size}"
        stream_cell = ""
    student = result.student
    return (f'<tr><td>{_dash(position)}</td><td><a href="{student_base}{result.student_id}/"><bdi>'
            f'{escape(student.full_name)}</bdi></a><div class="small text-muted" dir="ltr">'
            f'{escape(student.admission_number)}</div></td>{stream_cell}{"".join(_cell_html(c) for c in cells)}'
            f'<td class="text-end">{_dash(result.total)}</td><td class="text-end">{_dash(result.average)}</td>'
            f'<td class="text-end">{_points_text(result.points)}</td><td>{division_html}</td>'
            f'<td class="text-end">{other}</td></tr>')


def _table_page(request, term, title, table, **extra):
    student_base = reverse("results:student-results", args=[term.pk, 0])[:-2]  # + id + "/" per row
    incomplete = format_html('<span title="{}">INC</span>', _("Incomplete: fewer subjects sat than the division needs"))
    by = extra.get("by", "stream")
    for row in table["rows"]:
        row["html"] = mark_safe(_row_html(row["result"], row["cells"], by=by, student_base=student_base,  # noqa: S308
                                          incomplete_html=incomplete))
    return render(request, "results/result_table.html", {"term": term, "title": title, "table": table,
                                                         "student_base": student_base,
                                                         "is_admin": request.user.role == Role.SCHOOL_ADMIN, **extra})


@role_required(*STAFF)
def stream_results(request, term_id: int, stream_id: int):
    term = get_object_or_404(Term.objects.select_related("year"), pk=term_id)
    stream = get_object_or_404(selectors.result_streams_for_user(user=request.user), pk=stream_id)
    table = selectors.results_table(term=term, stream=stream)
    return _table_page(request, term, stream.full_name, table, stream=stream, by="stream")


@role_required(*STAFF)
def class_results(request, term_id: int, class_id: int):
    term = get_object_or_404(Term.objects.select_related("year"), pk=term_id)
    if request.user.role == Role.SCHOOL_ADMIN:
        school_class = get_object_or_404(SchoolClass, pk=class_id)
    else:
        school_class = get_object_or_404(SchoolClass.objects.filter(streams__id__in=teacher_stream_ids(
            user=request.user)).distinct(), pk=class_id)
    table = selectors.results_table(term=term, school_class=school_class)
    if request.user.role != Role.SCHOOL_ADMIN:
        # a teacher sees the class ranking of her own streams' students only
        mine = set(selectors.result_streams_for_user(user=request.user).values_list("id", flat=True))
        table["rows"] = [row for row in table["rows"] if row["result"].stream_id in mine]
    return _table_page(request, term, school_class.name, table, school_class=school_class, by="class")


@role_required(*STAFF)
def student_results(request, term_id: int, student_id: int):
    term = get_object_or_404(Term.objects.select_related("year"), pk=term_id)
    student = get_object_or_404(students_for_user(user=request.user), pk=student_id)
    data = selectors.student_term(term=term, student=student)
    return render(request, "results/result_student.html", {"term": term, "student": student, **data})
