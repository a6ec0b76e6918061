"""register_save / register_freeze: validation writes nothing, who may take it, the freeze rule and
the admin's audited override, absence alerts queued once, bulk upserts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from apps.academics.models import Student
from apps.attendance.models import AttendanceMark, Register
from apps.attendance.selectors import student_attendance_summary
from apps.attendance.services import register_freeze, register_save
from apps.audit.models import AuditEvent
from apps.communication.models import OutboxMessage
from tests.academics.factories import StudentFactory, StudentGuardianFactory
from tests.attendance.factories import DAY, attendance_cast


def _all_present(cast):
    return {student.pk: "present" for student in cast.students}


def test_class_teacher_saves_a_register_and_absent_guardians_are_queued_once(in_school_a):
    cast = attendance_cast()
    first, second = cast.students[0], cast.students[1]
    marks = {**_all_present(cast), first.pk: "absent", second.pk: "late"}

    register = register_save(stream=cast.stream, date=DAY, marks=marks, notes={second.pk: "bus"},
                             actor=cast.class_teacher)

    assert register.term == cast.term and register.taken_by == cast.class_teacher
    assert dict(register.marks.values_list("student_id", "status")) == marks
    assert register.marks.get(student=second).note == "bus"
    messages = list(OutboxMessage.objects.all())
    assert len(messages) == 1
    message = messages[0]
    assert message.kind == "attendance.absence" and message.status == "queued"
    assert message.to == cast.guardians[0].phone and message.recipient == cast.guardians[0].user
    assert first.full_name in message.body and "Mlimani Secondary" in message.body
    assert "+255222000111" in message.body and len(message.body) <= 160
    assert message.dedupe_key.startswith(f"attendance.absence:{first.pk}:2026-03-10:day")

    # saved again (same absences, one more): the first is not told twice
    register_save(stream=cast.stream, date=DAY, marks={**marks, cast.students[2].pk: "absent"},
                  actor=cast.class_teacher)
    assert OutboxMessage.objects.count() == 2
    assert Register.objects.count() == 1 and AttendanceMark.objects.count() == len(cast.students)


def test_present_late_excused_students_queue_nothing(in_school_a):
    cast = attendance_cast()
    statuses = ["present", "late", "excused", "present"]
    register_save(stream=cast.stream, date=DAY, actor=cast.subject_teacher,
                  marks={student.pk: status for student, status in zip(cast.students, statuses, strict=True)})
    assert OutboxMessage.objects.count() == 0


def test_every_guardian_with_a_phone_is_told_primary_first(in_school_a):
    cast = attendance_cast(size=1)
    student = cast.students[0]
    StudentGuardianFactory(student=student, is_primary=False, relationship="father")
    StudentGuardianFactory(student=student, is_primary=False, guardian__phone="")  # no phone: skipped
    register_save(stream=cast.stream, date=DAY, marks={student.pk: "absent"}, actor=cast.class_teacher)
    messages = list(OutboxMessage.objects.order_by("id"))
    assert len(messages) == 2
    assert messages[0].to == cast.guardians[0].phone  # the primary contact


def test_period_registers_are_separate_and_notify_separately(in_school_a):
    cast = attendance_cast(size=1)
    student = cast.students[0]
    register_save(stream=cast.stream, date=DAY, period=1, marks={student.pk: "absent"}, actor=cast.class_teacher)
    register_save(stream=cast.stream, date=DAY, period=2, marks={student.pk: "absent"}, actor=cast.class_teacher)
    assert Register.objects.count() == 2
    keys = set(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert any(":2026-03-10:1:" in key for key in keys) and any(":2026-03-10:2:" in key for key in keys)


@pytest.mark.parametrize("case", ["bad_status", "other_stream", "inactive", "missing", "future", "no_term"])
def test_invalid_register_writes_nothing_and_names_the_student(in_school_a, case):
    cast = attendance_cast()
    marks, date = {**_all_present(cast), cast.students[0].pk: "absent"}, DAY
    if case == "bad_status":
        marks[cast.students[1].pk] = "asleep"
    elif case == "other_stream":
        stranger = StudentFactory(stream=cast.other_stream, first_name="Zawadi", last_name="Other")
        marks[stranger.pk] = "present"
    elif case == "inactive":
        Student.objects.filter(pk=cast.students[1].pk).update(status="transferred")
    elif case == "missing":
        marks[999999] = "present"
    elif case == "future":
        date = datetime.date.today() + datetime.timedelta(days=1)
    elif case == "no_term":
        date = datetime.date(2025, 12, 24)

    with pytest.raises(ValidationError) as raised:
        register_save(stream=cast.stream, date=date, marks=marks, actor=cast.class_teacher)

    text = str(raised.value.message_dict)
    if case == "other_stream":
        assert "Zawadi Other" in text
    if case == "inactive":
        assert cast.students[1].full_name in text
    if case == "missing":
        assert "999999" in text
    if case == "no_term":
        assert "not within any term" in text
    assert Register.objects.count() == 0 and AttendanceMark.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_only_the_streams_teachers_or_an_admin_take_the_register(in_school_a, admin_a):
    cast = attendance_cast()
    with pytest.raises(PermissionDenied):
        register_save(stream=cast.stream, date=DAY, marks=_all_present(cast), actor=cast.other_teacher)
    assert Register.objects.count() == 0
    register_save(stream=cast.stream, date=DAY, marks=_all_present(cast), actor=admin_a)
    assert Register.objects.count() == 1


def test_frozen_registers_are_the_admins_and_each_change_is_audited(in_school_a, admin_a):
    cast = attendance_cast()
    student = cast.students[0]
    register_save(stream=cast.stream, date=DAY, marks=_all_present(cast), actor=cast.class_teacher)

    register_freeze(term=cast.term, through=DAY, actor=admin_a)
    cast.term.refresh_from_db()
    assert cast.term.attendance_frozen_through == DAY
    assert AuditEvent.objects.filter(action="attendance.register_freeze").count() == 1

    with pytest.raises(PermissionDenied):
        register_save(stream=cast.stream, date=DAY, marks={student.pk: "absent"}, actor=cast.class_teacher)
    assert AttendanceMark.objects.get(student=student).status == "present"

    register_save(stream=cast.stream, date=DAY, marks={student.pk: "absent"}, actor=admin_a)
    assert AttendanceMark.objects.get(student=student).status == "absent"
    event = AuditEvent.objects.get(action="attendance.register_frozen_change")
    assert event.changes == {"marks": {str(student.pk): ["present", "absent"]}}
    assert event.actor_id == admin_a.pk

    # the day after the freeze is still the teacher's
    register_save(stream=cast.stream, date=DAY + datetime.timedelta(days=1), marks=_all_present(cast),
                  actor=cast.class_teacher)


def test_freeze_is_for_admins_within_the_term(in_school_a, admin_a):
    cast = attendance_cast(size=1)
    with pytest.raises(PermissionDenied):
        register_freeze(term=cast.term, through=DAY, actor=cast.class_teacher)
    with pytest.raises(ValidationError):
        register_freeze(term=cast.term, through=datetime.date(2026, 8, 1), actor=admin_a)
    cast.term.refresh_from_db()
    assert cast.term.attendance_frozen_through is None


def test_saving_a_big_register_takes_a_bounded_number_of_queries(in_school_a, django_assert_max_num_queries):
    small, big = attendance_cast(size=3), None
    register_save(stream=small.stream, date=DAY, marks={s.pk: "absent" for s in small.students},
                  actor=small.class_teacher)
    big_students = [StudentFactory(stream=small.other_stream) for _ in range(40)]
    for student in big_students:
        StudentGuardianFactory(student=student)
    # counts are doubled (a SET search_path precedes each query): about 20 queries, whatever the size
    with django_assert_max_num_queries(44):
        big = register_save(stream=small.other_stream, date=DAY, marks={s.pk: "absent" for s in big_students},
                            actor=small.other_teacher)
    assert big.marks.count() == 40 and OutboxMessage.objects.filter(object_id=str(big.pk)).count() == 40


def test_student_summary(in_school_a):
    cast = attendance_cast(size=1)
    student = cast.students[0]
    for offset, status in enumerate(["present", "absent", "late", "excused", "present"]):
        register_save(stream=cast.stream, date=DAY + datetime.timedelta(days=offset), marks={student.pk: status},
                      actor=cast.class_teacher)
    summary = student_attendance_summary(student=student, term=cast.term)
    assert summary == {"present": 2, "absent": 1, "late": 1, "excused": 1, "days": 5, "rate": 60.0}
    assert student_attendance_summary(student=student, term=None)["rate"] is None


def test_another_school_sees_none_of_it(in_school_a, school_b):
    cast = attendance_cast(size=2)
    register_save(stream=cast.stream, date=DAY, marks={s.pk: "absent" for s in cast.students},
                  actor=cast.class_teacher)
    with schema_context(school_b.schema_name):
        assert Register.objects.count() == 0 and AttendanceMark.objects.count() == 0
        assert OutboxMessage.objects.count() == 0
