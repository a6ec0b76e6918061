"""School admin pages for moving students in bulk: import (upload, preview, confirm, result, error
report, template), export, and the year-end promotion."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.academics import exports, imports, promotion
from apps.academics.models import AcademicYear, SchoolClass, Student, StudentGuardian, StudentImport
from apps.accounts.decorators import role_required
from apps.accounts.roles import Role


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV or Excel (.xlsx) file"))


def _format(request) -> str:
    return "xlsx" if request.GET.get("format") == "xlsx" else "csv"


def student_import_get_for_user(*, user, pk) -> StudentImport:
    """An import of this school (the schema is the school) for its admins; 404 otherwise."""
    if user.role != Role.SCHOOL_ADMIN:
        raise Http404("No such import")
    return get_object_or_404(StudentImport.objects.select_related("created_by", "job"), pk=pk)


@role_required(Role.SCHOOL_ADMIN)
def student_import(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_BYTES:
                raise imports.ImportFileError(_("The file is larger than 5 MB: split it into smaller files."))
            batch = imports.student_import_preview(name=upload.name, data=upload.read(), actor=request.user)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("academics:student-import-detail", pk=batch.pk)
    recent = Paginator(StudentImport.objects.select_related("created_by").defer("rows"), 10).get_page(
        request.GET.get("page"))
    return render(request, "academics/import_upload.html", {
        "form": form, "recent": recent, "header": imports.HEADER, "required": imports.REQUIRED_COLUMNS,
    }, status=400 if form.errors else 200)


@role_required(Role.SCHOOL_ADMIN)
def student_import_template(request):
    rows = [imports.HEADER, *imports.EXAMPLE_ROWS]
    if _format(request) == "xlsx":
        return exports.xlsx_response(rows, filename="student-import-template.xlsx")
    return exports.csv_response(rows, filename="student-import-template.csv")


@role_required(Role.SCHOOL_ADMIN)
def student_import_detail(request, pk):
    batch = student_import_get_for_user(user=request.user, pk=pk)
    counts = imports.summary(batch.rows)
    valid = [row for row in batch.rows if not row["errors"]]
    invalid = [row for row in batch.rows if row["errors"]]
    relationships = dict(StudentGuardian.Relationship.choices)
    for row in valid:
        if row["clean"]["guardian"]:
            row["clean"]["guardian"]["relationship_label"] = relationships.get(row["clean"]["guardian"]["relationship"])
    for row in invalid:
        row["reasons"] = [(imports.LABELS.get(name, name), messages_) for name, messages_ in row["errors"].items()]
    limit_error = imports.plan_limit_error(counts["valid"]) if batch.status == StudentImport.Status.PREVIEW else ""
    context = {"batch": batch, "counts": counts, "valid": valid, "invalid": invalid, "limit_error": limit_error,
               "can_confirm": batch.status == StudentImport.Status.PREVIEW and counts["valid"] and not limit_error}
    if request.htmx:
        response = render(request, "academics/import_detail.html#status", context)
        if batch.status != StudentImport.Status.RUNNING:
            response["HX-Refresh"] = "true"  # finished while polling: show the whole result page
        return response
    return render(request, "academics/import_detail.html", context)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def student_import_confirm(request, pk):
    batch = student_import_get_for_user(user=request.user, pk=pk)
    try:
        job = imports.student_import_confirm(batch=batch, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("academics:student-import-detail", pk=batch.pk)
    return redirect("jobs:job-detail", pk=job.pk)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def student_import_discard(request, pk):
    batch = student_import_get_for_user(user=request.user, pk=pk)
    if batch.status == StudentImport.Status.PREVIEW:
        StudentImport.objects.filter(pk=batch.pk, status=StudentImport.Status.PREVIEW).delete()
        messages.success(request, _("The upload was discarded; nothing was imported."))
    return redirect("academics:student-import")


@role_required(Role.SCHOOL_ADMIN)
def student_import_errors(request, pk):
    batch = student_import_get_for_user(user=request.user, pk=pk)
    rows = imports.error_report_rows(batch)
    name = f"import-{batch.pk}-rejected"
    if _format(request) == "xlsx":
        return exports.xlsx_response(rows, filename=f"{name}.xlsx", title="Rejected")
    return exports.csv_response(rows, filename=f"{name}.csv")


@role_required(Role.SCHOOL_ADMIN)
def student_export(request):
    def number(name):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    status = request.GET.get("status", "")
    students = exports.students_for_export(
        user=request.user, school_class=number("class") or number("school_class"), stream=number("stream"),
        status=status if status in Student.Status.values else "",
        sex=request.GET.get("sex") if request.GET.get("sex") in Student.Sex.values else "",
        search=request.GET.get("q") or request.GET.get("search") or "")
    return exports.students_export_response(students, format=_format(request))


class PromotionForm(forms.Form):
    target_year = forms.ModelChoiceField(queryset=AcademicYear.objects.none(), label=gettext_lazy("Promote into"),
                                         empty_label=None)
    keep = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_year"].queryset = promotion.promotion_target_years()
        self.fields["keep"].choices = [(pk, pk) for pk in Student.objects.filter(
            status=Student.Status.ACTIVE).values_list("pk", flat=True)]


@role_required(Role.SCHOOL_ADMIN)
def promotion_page(request):
    form = PromotionForm(request.POST or request.GET or None)
    years = form.fields["target_year"].queryset
    if request.method == "POST":
        if form.is_valid():
            target_year = form.cleaned_data["target_year"]
            try:
                job = promotion.promotion_start(target_year=target_year, exclude=form.cleaned_data["keep"],
                                                actor=request.user, request=request)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("jobs:job-detail", pk=job.pk)
    elif form.is_bound:
        form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    target_year = cleaned.get("target_year") or years.first()
    refusal = promotion.promotion_refusal(target_year=target_year) if target_year else ""
    plan = promotion.promotion_plan() if target_year else []
    keep = set(cleaned.get("keep") or [])
    context = {"form": form, "years": years, "target_year": target_year, "refusal": refusal, "plan": plan,
               "keep": keep, "has_classes": SchoolClass.objects.exists(),
               "moving": sum(move.count for move in plan if not move.graduates),
               "graduating": sum(move.count for move in plan if move.graduates),
               "new_streams": [move.target_name for move in plan if move.creates_stream and move.count]}
    return render(request, "academics/promotion.html", context, status=400 if form.errors else 200)
