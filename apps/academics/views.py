"""The school's console pages (/school/), for its school admins: the structure page (years and terms,
classes and streams, subjects, curriculum, who teaches what, rooms), students, guardians and the
school profile. Thin views: a form checks shape, a service does the work, errors go back beside the
fields. HTMX requests get the fragment that changed; without JavaScript every form still works."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.academics import forms, services
from apps.academics.access import guardian_get_for_user, student_get_for_user
from apps.academics.models import (
    AcademicYear, ClassSubject, Guardian, Room, SchoolClass, Stream, Student, StudentGuardian, Subject,
    TeachingAssignment, Term,
)
from apps.academics.phones import phone_normalise
from apps.academics.selectors import current_term, guardians_for_user, students_for_user
from apps.accounts.decorators import role_required
from apps.accounts.invitations import school_base_url
from apps.accounts.roles import Role
from apps.core.forms import form_errors_from

PAGE_SIZE = 25
admin_only = role_required(Role.SCHOOL_ADMIN)


def url_or_path(name: str, path: str, **kwargs) -> str:
    """A URL another part of the product serves, or its known path while it does not exist yet."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return path


def _hx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def _done(request, url: str, message: str = ""):
    if message:
        messages.success(request, message)
    return _hx_redirect(url) if request.htmx else redirect(url)


# --- the structure page -----------------------------------------------------------------------------

STRUCTURE = "academics/structure.html"


def _structure_context(request, **forms_given) -> dict:
    years = list(AcademicYear.objects.prefetch_related(
        Prefetch("terms", queryset=Term.objects.order_by("number"))))
    classes = list(SchoolClass.objects.select_related("next_class", "grading_scheme").prefetch_related(
        Prefetch("streams", queryset=Stream.objects.select_related("class_teacher", "room")
                 .annotate(active_students=Count("students", filter=Q(students__status=Student.Status.ACTIVE)))),
        Prefetch("class_subjects", queryset=ClassSubject.objects.select_related("subject"))))
    subjects = list(Subject.objects.all())
    rooms = list(Room.objects.annotate(stream_count=Count("streams")))
    assignments = {(a.stream_id, a.subject_id): a for a in TeachingAssignment.objects.all()}
    teachers = list(forms.AssignmentForm().fields["teacher"].queryset)
    grid = []
    for school_class in classes:
        class_subjects = [cs.subject for cs in school_class.class_subjects.all()]
        class_subjects.sort(key=lambda subject: (subject.order, subject.code))
        school_class.subject_ids = {subject.pk for subject in class_subjects}
        school_class.sorted_subjects = class_subjects
        for stream in school_class.streams.all():
            stream.school_class = school_class
            grid.append({"stream": stream, "cells": [
                {"stream": stream, "subject": subject, "assignment": assignments.get((stream.pk, subject.pk))}
                for subject in class_subjects]})
    from apps.results.models import GradingScheme

    context = {
        "years": years, "classes": classes, "subjects": subjects, "rooms": rooms, "grid": grid,
        "teachers": teachers, "grading_schemes": list(GradingScheme.objects.all()),
        "class_teachers": list(forms.StreamForm().fields["class_teacher"].queryset),
        "year_form": forms.YearForm(prefix="year"), "term_form": forms.TermForm(prefix="term"),
        "class_form": forms.ClassForm(prefix="class"), "stream_form": forms.StreamForm(prefix="stream"),
        "subject_form": forms.SubjectForm(prefix="subject"), "room_form": forms.RoomForm(prefix="room"),
    }
    context["term_form"].fields["year"].queryset = AcademicYear.objects.all()
    context.update(forms_given)
    return context


SECTIONS = ("years", "classes", "subjects", "assignments", "rooms")


@require_GET
@admin_only
def structure(request):
    section = request.GET.get("section")
    if request.htmx and section in SECTIONS:
        return render(request, f"{STRUCTURE}#{section}", _structure_context(request))
    return render(request, STRUCTURE, _structure_context(request))


