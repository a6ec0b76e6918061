"""A small school for the portal tests: a teacher who leads Form 1 A and teaches maths in Form 1 B, a
stream she has nothing to do with (Form 2 A), a parent with children, a term with an assessment,
registers, marks and results. Built in whatever schema the connection is in."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from apps.attendance.models import AttendanceMark, Register
from apps.communication.models import Notice
from apps.results.models import Assessment, Mark, ReportCard, SubjectResult, TermResult
from tests.academics.factories import (
    GuardianFactory, SchoolClassFactory, StreamFactory, StudentFactory, StudentGuardianFactory, SubjectFactory,
    TeachingAssignmentFactory, TermFactory,
)
from tests.factories import UserFactory


@dataclass
class School:
    term: object
    teacher: object
    led: object  # Form 1 A: she is its class teacher
    taught: object  # Form 1 B: she teaches maths there
    other: object  # Form 2 A: not hers
    maths: object
    english: object
    assessment: object
    parent: object = None
    children: list = field(default_factory=list)
    stranger_child: object = None


def portal_school(*, led_size: int = 3, taught_size: int = 2, children: int = 2) -> School:
    term = TermFactory()
    teacher = UserFactory(role="teacher", first_name="Amina")
    form1, form2 = SchoolClassFactory(level=1), SchoolClassFactory(level=2)
    led = StreamFactory(school_class=form1, name="A", class_teacher=teacher)
    taught = StreamFactory(school_class=form1, name="B", class_teacher=UserFactory(role="teacher"))
    other = StreamFactory(school_class=form2, name="A", class_teacher=UserFactory(role="teacher"))
    maths = SubjectFactory(code="MATH", name="Mathematics", order=1)
    english = SubjectFactory(code="ENG", name="English", order=2)
    TeachingAssignmentFactory(stream=led, subject=english, teacher=teacher)
    TeachingAssignmentFactory(stream=taught, subject=maths, teacher=teacher)
    TeachingAssignmentFactory(stream=other, subject=maths)
    assessment = Assessment.objects.create(term=term, name="Midterm", weight=Decimal("30"))
    for _ in range(led_size):
        StudentFactory(stream=led)
    for _ in range(taught_size):
        StudentFactory(stream=taught)
    school = School(term=term, teacher=teacher, led=led, taught=taught, other=other, maths=maths, english=english,
                    assessment=assessment)
    school.parent = GuardianFactory(user=UserFactory(role="parent", first_name="Baraka")).user
    for number in range(children):
        child = StudentFactory(stream=led if number % 2 == 0 else other, first_name=f"Child{number}")
        StudentGuardianFactory(student=child, guardian=school.parent.guardian, is_primary=True)
        school.children.append(child)
    school.stranger_child = StudentFactory(stream=led, first_name="Stranger")
    StudentGuardianFactory(student=school.stranger_child)
    return school


def register(*, stream, term, date=None, marks=None, taken_by=None):
    """A whole-day register; `marks` maps student → status (present for everyone else on the roll)."""
    date = date or timezone.localdate()
    register = Register.objects.create(stream=stream, term=term, date=date, taken_by=taken_by)
    marks = marks or {}
    for student in stream.students.filter(status="active"):
        AttendanceMark.objects.create(register=register, student=student, status=marks.get(student, "present"))
    return register


def mark(*, assessment, student, subject, score=None, is_absent=False):
    return Mark.objects.create(assessment=assessment, student=student, subject=subject,
                               score=None if score is None else Decimal(score), is_absent=is_absent)


def results(*, term, student, grades: dict, division="II", position=2, size=30):
    """A term result with subject results: grades maps subject → (score, grade)."""
    now = timezone.now()
    for subject, (score, grade) in grades.items():
        SubjectResult.objects.create(term=term, student=student, subject=subject, stream=student.stream,
                                     school_class=student.stream.school_class, score=Decimal(score), grade=grade,
                                     points=Decimal(1), position_in_stream=position, computed_at=now)
    return TermResult.objects.create(term=term, student=student, stream=student.stream,
                                     school_class=student.stream.school_class, subjects_count=len(grades),
                                     total=Decimal(sum(int(s) for s, _ in grades.values())),
                                     average=Decimal("70.50"), division=division, position_in_stream=position,
                                     stream_size=size, computed_at=now)


def publish(term):
    term.results_published_at = timezone.now()
    term.save(update_fields=["results_published_at"])
    return term


def report_card(*, term, student, status="ready"):
    return ReportCard.objects.create(term=term, student=student, status=status,
                                     verification_code=f"code-{term.pk}-{student.pk}-{status}",
                                     file=f"report-cards/{term.pk}-{student.pk}.pdf" if status == "ready" else "",
                                     generated_at=timezone.now())


def notice(*, title, audience="everyone", stream=None, published=True, expires_on=None):
    return Notice.objects.create(title=title, body=f"{title} body", audience=audience, stream=stream,
                                 published_at=timezone.now() - datetime.timedelta(hours=1) if published else None,
                                 expires_on=expires_on)
