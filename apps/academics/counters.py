"""The students limit counts active students (apps.platform.limits)."""

from apps.academics.models import Student
from apps.platform.counters import school_counter


@school_counter("students")
def count_students() -> int:
    return Student.objects.filter(status=Student.Status.ACTIVE).count()
