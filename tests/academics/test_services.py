"""The academics services: admission numbers, admission within the plan's limit, status history,
guardians (E.164 phones, no duplicates), links, the structure (years, terms, streams, assignments)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_context

from apps.academics import services
from apps.academics.models import (
    AcademicYear, Guardian, SchoolProfile, Student, StudentGuardian, StudentStatusChange, TeachingAssignment, Term,
)
from apps.audit.models import AuditEvent
from apps.platform.limits import LimitReached
from tests.academics.factories import (
    AcademicYearFactory, GuardianFactory, SchoolClassFactory, StreamFactory, StudentFactory, SubjectFactory,
)
from tests.factories import UserFactory


def admit(stream, actor, **extra):
    values = {"first_name": "Amina", "last_name": "Juma", "sex": "F", "stream": stream, "actor": actor}
    return services.student_admit(**{**values, **extra})


# --- profile and admission numbers ------------------------------------------------------------------

def test_profile_is_made_from_the_school_name(in_school_a, school_a):
    SchoolProfile.objects.all().delete()

    profile = services.school_profile()

    assert profile.name == school_a.name
    assert services.school_profile().pk == profile.pk


def test_admission_numbers_follow_the_pattern_and_the_current_year(in_school_a, admin_a):
    AcademicYearFactory(name="2025", starts_on=datetime.date(2025, 1, 6), ends_on=datetime.date(2025, 12, 1))
    stream = StreamFactory()

    first, second = admit(stream, admin_a), admit(stream, admin_a, first_name="Baraka")

    assert (first.admission_number, second.admission_number) == ("2025/0001", "2025/0002")
    assert services.school_profile().next_admission_seq == 3


def test_admission_numbers_skip_taken_ones_and_honour_a_new_pattern(in_school_a, admin_a):
    stream = StreamFactory()
    year = datetime.date.today().year
    StudentFactory(admission_number=f"ADM-{year}-01", stream=stream)
    services.school_profile_update(admission_number_pattern="ADM-{year}-{seq:02d}", actor=admin_a)

    student = admit(stream, admin_a)

    assert student.admission_number == f"ADM-{year}-02"


@pytest.mark.parametrize("pattern", ["{year}", "{year}/{nope}", "{seq", "x" * 50 + "{seq}"])
def test_a_bad_pattern_is_refused(in_school_a, admin_a, pattern):
    with pytest.raises(ValidationError) as caught:
        services.school_profile_update(admission_number_pattern=pattern, actor=admin_a)

    assert "admission_number_pattern" in caught.value.message_dict
    assert services.school_profile().admission_number_pattern == "{year}/{seq:04d}"


def test_a_given_admission_number_must_be_unique_whatever_its_case(in_school_a, admin_a):
    stream = StreamFactory()
    admit(stream, admin_a, admission_number="F1/001")

    with pytest.raises(ValidationError) as caught:
        admit(stream, admin_a, admission_number="f1/001", first_name="Other")

    assert "duplicate admission number f1/001" in caught.value.message_dict["admission_number"][0]
    assert Student.objects.count() == 1


def test_admission_writes_history_and_audit(in_school_a, admin_a):
    stream = StreamFactory()

    student = admit(stream, admin_a, medical_notes="asthma")

    change = StudentStatusChange.objects.get(student=student)
    assert (change.from_status, change.to_status, change.to_stream) == ("", "active", stream)
    event = AuditEvent.objects.filter(action="academics.student_admitted", object_id=str(student.pk)).get()
    assert "asthma" not in str(event.changes)


def test_admission_refused_at_the_limit_writes_nothing(in_school_a, school_a, admin_a):
    stream = StreamFactory()
    StudentFactory(stream=stream)
    school_a.limit_students = 1
    school_a.save(update_fields=["limit_students"])
    seq_before = services.school_profile().next_admission_seq
    events_before = AuditEvent.objects.count()

    with pytest.raises(LimitReached) as caught:
        admit(stream, admin_a)

    assert "limit of 1 students" in caught.value.messages[0]
    assert Student.objects.count() == 1
    assert services.school_profile().next_admission_seq == seq_before
    assert AuditEvent.objects.count() == events_before


def test_missing_fields_are_named(in_school_a, admin_a):
    with pytest.raises(ValidationError) as caught:
        services.student_admit(first_name="", last_name=" ", sex="X", stream=None, actor=admin_a)

    assert set(caught.value.message_dict) == {"first_name", "last_name", "sex", "stream"}
    assert not Student.objects.exists()


def test_update_audits_medical_notes_without_their_text(in_school_a, admin_a):
    student = admit(StreamFactory(), admin_a)

    services.student_update(student=student, medical_notes="epilepsy", first_name="Aminata", actor=admin_a)

    student.refresh_from_db()
    assert (student.first_name, student.medical_notes) == ("Aminata", "epilepsy")
    event = AuditEvent.objects.filter(action="academics.student_updated").latest("id")
    assert event.changes == {"first_name": ["Amina", "Aminata"], "medical_notes": "changed"}


def test_status_changes_keep_history(in_school_a, admin_a):
    stream_a = StreamFactory(name="A")
    stream_b = StreamFactory(school_class=stream_a.school_class, name="B")
    student = admit(stream_a, admin_a)
    day = datetime.date(2026, 3, 1)

    services.student_set_status(student=student, status="active", stream=stream_b, effective_on=day, actor=admin_a)
    services.student_set_status(student=student, status="transferred", effective_on=day, reason="moved town",
                                actor=admin_a)
    student.refresh_from_db()
    assert (student.status, student.stream) == ("transferred", None)

    with pytest.raises(ValidationError) as caught:
        services.student_set_status(student=student, status="active", effective_on=day, actor=admin_a)
    assert "stream" in caught.value.message_dict

    services.student_set_status(student=student, status="active", stream=stream_a, effective_on=day, actor=admin_a)
    history = list(student.status_changes.order_by("id").values_list("from_status", "to_status", "to_stream"))
    assert history == [("", "active", stream_a.pk), ("active", "active", stream_b.pk),
                       ("active", "transferred", None), ("transferred", "active", stream_a.pk)]


def test_coming_back_is_refused_at_the_limit(in_school_a, school_a, admin_a):
    stream = StreamFactory()
    student = admit(stream, admin_a)
    services.student_set_status(student=student, status="left", effective_on=datetime.date(2026, 2, 1), actor=admin_a)
    StudentFactory(stream=stream)
    school_a.limit_students = 1
    school_a.save(update_fields=["limit_students"])

    with pytest.raises(LimitReached):
        services.student_set_status(student=student, status="active", stream=stream,
                                    effective_on=datetime.date(2026, 3, 1), actor=admin_a)

    student.refresh_from_db()
    assert student.status == "left"


# --- guardians --------------------------------------------------------------------------------------

def test_guardian_phone_is_stored_in_e164_and_is_the_username_without_email(in_school_a, admin_a):
    guardian = services.guardian_create(first_name="Halima", last_name="Said", phone="0712 345 678", actor=admin_a)
    other = services.guardian_create(first_name="Omari", last_name="Said", phone="0713 345 678", actor=admin_a)

    assert guardian.phone == "+255712345678"
    assert guardian.user.username == "+255712345678"
    assert (guardian.user.role, guardian.user.has_usable_password(), guardian.user.email) == ("parent", False, "")
    assert other.user.email == ""


def test_guardian_email_is_the_username(in_school_a, admin_a):
    guardian = services.guardian_create(first_name="Halima", last_name="Said", email="Halima@Example.TEST",
                                        actor=admin_a)

    assert guardian.user.username == guardian.user.email == "halima@example.test"


@pytest.mark.parametrize("phone", ["+255 712 345 678", "255712345678", "0712345678"])
def test_a_phone_already_used_is_refused(in_school_a, admin_a, phone):
    services.guardian_create(first_name="Halima", last_name="Said", phone="0712345678", actor=admin_a)

    with pytest.raises(ValidationError) as caught:
        services.guardian_create(first_name="Other", last_name="Person", phone=phone, actor=admin_a)

    assert caught.value.message_dict["phone"][0].startswith("a guardian with this phone already exists: Halima Said")
    assert Guardian.objects.count() == 1


def test_bad_or_missing_contact_is_refused(in_school_a, admin_a):
    with pytest.raises(ValidationError) as caught:
        services.guardian_create(first_name="A", last_name="B", phone="12", actor=admin_a)
    assert "phone" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.guardian_create(first_name="A", last_name="B", actor=admin_a)
    assert "phone" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.guardian_create(first_name="A", last_name="B", email=admin_a.email.upper(), actor=admin_a)
    assert "email" in caught.value.message_dict
    assert not Guardian.objects.exists()


def test_first_link_is_primary_and_one_primary_at_a_time(in_school_a, admin_a):
    student = StudentFactory()
    mother, father = GuardianFactory(), GuardianFactory()

    first = services.guardian_link(student=student, guardian=mother, relationship="mother", actor=admin_a)
    services.guardian_link(student=student, guardian=father, relationship="father", actor=admin_a)
    assert first.is_primary
    services.guardian_link(student=student, guardian=father, relationship="father", is_primary=True, actor=admin_a)

    primaries = list(StudentGuardian.objects.filter(student=student, is_primary=True).values_list("guardian", flat=True))
    assert primaries == [father.pk]

    services.guardian_unlink(student=student, guardian=father, actor=admin_a)
    assert list(StudentGuardian.objects.filter(student=student).values_list("guardian", "is_primary")) == [
        (mother.pk, True)]


def test_bad_relationship_is_refused(in_school_a, admin_a):
    with pytest.raises(ValidationError):
        services.guardian_link(student=StudentFactory(), guardian=GuardianFactory(), relationship="uncle-ish",
                               actor=admin_a)
    assert not StudentGuardian.objects.exists()


# --- a guardian who works at the school -------------------------------------------------------------

def test_a_guardian_is_linked_to_the_staff_user_he_is_and_unlinked(in_school_a, admin_a):
    guardian, teacher = GuardianFactory(), UserFactory(role="teacher")

    services.guardian_update(guardian=guardian, staff_member=teacher, actor=admin_a)
    guardian.refresh_from_db()
    assert guardian.staff_member == teacher
    services.guardian_update(guardian=guardian, staff_member=None, actor=admin_a)
    guardian.refresh_from_db()

    assert guardian.staff_member is None
    events = AuditEvent.objects.filter(action="academics.guardian_updated", object_id=str(guardian.pk)).order_by("pk")
    assert [event.changes for event in events] == [{"staff_member": [None, teacher.pk]},
                                                   {"staff_member": [teacher.pk, None]}]
    assert {event.actor for event in events} == {admin_a.email}


def test_a_link_kept_as_it_was_is_not_written_again(in_school_a, admin_a):
    teacher = UserFactory(role="teacher")
    guardian = GuardianFactory(staff_member=teacher)
    teacher.is_active = False
    teacher.save(update_fields=["is_active"])

    services.guardian_update(guardian=guardian, staff_member=teacher, occupation="Nurse", actor=admin_a)

    guardian.refresh_from_db()
    assert (guardian.staff_member_id, guardian.occupation) == (teacher.pk, "Nurse")


@pytest.mark.parametrize("who", ["parent", "student", "inactive", "taken"])
def test_only_an_active_staff_user_no_other_guardian_names_can_be_linked(in_school_a, admin_a, who):
    guardian = GuardianFactory()
    user = UserFactory(role={"parent": "parent", "student": "student"}.get(who, "teacher"),
                       is_active=who != "inactive")
    if who == "taken":
        GuardianFactory(staff_member=user)
    events_before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as caught:
        services.guardian_update(guardian=guardian, staff_member=user, actor=admin_a)

    assert list(caught.value.message_dict) == ["staff_member"]
    guardian.refresh_from_db()
    assert guardian.staff_member is None
    assert AuditEvent.objects.count() == events_before


def test_another_school_does_not_see_a_guardians_staff_link(school_a, school_b, admin_a):
    with schema_context(school_a.schema_name):
        teacher = UserFactory(role="teacher", email="works.here@example.test")
        guardian = services.guardian_create(first_name="Neema", last_name="Mushi", phone="0712 000 321", actor=admin_a)
        services.guardian_update(guardian=guardian, staff_member=teacher, actor=admin_a)
    with schema_context(school_b.schema_name):
        assert not Guardian.objects.filter(staff_member__isnull=False).exists()
        assert not Guardian.objects.filter(phone="+255712000321").exists()
        assert not get_user_model().objects.filter(email="works.here@example.test").exists()
        with pytest.raises(ValidationError) as caught:  # a user who is not in this school's schema
            services.guardian_update(guardian=GuardianFactory(), staff_member=10 ** 9, actor=admin_a)
        assert list(caught.value.message_dict) == ["staff_member"]


# --- structure --------------------------------------------------------------------------------------

def test_one_current_year_and_term(in_school_a, admin_a):
    y1 = services.year_create(name="2030", starts_on=datetime.date(2030, 1, 7), ends_on=datetime.date(2030, 12, 1),
                              actor=admin_a)
    y2 = services.year_create(name="2031", starts_on=datetime.date(2031, 1, 7), ends_on=datetime.date(2031, 12, 1),
                              actor=admin_a)
    term = services.term_create(year=y2, number=1, starts_on=datetime.date(2031, 1, 7),
                                ends_on=datetime.date(2031, 4, 1), actor=admin_a)
    services.year_set_current(year=y1, actor=admin_a)

    services.term_set_current(term=term, actor=admin_a)

    assert list(AcademicYear.objects.filter(is_current=True)) == [y2]
    assert list(Term.objects.filter(is_current=True)) == [term]


def test_term_dates_are_checked(in_school_a, admin_a):
    year = AcademicYearFactory()
    services.term_create(year=year, number=1, starts_on=datetime.date(2026, 1, 12), ends_on=datetime.date(2026, 4, 1),
                         actor=admin_a)

    with pytest.raises(ValidationError) as caught:
        services.term_create(year=year, number=2, starts_on=datetime.date(2026, 3, 1),
                             ends_on=datetime.date(2026, 2, 1), actor=admin_a)
    assert "ends_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.term_create(year=year, number=2, starts_on=datetime.date(2026, 3, 1),
                             ends_on=datetime.date(2026, 6, 1), actor=admin_a)
    assert "overlap" in caught.value.message_dict["starts_on"][0]
    term = Term.objects.get(year=year, number=1)
    with pytest.raises(ValidationError):
        services.term_update(term=term, attendance_frozen_through=datetime.date(2026, 5, 1), actor=admin_a)

    services.term_update(term=term, attendance_frozen_through=datetime.date(2026, 2, 1), actor=admin_a)
    term.refresh_from_db()
    assert term.attendance_frozen_through == datetime.date(2026, 2, 1)


def test_class_teacher_and_subject_teacher_roles(in_school_a, admin_a):
    school_class = services.class_create(name="Form 9", level=9, actor=admin_a)
    accountant, teacher = UserFactory(role="accountant"), UserFactory(role="teacher")
    with pytest.raises(ValidationError) as caught:
        services.stream_create(school_class=school_class, name="A", class_teacher=accountant, actor=admin_a)
    assert "class_teacher" in caught.value.message_dict
    stream = services.stream_create(school_class=school_class, name="A", class_teacher=admin_a, actor=admin_a)
    subject = services.subject_create(code=" math ", name="Mathematics", actor=admin_a)
    assert subject.code == "MATH"
    with pytest.raises(ValidationError):
        services.subject_create(code="Math", name="Again", actor=admin_a)
    with pytest.raises(ValidationError):
        services.assignment_set(stream=stream, subject=subject, teacher=admin_a, actor=admin_a)

    services.assignment_set(stream=stream, subject=subject, teacher=teacher, actor=admin_a)
    other = UserFactory(role="teacher")
    services.assignment_set(stream=stream, subject=subject, teacher=other, actor=admin_a)

    assert list(TeachingAssignment.objects.filter(stream=stream).values_list("teacher", flat=True)) == [other.pk]
    services.assignment_remove(stream=stream, subject=subject, actor=admin_a)
    assert not TeachingAssignment.objects.filter(stream=stream).exists()


def test_class_levels_and_curriculum(in_school_a, admin_a):
    form1 = SchoolClassFactory(level=1)
    with pytest.raises(ValidationError) as caught:
        services.class_create(name="Another", level=1, actor=admin_a)
    assert "level" in caught.value.message_dict
    form2 = services.class_create(name="Form 2b", level=22, actor=admin_a)
    services.class_update(school_class=form1, next_class=form2, actor=admin_a)
    maths, english = SubjectFactory(), SubjectFactory()

    services.class_subject_set(school_class=form1, subjects=[maths, english], actor=admin_a)
    services.class_subject_set(school_class=form1, subjects=[english], actor=admin_a)

    assert list(form1.class_subjects.values_list("subject", flat=True)) == [english.pk]
    form1.refresh_from_db()
    assert form1.next_class == form2


def test_another_school_does_not_see_these_rows(school_a, school_b, admin_a):
    with schema_context(school_a.schema_name):
        admit(StreamFactory(), admin_a, admission_number="ISO/1")
    with schema_context(school_b.schema_name):
        assert not Student.objects.filter(admission_number="ISO/1").exists()
        assert connection.schema_name == school_b.schema_name
