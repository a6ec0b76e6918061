"""Reads of registers and attendance, scoped to what the user may see, and the set-based summaries
behind the reports (one aggregate query per table, never one query per student).

Attendance rate: (present + late) / marks recorded. Excused counts as not attended (a student at
home is not learning, whatever the reason); the chronic-absence list uses the same rate."""

import datetime

from django.db.models import Count, Q, QuerySet

from apps.academics.models import Stream, Student, Term
from apps.academics.selectors import streams_for_user, students_for_user
from apps.accounts.roles import Role
from apps.attendance.models import AttendanceMark, Register

Status = AttendanceMark.Status


def _counts() -> dict:
    """The counts every summary carries, as aggregates over AttendanceMark rows."""
    counts = {status: Count("id", filter=Q(status=status)) for status in ("present", "absent", "late", "excused")}
    counts["days"] = Count("id")
    return counts


def attendance_rate(*, present: int, late: int, days: int) -> float | None:
    """Percentage attended, one decimal; None when nothing was recorded."""
    if not days:
        return None
    return round(100.0 * (present + late) / days, 1)


def _with_rate(row: dict) -> dict:
    row["rate"] = attendance_rate(present=row["present"], late=row["late"], days=row["days"])
    return row


def term_for_date(date: datetime.date) -> Term | None:
    """The term whose dates contain this day (None: a holiday, or no term set up)."""
    return Term.objects.select_related("year").filter(starts_on__lte=date, ends_on__gte=date).first()


def registers_for_user(*, user, stream=None, date=None, term=None) -> QuerySet[Register]:
    """Registers of the streams the user may see (teachers: theirs; admins: all; others: none)."""
    registers = Register.objects.select_related("stream__school_class", "term", "taken_by")
    if user.role not in (Role.SCHOOL_ADMIN, Role.TEACHER):
        return registers.none()
    if user.role == Role.TEACHER:
        registers = registers.filter(stream_id__in=streams_for_user(user=user).values("id"))
    if stream is not None:
        registers = registers.filter(stream=stream)
    if date is not None:
        registers = registers.filter(date=date)
    if term is not None:
        registers = registers.filter(term=term)
    return registers


def register_streams_for_user(*, user) -> QuerySet[Stream]:
    """The streams whose register the user may take: a teacher's own (class teacher or assigned),
    every stream for a school admin, none for anyone else."""
    if user.role not in (Role.SCHOOL_ADMIN, Role.TEACHER):
        return Stream.objects.none()
    return streams_for_user(user=user).order_by("school_class__level", "name")


def registers_today_for_teacher(*, user, date: datetime.date) -> list[tuple[Stream, Register | None]]:
    """(stream, that day's whole-day register or None) for each stream the teacher may take a
    register for, in class order: two queries whatever the number of streams."""
    streams = list(register_streams_for_user(user=user))
    taken = {register.stream_id: register for register in
             Register.objects.select_related("taken_by").filter(stream__in=streams, date=date, period__isnull=True)}
    return [(stream, taken.get(stream.id)) for stream in streams]


def streams_register_status(*, user, date: datetime.date, period: int | None = None) -> list[dict]:
    """Each stream the user may take a register for on this day, with the register (or None) and
    how many were marked absent: one query for the streams, one for the registers."""
    streams = list(register_streams_for_user(user=user))
    registers = {
        register.stream_id: register for register in
        Register.objects.select_related("taken_by")
        .filter(stream__in=streams, date=date, period=period)
        .annotate(absent=Count("marks", filter=Q(marks__status=Status.ABSENT)), marked=Count("marks"))
    }
    return [{"stream": stream, "register": registers.get(stream.id)} for stream in streams]


def student_attendance_summary(*, student: Student, term: Term | None) -> dict:
    """dict(present, absent, late, excused, days, rate) for one student in one term (days: marks
    recorded; rate: percentage attended or None). One query."""
    if term is None:
        return {"present": 0, "absent": 0, "late": 0, "excused": 0, "days": 0, "rate": None}
    row = AttendanceMark.objects.filter(student=student, register__term=term).aggregate(**_counts())
    return _with_rate(row)


def student_marks(*, student: Student, term: Term | None) -> QuerySet[AttendanceMark]:
    """One student's marks in a term, oldest first (the calendar-like list)."""
    marks = AttendanceMark.objects.select_related("register").filter(student=student)
    if term is not None:
        marks = marks.filter(register__term=term)
    return marks.order_by("register__date", "register__period")


def stream_rates(*, user, term: Term, stream_ids=None) -> list[dict]:
    """Per stream the user may see: counts and rate for the term. One query."""
    streams = register_streams_for_user(user=user)
    if stream_ids is not None:
        streams = streams.filter(id__in=stream_ids)
    # the term filter sits inside each aggregate, so streams with no register yet still show
    in_term = Q(registers__term=term)
    counts = {
        status: Count("registers__marks__id", filter=in_term & Q(registers__marks__status=status))
        for status in ("present", "absent", "late", "excused")
    }
    counts["days"] = Count("registers__marks__id", filter=in_term)
    rows = streams.annotate(**counts)
    return [_with_rate({"stream": stream, **{key: getattr(stream, key) for key in counts}}) for stream in rows]


def student_rates(*, user, term: Term, stream=None) -> list[dict]:
    """Per student the user may see (active ones and anyone with marks in the term): counts and
    rate for the term, in class order. One query."""
    if user.role not in (Role.SCHOOL_ADMIN, Role.TEACHER):
        return []
    students = students_for_user(user=user)
    if stream is not None:
        students = students.filter(stream=stream)
    term_marks = Q(attendance_marks__register__term=term)
    counts = {
        "present": Count("attendance_marks", filter=term_marks & Q(attendance_marks__status=Status.PRESENT)),
        "absent": Count("attendance_marks", filter=term_marks & Q(attendance_marks__status=Status.ABSENT)),
        "late": Count("attendance_marks", filter=term_marks & Q(attendance_marks__status=Status.LATE)),
        "excused": Count("attendance_marks", filter=term_marks & Q(attendance_marks__status=Status.EXCUSED)),
        "days": Count("attendance_marks", filter=term_marks),
    }
    rows = (students.annotate(**counts)
            .filter(Q(status=Student.Status.ACTIVE) | Q(days__gt=0))
            .order_by("stream__school_class__level", "stream__name", "last_name", "first_name"))
    return [_with_rate({"student": student, **{key: getattr(student, key) for key in counts}}) for student in rows]


def chronic_absentees(rows: list[dict], *, threshold: float = 90.0) -> list[dict]:
    """Those of `student_rates` rows with a rate below the threshold (lowest first)."""
    low = [row for row in rows if row["rate"] is not None and row["rate"] < threshold]
    return sorted(low, key=lambda row: row["rate"])


def report_students_for_user(*, user) -> QuerySet[Student]:
    """Students whose attendance the user may read in the console: an admin all, a teacher those of
    her streams, nobody else (parents read their children's through the portal and API)."""
    if user.role not in (Role.SCHOOL_ADMIN, Role.TEACHER):
        return Student.objects.none()
    return students_for_user(user=user)


def mark_students_for_user(*, user) -> QuerySet[Student]:
    """Students whose marks the user may read through the API: admin all, teachers theirs, parents
    their children."""
    if user.role not in (Role.SCHOOL_ADMIN, Role.TEACHER, Role.PARENT):
        return Student.objects.none()
    return students_for_user(user=user)
