"""Register pages (/attendance/): today's registers, the register grid, the freeze form and the reports.

The grid posts the whole register at once: one radio group per student (`s-<id>`), an optional note
(`n-<id>`). For HTMX the answer is the grid fragment with a confirmation or the errors beside their
rows; without JavaScript, a redirect back with a message (or the page with the errors)."""

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.academics.models import Term
from apps.academics.selectors import current_term, stream_roll
from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.attendance import selectors, services
from apps.attendance.access import register_stream_get_for_user, report_student_get_for_user
from apps.attendance.forms import DayForm, FreezeForm, ReportForm
from apps.attendance.models import AttendanceMark, Register

STAFF = (Role.SCHOOL_ADMIN, Role.TEACHER)
STATUSES = [
    # value, short label on the button, full label for screen readers, Bootstrap colour
    ("present", gettext_lazy("P"), AttendanceMark.Status.PRESENT.label, "success"),
    ("absent", gettext_lazy("A"), AttendanceMark.Status.ABSENT.label, "danger"),
    ("late", gettext_lazy("L"), AttendanceMark.Status.LATE.label, "warning"),
    ("excused", gettext_lazy("E"), AttendanceMark.Status.EXCUSED.label, "info"),
]


@role_required(*STAFF)
def register_list(request):
    day, period = DayForm(request.GET).day()
    rows = selectors.streams_register_status(user=request.user, date=day, period=period)
    context = {"rows": rows, "day": day, "period": period, "today": timezone.localdate(),
               "taken": sum(1 for row in rows if row["register"]), "term": selectors.term_for_date(day)}
    if request.user.role == Role.SCHOOL_ADMIN:
        term = context["term"] or current_term()
        context["freeze_form"] = FreezeForm(initial={"term": term, "through": getattr(term, "attendance_frozen_through",
                                                                                        None)})
        context["terms"] = Term.objects.select_related("year").order_by("-starts_on")[:6]
    return render(request, "attendance/register_list.html", context)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def register_freeze(request):
    form = FreezeForm(request.POST)
    if form.is_valid():
        try:
            term = services.register_freeze(term=form.cleaned_data["term"], through=form.cleaned_data["through"],
                                            actor=request.user, request=request)
        except ValidationError as error:
            for messages_ in error.message_dict.values():
                for text in messages_:
                    form.add_error("through", text)
        else:
            if term.attendance_frozen_through:
                messages.success(request, _("Registers of %(term)s are frozen through %(date)s.") % {
                    "term": term, "date": term.attendance_frozen_through.strftime("%d %b %Y")})
            else:
                messages.success(request, _("Registers of %(term)s are no longer frozen.") % {"term": term})
            return redirect("attendance:register-list")
    for errors in form.errors.values():
        for text in errors:
            messages.error(request, text)
    return redirect("attendance:register-list")


def _grid_rows(students, marks: dict, notes: dict, errors: dict):
    return [{"student": student, "status": marks.get(student.pk, ""), "note": notes.get(student.pk, ""),
             "errors": errors.get(f"student-{student.pk}", [])} for student in students]


def _take_url(stream, day, period) -> str:
    query = {"date": day.isoformat()}
    if period:
        query["period"] = period
    return reverse("attendance:register-take", args=[stream.pk]) + "?" + urlencode(query)


