"""The teacher's workspace (/teacher/): her classes, today's registers, marks entry progress and her
students. Built for a phone: one column of cards, big buttons."""

from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.academics.access import student_get_for_user
from apps.academics.selectors import assignments_for_user, current_term, streams_for_user
from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.attendance.selectors import student_attendance_summary
from apps.portals import selectors
from apps.portals.forms import TeacherStudentFilterForm

PAGE_SIZE = 25


def register_url(stream_id: int, date) -> str:
    """The register-taking page of a stream for a day, or "" while attendance has no such page."""
    try:
        return f"{reverse('attendance:register-take', kwargs={'stream_id': stream_id})}?date={date.isoformat()}"
    except NoReverseMatch:
        return ""


@role_required(Role.TEACHER)
def home(request):
    term = current_term()
    today = timezone.localdate()
    cards = selectors.teacher_classes(user=request.user, term=term, date=today)
    for card in cards:
        card["register_url"] = register_url(card["stream"].id, today) if card["leads"] else ""
    return render(request, "portals/teacher_home.html", {"cards": cards, "term": term, "today": today})


@role_required(Role.TEACHER)
def students(request):
    streams = list(streams_for_user(user=request.user))
    filters = TeacherStudentFilterForm(request.GET, streams=streams)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    stream = data.get("stream")
    people = selectors.teacher_students(user=request.user, search=data.get("q", ""),
                                        stream_id=stream.id if stream else None)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"page": page, "filters": filters, "query": query, "streams": streams}
    template = "portals/teacher_students.html"
    if request.htmx and request.htmx.target == "student-table":
        template += "#table"
    return render(request, template, context)


@role_required(Role.TEACHER)
def student_detail(request, pk):
    student = student_get_for_user(user=request.user, pk=pk)
    term = current_term()
    # the class teacher sees medical notes and the guardians' phones; a subject teacher does not
    class_teacher = selectors.is_class_teacher_of(user=request.user, student=student)
    summary = student_attendance_summary(student=student, term=term)
    context = {
        "student": student, "term": term, "class_teacher": class_teacher, "attendance": summary,
        "guardians": selectors.guardian_contacts(student_ids=[student.pk])[student.pk] if class_teacher else [],
        "result": selectors.term_result(student=student, term=term) if term else None,
        "subject_results": list(selectors.subject_results(student=student, term=term)) if term else [],
    }
    return render(request, "portals/teacher_student_detail.html", context)


@role_required(Role.TEACHER)
def marks(request):
    term = current_term()
    rows = selectors.marks_progress(assignments=assignments_for_user(user=request.user), term=term)
    return render(request, "portals/teacher_marks.html", {"rows": rows, "term": term})


@role_required(Role.TEACHER)
def register(request):
    """Today's registers: straight to the one stream she leads, else the list to choose from."""
    today = timezone.localdate()
    led = list(streams_for_user(user=request.user).filter(class_teacher=request.user))
    if len(led) == 1 and (url := register_url(led[0].id, today)):
        return HttpResponseRedirect(url)
    registers = selectors.registers_on(stream_ids=[stream.id for stream in led], date=today)
    rows = [{"stream": stream, "register": registers.get(stream.id), "url": register_url(stream.id, today)}
            for stream in led]
    return render(request, "portals/teacher_register.html", {"rows": rows, "today": today})
