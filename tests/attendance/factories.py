"""Factories and a small cast for attendance tests: a term, a stream with its class teacher, students
with guardians (phones), and a teacher of another stream."""

import datetime
from dataclasses import dataclass, field

from apps.academics.models import SchoolProfile
from tests.academics.factories import (
    SchoolClassFactory, StreamFactory, StudentFactory, StudentGuardianFactory,
    TeachingAssignmentFactory, TermFactory,
)
from tests.factories import UserFactory

DAY = datetime.date(2026, 3, 10)  # a Tuesday in Term 1 of the factories' year (in the past)


@dataclass
class Cast:
    term: object
    stream: object
    other_stream: object
    class_teacher: object
    subject_teacher: object
    other_teacher: object
    students: list = field(default_factory=list)
    guardians: list = field(default_factory=list)


def attendance_cast(*, size: int = 4, school_name: str = "Mlimani Secondary", phone: str = "+255222000111") -> Cast:
    """Build in the current schema: Term 1, Form 2 A (class teacher, a subject teacher, `size` active
    students each with a guardian with a phone), Form 2 B with its own teacher."""
    SchoolProfile.objects.update_or_create(defaults={"name": school_name, "phone": phone})
    term = TermFactory()
    form2 = SchoolClassFactory(level=2)
    class_teacher = UserFactory(role="teacher")
    stream = StreamFactory(school_class=form2, name="A", class_teacher=class_teacher)
    subject_teacher = TeachingAssignmentFactory(stream=stream).teacher
    other_teacher = UserFactory(role="teacher")
    other_stream = StreamFactory(school_class=form2, name="B", class_teacher=other_teacher)
    students = sorted([StudentFactory(stream=stream) for _ in range(size)],
                      key=lambda s: (s.last_name, s.first_name, s.admission_number))
    guardians = [StudentGuardianFactory(student=student).guardian for student in students]
    return Cast(term=term, stream=stream, other_stream=other_stream, class_teacher=class_teacher,
                subject_teacher=subject_teacher, other_teacher=other_teacher, students=students, guardians=guardians)