@role_required(*STAFF)
def register_take(request, stream_id):
    stream = register_stream_get_for_user(user=request.user, pk=stream_id)
    day, period = DayForm(request.GET).day()
    if not services.can_take_register(user=request.user, stream=stream):  # pragma: no cover - scoped above
        raise PermissionDenied
    term = selectors.term_for_date(day)
    register = (Register.objects.select_related("taken_by", "term")
                .filter(stream=stream, date=day, period=period).first())
    students = list(stream_roll(stream=stream))
    saved = {mark.student_id: mark for mark in register.marks.all()} if register else {}
    marks = {pk: mark.status for pk, mark in saved.items()}
    notes = {pk: mark.note for pk, mark in saved.items()}
    errors, general_errors, confirmation = {}, [], None
    frozen = term is not None and services.is_frozen(term=term, date=day)
    read_only = frozen and request.user.role != Role.SCHOOL_ADMIN
    closed = []
    if term is None:
        closed.append(_("%(date)s is not within any term; registers are taken in term time.") % {"date": day})
    if day > timezone.localdate():
        closed.append(_("A register cannot be taken for a day in the future."))

    if request.method == "POST":
        if read_only or closed:
            raise PermissionDenied
        posted = {student.pk: request.POST.get(f"s-{student.pk}", "") for student in students}
        notes = {student.pk: request.POST.get(f"n-{student.pk}", "").strip() for student in students}
        if request.POST.get("fill") == "present":  # "mark all present" without JavaScript: fill, do not save
            marks = {pk: status or "present" for pk, status in posted.items()}
        else:
            marks = posted
            for student in students:
                if not posted[student.pk]:
                    errors[f"student-{student.pk}"] = [_("Choose a mark for %(student)s.") % {
                        "student": student.full_name}]
            if not students:
                general_errors.append(_("This stream has no active students."))
            if not errors and not general_errors:
                try:
                    register = services.register_save(stream=stream, date=day, period=period, marks=marks,
                                                       notes=notes, actor=request.user, request=request)
                except ValidationError as error:
                    for key, texts in error.message_dict.items():
                        if key.startswith("student-"):
                            errors[key] = texts
                        else:
                            general_errors.extend(texts)
                else:
                    counts = {status: sum(1 for value in marks.values() if value == status)
                              for status, *_rest in STATUSES}
                    confirmation = _("Register saved: %(present)s present, %(absent)s absent, %(late)s late, "
                                     "%(excused)s excused.") % counts
                    if counts["absent"]:
                        confirmation += " " + _("Guardians of absent students will be sent an SMS.")
                    if not request.htmx:
                        messages.success(request, confirmation)
                        return redirect(_take_url(stream, day, period))
        if errors and not general_errors:
            general_errors.append(_("Nothing was saved: %(count)s student(s) need attention.") % {"count": len(errors)})

    context = {
        "stream": stream, "day": day, "period": period, "term": term, "register": register,
        "rows": _grid_rows(students, marks, notes, errors), "statuses": STATUSES,
        "frozen": frozen, "read_only": read_only or bool(closed), "closed": closed,
        "general_errors": general_errors, "confirmation": confirmation,
        "action": _take_url(stream, day, period), "today": timezone.localdate(),
        "previous_day": day - datetime.timedelta(days=1), "next_day": day + datetime.timedelta(days=1),
        "absent_count": sum(1 for value in marks.values() if value == "absent"),
    }
    template = "attendance/register_take.html"
    if request.htmx and request.method == "POST":
        template += "#register-form"
    return render(request, template, context)


def _report_context(request):
    streams = selectors.register_streams_for_user(user=request.user)
    form = ReportForm(request.GET or None, streams=streams)
    data = form.cleaned_data if form.is_valid() else {}
    term = data.get("term") or current_term() or Term.objects.order_by("-starts_on").first()
    stream = data.get("stream")
    threshold = float(data.get("threshold") or 90)
    stream_rows = selectors.stream_rates(user=request.user, term=term) if term else []
    student_rows = selectors.student_rates(user=request.user, term=term, stream=stream) if term else []
    chronic = selectors.chronic_absentees(student_rows, threshold=threshold)
    return {"form": form, "term": term, "stream": stream, "threshold": threshold, "stream_rows": stream_rows,
            "student_rows": student_rows, "chronic": chronic}


@role_required(*STAFF)
def report(request):
    context = _report_context(request)
    if request.GET.get("format") == "csv":
        return _report_csv(context)
    context["chart"] = [[row["stream"].full_name, row["rate"] or 0] for row in context["stream_rows"]]
    context["page"] = Paginator(context["student_rows"], 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context["query"] = query.urlencode()
    return render(request, "attendance/report.html", context)


def _report_csv(context) -> HttpResponse:
    term = context["term"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"attendance-{term.year.name}-term{term.number}.csv" if term else "attendance.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow([_("Admission number"), _("Student"), _("Stream"), _("Present"), _("Absent"), _("Late"),
                     _("Excused"), _("Days recorded"), _("Rate (%)"), _("Chronic absence")])
    threshold = context["threshold"]
    for row in context["student_rows"]:
        student = row["student"]
        writer.writerow([
            _csv_safe(student.admission_number), _csv_safe(student.full_name),
            _csv_safe(student.stream.full_name if student.stream else ""),
            row["present"], row["absent"], row["late"], row["excused"], row["days"],
            "" if row["rate"] is None else row["rate"],
            _("yes") if row["rate"] is not None and row["rate"] < threshold else ""])
    return response


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@role_required(*STAFF)
def student_report(request, pk):
    student = report_student_get_for_user(user=request.user, pk=pk)
    terms = list(Term.objects.select_related("year").order_by("-starts_on"))
    chosen = request.GET.get("term")
    term = next((t for t in terms if str(t.pk) == chosen), None) or current_term() or (terms[0] if terms else None)
    marks = list(selectors.student_marks(student=student, term=term))
    # a calendar-like list: the marks grouped by week (Monday first)
    weeks: dict[datetime.date, list] = {}
    for mark in marks:
        monday = mark.register.date - datetime.timedelta(days=mark.register.date.weekday())
        weeks.setdefault(monday, []).append(mark)
    context = {"student": student, "term": term, "terms": terms, "marks": marks,
               "weeks": sorted(weeks.items()),
               "summary": selectors.student_attendance_summary(student=student, term=term)}
    return render(request, "attendance/student_report.html", context)
