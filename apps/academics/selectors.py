"""Reads of the school's structure and people, already scoped to what the user may see.

Who sees whom: a school admin sees everyone; a teacher sees the streams she leads as class teacher
or teaches a subject in, and their students; a guardian sees his own children (and their streams);
a student sees herself. Everyone else sees nothing."""

from django.db.models import Q, QuerySet

from apps.academics.models import (
    AcademicYear, Guardian, SchoolClass, Stream, Student, Subject, TeachingAssignment, Term,
)
from apps.accounts.roles import Role


def current_year() -> AcademicYear | None:
    return AcademicYear.objects.filter(is_current=True).first()


def current_term() -> Term | None:
    return Term.objects.select_related("year").filter(is_current=True).first()


def teacher_stream_ids(*, user) -> QuerySet:
    """Ids of the streams a teacher leads or teaches in (a subquery, not evaluated)."""
    return Stream.objects.filter(Q(class_teacher=user) | Q(assignments__teacher=user)).values("id")


def streams_for_user(*, user) -> QuerySet[Stream]:
    streams = Stream.objects.select_related("school_class", "class_teacher", "room")
    if user.role == Role.SCHOOL_ADMIN:
        return streams
    if user.role == Role.TEACHER:
        return streams.filter(id__in=teacher_stream_ids(user=user))
    if user.role == Role.PARENT:
        return streams.filter(students__guardian_links__guardian__user=user).distinct()
    if user.role == Role.STUDENT:
        return streams.filter(students__user=user)
    return streams.none()


def classes_for_user(*, user) -> QuerySet[SchoolClass]:
    if user.role == Role.SCHOOL_ADMIN:
        return SchoolClass.objects.all()
    return SchoolClass.objects.filter(id__in=streams_for_user(user=user).values("school_class_id"))


def subjects_for_user(*, user) -> QuerySet[Subject]:
    if user.role in (Role.SCHOOL_ADMIN, Role.TEACHER):
        return Subject.objects.all()
    return Subject.objects.none()


def assignments_for_user(*, user) -> QuerySet[TeachingAssignment]:
    assignments = TeachingAssignment.objects.select_related("stream__school_class", "subject", "teacher")
    if user.role == Role.SCHOOL_ADMIN:
        return assignments
    if user.role == Role.TEACHER:
        return assignments.filter(teacher=user)
    return assignments.none()


def students_for_user(*, user) -> QuerySet[Student]:
    """Every student the user may see, whatever the status (filter `status` for active ones)."""
    students = Student.objects.select_related("stream__school_class")
    if user.role == Role.SCHOOL_ADMIN:
        return students
    if user.role == Role.TEACHER:
        return students.filter(stream_id__in=teacher_stream_ids(user=user))
    if user.role == Role.PARENT:
        return students.filter(guardian_links__guardian__user=user)
    if user.role == Role.STUDENT:
        return students.filter(user=user)
    return students.none()


def children_for_guardian(*, user) -> QuerySet[Student]:
    """A parent's own children, for the portal's child switcher (active first)."""
    if user.role != Role.PARENT:
        return Student.objects.none()
    return (Student.objects.select_related("stream__school_class")
            .filter(guardian_links__guardian__user=user).order_by("status", "first_name"))


def guardians_for_user(*, user) -> QuerySet[Guardian]:
    guardians = Guardian.objects.select_related("user", "staff_member")
    if user.role == Role.SCHOOL_ADMIN:
        return guardians
    if user.role == Role.TEACHER:
        return guardians.filter(students__stream_id__in=teacher_stream_ids(user=user)).distinct()
    if user.role == Role.PARENT:
        return guardians.filter(user=user)
    return guardians.none()


def stream_roll(*, stream) -> QuerySet[Student]:
    """The active students of a stream in register order."""
    return Student.objects.filter(stream=stream, status=Student.Status.ACTIVE).order_by(
        "last_name", "first_name", "admission_number")
