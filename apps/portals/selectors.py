"""Reads for the teacher's workspace and the parent portal: each answers for a whole list (streams,
assignments, children) in a fixed number of queries, never one per row. Everything is scoped by the
academics selectors first, so a stream or child that is not the user's never appears."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from apps.academics.models import Student, StudentGuardian, Term
from apps.academics.selectors import assignments_for_user, streams_for_user, students_for_user
from apps.accounts.roles import Role
from apps.attendance.models import AttendanceMark, Register
from apps.attendance.selectors import attendance_rate
from apps.communication.selectors import notices_for_user
from apps.results.models import Assessment, Mark, ReportCard, SubjectResult, TermResult
from apps.results.report_cards import report_cards_for_user

ATTENDANCE_STATUSES = ("present", "absent", "late", "excused")


# --- the teacher -----------------------------------------------------------------------------------


def led_stream_ids(*, user) -> set[int]:
    """The streams this teacher leads as class teacher (she takes their registers)."""
    if user.role != Role.TEACHER:
        return set()
    return set(streams_for_user(user=user).filter(class_teacher=user).values_list("id", flat=True))


def is_class_teacher_of(*, user, student) -> bool:
    return student.stream_id is not None and student.stream_id in led_stream_ids(user=user)


def roll_sizes(*, stream_ids) -> dict[int, int]:
    """Active students per stream, in one query."""
    rows = (Student.objects.filter(stream_id__in=stream_ids, status=Student.Status.ACTIVE)
            .values("stream_id").annotate(n=Count("id")).values_list("stream_id", "n"))
    return dict(rows)


def registers_on(*, stream_ids, date: datetime.date) -> dict[int, Register]:
    """stream id → its register of that day (the first period's when taken per period)."""
    found = {}
    for register in Register.objects.filter(stream_id__in=stream_ids, date=date).order_by("period", "id"):
        found.setdefault(register.stream_id, register)
    return found


def marks_progress(*, assignments, term: Term | None) -> list[dict]:
    """For each assignment × the term's assessments: how many of the stream's active students have a
    mark (a score or "absent"). Three queries whatever the number of assignments."""
    assignments = list(assignments)
    if term is None or not assignments:
        return []
    assessments = list(Assessment.objects.filter(term=term).order_by("order", "id"))
    if not assessments:
        return []
    stream_ids = {a.stream_id for a in assignments}
    subject_ids = {a.subject_id for a in assignments}
    sizes = roll_sizes(stream_ids=stream_ids)
    counted = (Mark.objects.filter(assessment__in=assessments, subject_id__in=subject_ids,
                                   student__stream_id__in=stream_ids, student__status=Student.Status.ACTIVE)
               .filter(Q(score__isnull=False) | Q(is_absent=True))
               .values("assessment_id", "subject_id", "student__stream_id").annotate(n=Count("id")))
    done = {(row["assessment_id"], row["subject_id"], row["student__stream_id"]): row["n"] for row in counted}
    rows = []
    for assignment in assignments:
        for assessment in assessments:
            total = sizes.get(assignment.stream_id, 0)
            marked = done.get((assessment.id, assignment.subject_id, assignment.stream_id), 0)
            rows.append({"assignment": assignment, "assessment": assessment, "marked": marked, "total": total,
                         "complete": total > 0 and marked >= total,
                         "percent": round(100 * marked / total) if total else 0})
    return rows


def teacher_classes(*, user, term: Term | None, date: datetime.date | None = None) -> list[dict]:
    """The teacher's streams as cards: the subjects she teaches there, the roll size, whether she leads
    it and, for those she leads, today's register; with each assignment's marking progress."""
    date = date or timezone.localdate()
    streams = list(streams_for_user(user=user).order_by("school_class__level", "name"))
    stream_ids = [stream.id for stream in streams]
    assignments = list(assignments_for_user(user=user).filter(stream_id__in=stream_ids))
    sizes = roll_sizes(stream_ids=stream_ids)
    registers = registers_on(stream_ids=[s.id for s in streams if s.class_teacher_id == user.id], date=date)
    progress = defaultdict(list)
    for row in marks_progress(assignments=assignments, term=term):
        progress[row["assignment"].id].append(row)
    by_stream = defaultdict(list)
    for assignment in assignments:
        assignment.progress = progress.get(assignment.id, [])
        by_stream[assignment.stream_id].append(assignment)
    cards = []
    for stream in streams:
        leads = stream.class_teacher_id == user.id
        cards.append({"stream": stream, "leads": leads, "assignments": by_stream.get(stream.id, []),
                      "students": sizes.get(stream.id, 0), "register": registers.get(stream.id) if leads else None})
    return cards


def teacher_students(*, user, search: str = "", stream_id: int | None = None):
    """The teacher's active students, searchable by name or admission number, optionally one stream."""
    students = students_for_user(user=user).filter(status=Student.Status.ACTIVE)
    if stream_id:
        students = students.filter(stream_id=stream_id)
    for word in search.split()[:4]:
        students = students.filter(Q(first_name__icontains=word) | Q(middle_name__icontains=word)
                                   | Q(last_name__icontains=word) | Q(admission_number__icontains=word))
    return students.order_by("stream__school_class__level", "stream__name", "last_name", "first_name")


# --- attendance and results of students -----------------------------------------------------------


def attendance_summaries(*, student_ids, term: Term | None) -> dict[int, dict]:
    """student id → {present, absent, late, excused, days, rate} for the term (one query), counted as
    apps.attendance.selectors.student_attendance_summary counts one student: days are marks recorded,
    rate the percentage present or late (None when nothing was recorded)."""
    summaries = {pk: {**dict.fromkeys(ATTENDANCE_STATUSES, 0), "days": 0, "rate": None} for pk in student_ids}
    if term is None or not summaries:
        return summaries
    rows = (AttendanceMark.objects.filter(student_id__in=summaries, register__term=term)
            .values("student_id", "status").annotate(n=Count("id")))
    for row in rows:
        summaries[row["student_id"]][row["status"]] = row["n"]
    for summary in summaries.values():
        summary["days"] = sum(summary[status] for status in ATTENDANCE_STATUSES)
        summary["rate"] = attendance_rate(present=summary["present"], late=summary["late"], days=summary["days"])
    return summaries


def attendance_on(*, student_ids, date: datetime.date) -> dict[int, AttendanceMark]:
    """student id → the mark of that day (the first period's when the school takes it per period)."""
    found = {}
    for mark in (AttendanceMark.objects.filter(student_id__in=student_ids, register__date=date)
                 .select_related("register").order_by("register__period", "id")):
        found.setdefault(mark.student_id, mark)
    return found


def attendance_exceptions(*, student, term: Term | None):
    """The days a student was absent, late or excused in the term, latest first."""
    if term is None:
        return AttendanceMark.objects.none()
    return (AttendanceMark.objects.filter(student=student, register__term=term)
            .exclude(status=AttendanceMark.Status.PRESENT)
            .select_related("register").order_by("-register__date", "register__period"))


def published_terms(*, student=None):
    """Terms whose results are published, latest first; with `student`, only those with her results."""
    terms = Term.objects.select_related("year").filter(results_published_at__isnull=False)
    if student is not None:
        terms = terms.filter(Q(term_results__student=student) | Q(subject_results__student=student)).distinct()
    return terms.order_by("-year__starts_on", "-number")


def latest_published_results(*, student_ids) -> dict[int, TermResult]:
    """student id → the term result of the latest published term that has one (one query)."""
    found = {}
    rows = (TermResult.objects.filter(student_id__in=student_ids, term__results_published_at__isnull=False)
            .select_related("term__year").order_by("student_id", "-term__year__starts_on", "-term__number"))
    for result in rows:
        found.setdefault(result.student_id, result)
    return found


def subject_results(*, student, term: Term):
    return (SubjectResult.objects.filter(student=student, term=term).select_related("subject")
            .order_by("subject__order", "subject__code"))


def term_result(*, student, term: Term) -> TermResult | None:
    return TermResult.objects.filter(student=student, term=term).first()


def published_report_cards(*, user, student):
    """A child's report cards his parent may download: ready, with their file, of a published term
    (apps.results.report_cards decides who may see which card; this keeps the child's)."""
    return (report_cards_for_user(user=user).filter(student=student, status=ReportCard.Status.READY,
                                                    term__results_published_at__isnull=False)
            .exclude(file="").order_by("-term__year__starts_on", "-term__number"))


# --- the parent ------------------------------------------------------------------------------------


def guardian_contacts(*, student_ids) -> dict[int, list[StudentGuardian]]:
    """student id → its guardian links (name, relationship, phone), primary first (one query)."""
    found = defaultdict(list)
    links = (StudentGuardian.objects.filter(student_id__in=student_ids).select_related("guardian__user")
             .order_by("-is_primary", "id"))
    for link in links:
        found[link.student_id].append(link)
    return found


def notices_for_parent(*, user, limit: int | None = None):
    """Notices a parent sees (apps.communication decides: published, not expired, for everyone or
    parents, school-wide or for one of his children's streams), newest first."""
    notices = notices_for_user(user=user).order_by("-published_at", "-id")
    return notices[:limit] if limit else notices