def _structure_section(request, section: str, status: int = 200, changed: bool = False, **forms_given):
    """The section that changed (HTMX; the other sections hear `structure-changed` and reload), or
    the whole page (a plain POST with errors: 400)."""
    context = _structure_context(request, **forms_given)
    if request.htmx:
        response = render(request, f"{STRUCTURE}#{section}", context)
        if changed:
            response["HX-Trigger"] = json.dumps({"structure-changed": {"value": section}})
        return response
    return render(request, STRUCTURE, context, status=status)


def _structure_create(request, *, form_class, prefix: str, section: str, create, success: str):
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            create(form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if request.htmx:
                return _structure_section(request, section, changed=True)
            messages.success(request, success)
            return redirect("academics:structure")
    return _structure_section(request, section, status=400, **{f"{prefix}_form": form})


def _structure_edit(request, *, form, section: str, update, name: str, pk: int):
    """An inline edit on the structure page: the form (errors beside it) or the changed section.
    `name` says which inline form it is (its template variables are `<name>_edit_form/_pk`)."""
    if form.is_valid():
        try:
            update(form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
    if form.errors:
        return _structure_section(request, section, status=400, **{f"{name}_edit_form": form, f"{name}_edit_pk": pk})
    if request.htmx:
        return _structure_section(request, section, changed=True)
    return _done(request, resolve_url("academics:structure"), _("Saved."))


@require_POST
@admin_only
def year_create(request):
    return _structure_create(
        request, form_class=forms.YearForm, prefix="year", section="years", success=_("Year added."),
        create=lambda data: services.year_create(**data, actor=request.user, request=request))


@require_POST
@admin_only
def year_set_current(request, pk):
    year = get_object_or_404(AcademicYear, pk=pk)
    services.year_set_current(year=year, actor=request.user, request=request)
    if request.htmx:
        return _structure_section(request, "years", changed=True)
    return _done(request, resolve_url("academics:structure"), _("%(year)s is the current year.") % {"year": year})


@require_POST
@admin_only
def term_create(request):
    return _structure_create(
        request, form_class=forms.TermForm, prefix="term", section="years", success=_("Term added."),
        create=lambda data: services.term_create(**data, actor=request.user, request=request))


@require_POST
@admin_only
def term_set_current(request, pk):
    term = get_object_or_404(Term.objects.select_related("year"), pk=pk)
    services.term_set_current(term=term, actor=request.user, request=request)
    if request.htmx:
        return _structure_section(request, "years")
    return _done(request, resolve_url("academics:structure"), _("%(term)s is the current term.") % {"term": term})


@require_POST
@admin_only
def term_freeze(request, pk):
    term = get_object_or_404(Term.objects.select_related("year"), pk=pk)
    form = forms.TermFreezeForm(request.POST, prefix=f"t{term.pk}")
    if form.is_valid():
        try:
            services.term_update(term=term, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
    if form.errors:
        return _structure_section(request, "years", status=400, freeze_errors={term.pk: form.errors})
    if request.htmx:
        return _structure_section(request, "years")
    return _done(request, resolve_url("academics:structure"), _("Saved."))


@require_POST
@admin_only
def class_create(request):
    return _structure_create(
        request, form_class=forms.ClassForm, prefix="class", section="classes", success=_("Class added."),
        create=lambda data: services.class_create(**data, actor=request.user, request=request))


@require_POST
@admin_only
def class_edit(request, pk):
    school_class = get_object_or_404(SchoolClass, pk=pk)
    return _structure_edit(
        request, form=forms.ClassForm(request.POST, prefix=f"c{school_class.pk}"), section="classes",
        name="class", pk=school_class.pk,
        update=lambda data: services.class_update(school_class=school_class, actor=request.user, request=request,
                                                  **data))


@require_POST
@admin_only
def stream_create(request):
    return _structure_create(
        request, form_class=forms.StreamForm, prefix="stream", section="classes", success=_("Stream added."),
        create=lambda data: services.stream_create(**data, actor=request.user, request=request))


@require_POST
@admin_only
def stream_edit(request, pk):
    stream = get_object_or_404(Stream.objects.select_related("school_class"), pk=pk)
    return _structure_edit(
        request, form=forms.StreamEditForm(request.POST, prefix=f"s{stream.pk}"), section="classes",
        name="stream", pk=stream.pk,
        update=lambda data: services.stream_update(stream=stream, actor=request.user, request=request, **data))


@require_POST
@admin_only
def subject_create(request):
    return _structure_create(
        request, form_class=forms.SubjectForm, prefix="subject", section="subjects", success=_("Subject added."),
        create=lambda data: services.subject_create(**data, actor=request.user, request=request))


@require_POST
@admin_only
def curriculum_set(request, pk):
    school_class = get_object_or_404(SchoolClass, pk=pk)
    form = forms.CurriculumForm(request.POST, prefix=f"cur{school_class.pk}")
    if not form.is_valid():
        return _structure_section(request, "subjects", status=400)
    services.class_subject_set(school_class=school_class, subjects=form.cleaned_data["subjects"],
                               actor=request.user, request=request)
    if request.htmx:
        return _structure_section(request, "subjects", changed=True)
    return _done(request, resolve_url("academics:structure"), _("Saved."))


@require_GET
@admin_only
def assignment_grid(request):
    return render(request, f"{STRUCTURE}#assignments", _structure_context(request))


@require_POST
@admin_only
def assignment_set(request, stream_id, subject_id):
    stream = get_object_or_404(Stream.objects.select_related("school_class"), pk=stream_id)
    subject = get_object_or_404(Subject, pk=subject_id)
    form = forms.AssignmentForm(request.POST, prefix=f"a{stream.pk}-{subject.pk}")
    error = ""
    if not form.is_valid():
        error = _("Choose one of the teachers.")
    else:
        teacher = form.cleaned_data["teacher"]
        try:
            if teacher is None:
                services.assignment_remove(stream=stream, subject=subject, actor=request.user, request=request)
            else:
                services.assignment_set(stream=stream, subject=subject, teacher=teacher, actor=request.user,
                                        request=request)
        except ValidationError as failure:
            error = " ".join(failure.messages)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(resolve_url("academics:structure") + "#assignments")
    cell = {"stream": stream, "subject": subject,
            "assignment": TeachingAssignment.objects.filter(stream=stream, subject=subject).first()}
    return render(request, f"{STRUCTURE}#cell", {"cell": cell, "teachers": forms.AssignmentForm().fields[
        "teacher"].queryset, "cell_error": error, "cell_saved": not error})


@require_POST
@admin_only
def room_create(request):
    return _structure_create(
        request, form_class=forms.RoomForm, prefix="room", section="rooms", success=_("Room added."),
        create=lambda data: services.room_create(**data, actor=request.user, request=request))


# --- students ---------------------------------------------------------------------------------------

STUDENT_LIST = "academics/student_list.html"


def students_filtered(*, user, data: dict):
    students = students_for_user(user=user)
    q = (data.get("q") or "").strip()
    if q:
        for word in q.split()[:4]:
            students = students.filter(Q(first_name__icontains=word) | Q(middle_name__icontains=word)
                                       | Q(last_name__icontains=word) | Q(admission_number__icontains=word))
    if data.get("school_class"):
        students = students.filter(stream__school_class=data["school_class"])
    if data.get("stream"):
        students = students.filter(stream=data["stream"])
    if data.get("status"):
        students = students.filter(status=data["status"])
    if data.get("sex"):
        students = students.filter(sex=data["sex"])
    return students.order_by(*forms.SORTS.get(data.get("sort") or "name", forms.SORTS["name"]))


@require_GET
@admin_only
def student_list(request):
    filters = forms.StudentFilterForm(request.GET)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    page = Paginator(students_filtered(user=request.user, data=data), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {"page": page, "filters": filters, "query": query, "sort": data.get("sort") or "name",
               "sort_query": sort_query.urlencode(),
               "import_url": url_or_path("academics:student-import", "/school/students/import/"),
               "export_url": url_or_path("academics:student-export", "/school/students/export/") + (
                   f"?{query.urlencode()}" if query else "")}
    template = f"{STUDENT_LIST}#table" if request.htmx and request.htmx.target == "student-table" else STUDENT_LIST
    return render(request, template, context)


@admin_only
def student_create(request):
    form = forms.StudentForm(request.POST or None, request.FILES or None,
                             initial={"admitted_on": timezone.localdate(), "stream": request.GET.get("stream")})
    if request.method == "POST" and form.is_valid():
        try:
            student = services.student_admit(**form.cleaned_data, actor=request.user, request=request)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s was admitted with number %(number)s.")
                             % {"name": student.full_name, "number": student.admission_number})
            return redirect("academics:student-detail", pk=student.pk)
    context = {"form": form, "next_number": _next_number_preview()}
    return render(request, "academics/student_form.html", context, status=400 if form.errors else 200)


def _next_number_preview() -> str:
    profile = services.school_profile()
    try:
        return services.admission_number_example(profile.admission_number_pattern, seq=profile.next_admission_seq)
    except (ValueError, KeyError, IndexError):
        return ""


@admin_only
def student_edit(request, pk):
    student = student_get_for_user(user=request.user, pk=pk)
    initial = {field: getattr(student, field) for field in services.STUDENT_FIELDS if field != "photo"}
    form = forms.StudentEditForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("photo"):
            data.pop("photo", None)
        try:
            services.student_update(student=student, actor=request.user, request=request, **data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("academics:student-detail", pk=student.pk)
    return render(request, "academics/student_form.html", {"form": form, "student": student},
                  status=400 if form.errors else 200)


def _student_detail_context(student, **extra) -> dict:
    links = list(student.guardian_links.select_related("guardian__user").order_by("-is_primary", "pk"))
    history = list(student.status_changes.select_related("from_stream__school_class", "to_stream__school_class",
                                                         "actor"))
    labels = dict(Student.Status.choices)
    for change in history:
        change.from_label, change.to_label = labels.get(change.from_status, ""), labels.get(change.to_status, "")
    status_form = forms.StudentStatusForm(prefix="status", initial={
        "status": student.status, "stream": student.stream_id, "effective_on": timezone.localdate()})
    context = {
        "student": student, "links": links, "history": history, "status_form": status_form,
        "link_form": forms.LinkGuardianForm(prefix="link"),
        "attendance_url": url_or_path("attendance:student-report", "", pk=student.pk),
        "results_url": "",
    }
    term = current_term()
    if term is not None:
        context["results_url"] = url_or_path("results:student-results", "", term_id=term.pk, student_id=student.pk)
    context.update(extra)
    return context


@require_GET
@admin_only
def student_detail(request, pk):
    student = student_get_for_user(user=request.user, pk=pk)
    return render(request, "academics/student_detail.html", _student_detail_context(student))


@require_POST
@admin_only
def student_status(request, pk):
    student = student_get_for_user(user=request.user, pk=pk)
    form = forms.StudentStatusForm(request.POST, prefix="status")
    if form.is_valid():
        try:
            services.student_set_status(student=student, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _done(request, resolve_url("academics:student-detail", pk=student.pk), _("Saved."))
    student.refresh_from_db()
    context = _student_detail_context(student, status_form=form)
    if request.htmx:
        return render(request, "academics/student_detail.html#status-form", context)
    return render(request, "academics/student_detail.html", context, status=400)


def _find_guardian(contact: str):
    contact = (contact or "").strip()
    guardians = Guardian.objects.select_related("user")
    if "@" in contact:
        return guardians.filter(user__email__iexact=contact).first()
    try:
        phone = phone_normalise(contact)
    except ValidationError:
        return None
    return guardians.filter(phone=phone).first() if phone else None


@require_POST
@admin_only
def student_guardian_link(request, pk):
    student = student_get_for_user(user=request.user, pk=pk)
    form = forms.LinkGuardianForm(request.POST, prefix="link")
    if form.is_valid():
        guardian = _find_guardian(form.cleaned_data["contact"])
        if guardian is None:
            form.add_error("contact", _("No guardian has this phone or email; add a new guardian instead."))
        else:
            try:
                services.guardian_link(student=student, guardian=guardian, actor=request.user, request=request,
                                       relationship=form.cleaned_data["relationship"],
                                       is_primary=form.cleaned_data["is_primary"])
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return _done(request, resolve_url("academics:student-detail", pk=student.pk),
                             _("%(guardian)s is linked.") % {"guardian": guardian})
    context = _student_detail_context(student, link_form=form)
    if request.htmx:
        return render(request, "academics/student_detail.html#link-form", context)
    return render(request, "academics/student_detail.html", context, status=400)


@require_POST
@admin_only
def student_guardian_primary(request, pk, guardian_pk):
    student = student_get_for_user(user=request.user, pk=pk)
    link = get_object_or_404(StudentGuardian.objects.select_related("guardian"), student=student, guardian_id=guardian_pk)
    services.guardian_link(student=student, guardian=link.guardian, relationship=link.relationship, is_primary=True,
                           actor=request.user, request=request)
    return _done(request, resolve_url("academics:student-detail", pk=student.pk))


@require_POST
@admin_only
def student_guardian_unlink(request, pk, guardian_pk):
    student = student_get_for_user(user=request.user, pk=pk)
    guardian = guardian_get_for_user(user=request.user, pk=guardian_pk)
    try:
        services.guardian_unlink(student=student, guardian=guardian, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    back = request.POST.get("next")
    if back != "guardian":
        return _done(request, resolve_url("academics:student-detail", pk=student.pk))
    return _done(request, resolve_url("academics:guardian-detail", pk=guardian.pk))


# --- guardians --------------------------------------------------------------------------------------

@require_GET
@admin_only
def guardian_list(request):
    filters = forms.GuardianFilterForm(request.GET)
    filters.is_valid()
    q = (getattr(filters, "cleaned_data", {}).get("q") or "").strip()
    guardians = guardians_for_user(user=request.user).annotate(children=Count("student_links"))
    for word in q.split()[:4]:
        guardians = guardians.filter(Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
                                     | Q(user__email__icontains=word) | Q(phone__icontains=word.lstrip("0"))
                                     | Q(student_links__student__first_name__icontains=word)
                                     | Q(student_links__student__last_name__icontains=word)).distinct()
    guardians = guardians.order_by("user__last_name", "user__first_name", "pk")
    page = Paginator(guardians, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query}
    template = ("academics/guardian_list.html#table" if request.htmx and request.htmx.target == "guardian-table"
                else "academics/guardian_list.html")
    return render(request, template, context)


@admin_only
def guardian_create(request):
    student = None
    student_pk = request.GET.get("student") or request.POST.get("student")
    if student_pk and str(student_pk).isdigit():
        student = student_get_for_user(user=request.user, pk=int(student_pk))
    form = forms.GuardianCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        relationship = data.pop("relationship") or StudentGuardian.Relationship.GUARDIAN
        is_primary = data.pop("is_primary")
        try:
            guardian = _guardian_create_and_link(request, data, student, relationship, is_primary)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": guardian})
            if student is not None:
                return redirect("academics:student-detail", pk=student.pk)
            return redirect("academics:guardian-detail", pk=guardian.pk)
    return render(request, "academics/guardian_form.html", {"form": form, "student": student},
                  status=400 if form.errors else 200)


def _guardian_create_and_link(request, data, student, relationship, is_primary):
    from django.db import transaction

    with transaction.atomic():
        guardian = services.guardian_create(**data, actor=request.user, request=request)
        if student is not None:
            services.guardian_link(student=student, guardian=guardian, relationship=relationship,
                                   is_primary=is_primary, actor=request.user, request=request)
    return guardian


def _guardian_detail_context(guardian, **extra) -> dict:
    links = list(guardian.student_links.select_related("student__stream__school_class").order_by("student__first_name"))
    context = {"guardian": guardian, "links": links, "link_form": forms.LinkStudentForm(prefix="link"),
               "can_invite": guardian.user.is_active and not guardian.user.has_usable_password(),
               "edit_form": forms.GuardianEditForm(prefix="edit", guardian=guardian, initial={
                   "first_name": guardian.user.first_name, "last_name": guardian.user.last_name,
                   "phone": guardian.phone, "email": guardian.user.email, "occupation": guardian.occupation,
                   "address": guardian.address, "staff_member": guardian.staff_member_id})}
    context.update(extra)
    return context


@require_GET
@admin_only
def guardian_detail(request, pk):
    guardian = guardian_get_for_user(user=request.user, pk=pk)
    return render(request, "academics/guardian_detail.html", _guardian_detail_context(guardian))


@require_POST
@admin_only
def guardian_edit(request, pk):
    guardian = guardian_get_for_user(user=request.user, pk=pk)
    form = forms.GuardianEditForm(request.POST, prefix="edit", guardian=guardian)
    if form.is_valid():
        try:
            services.guardian_update(guardian=guardian, actor=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            return _done(request, resolve_url("academics:guardian-detail", pk=guardian.pk), _("Saved."))
    guardian = guardian_get_for_user(user=request.user, pk=pk)
    context = _guardian_detail_context(guardian, edit_form=form, edit_open=True)
    return render(request, "academics/guardian_detail.html", context, status=400)


@require_POST
@admin_only
def guardian_student_link(request, pk):
    guardian = guardian_get_for_user(user=request.user, pk=pk)
    form = forms.LinkStudentForm(request.POST, prefix="link")
    if form.is_valid():
        student = students_for_user(user=request.user).filter(
            admission_number__iexact=form.cleaned_data["admission_number"].strip()).first()
        if student is None:
            form.add_error("admission_number", _("No student has this admission number."))
        else:
            try:
                services.guardian_link(student=student, guardian=guardian, actor=request.user, request=request,
                                       relationship=form.cleaned_data["relationship"],
                                       is_primary=form.cleaned_data["is_primary"])
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return _done(request, resolve_url("academics:guardian-detail", pk=guardian.pk),
                             _("%(student)s is linked.") % {"student": student.full_name})
    context = _guardian_detail_context(guardian, link_form=form)
    if request.htmx:
        return render(request, "academics/guardian_detail.html#link-form", context)
    return render(request, "academics/guardian_detail.html", context, status=400)


@require_POST
@admin_only
def guardian_invite(request, pk):
    guardian = guardian_get_for_user(user=request.user, pk=pk)
    try:
        services.guardian_invite(guardian=guardian, actor=request.user, base_url=school_base_url(request),
                                 request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Invitation to the parent portal sent to %(email)s.") % {"email": guardian.user.email})
    return _done(request, resolve_url("academics:guardian-detail", pk=guardian.pk))


# --- the school profile -----------------------------------------------------------------------------

@admin_only
def profile(request):
    current = services.school_profile()
    initial = {field: getattr(current, field) for field in services.PROFILE_FIELDS if field != "logo"}
    form = forms.ProfileForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("logo"):
            data.pop("logo", None)
        try:
            services.school_profile_update(actor=request.user, request=request, **data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The school profile is saved."))
            return redirect("academics:profile")
    pattern = form["admission_number_pattern"].value() or current.admission_number_pattern
    context = {"form": form, "profile": current, "example": _pattern_example(pattern)}
    return render(request, "academics/profile.html", context, status=400 if form.errors else 200)


def _pattern_example(pattern: str) -> dict:
    try:
        services.admission_number_validate_pattern(pattern)
        return {"text": services.admission_number_example(pattern, seq=1), "error": ""}
    except ValidationError as error:
        return {"text": "", "error": " ".join(error.messages)}


@require_GET
@admin_only
def profile_pattern_example(request):
    example = _pattern_example(request.GET.get("admission_number_pattern", ""))
    return render(request, "academics/profile.html#example", {"example": example})

