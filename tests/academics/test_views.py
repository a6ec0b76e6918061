"""The school's console pages (/school/): structure, students, guardians, profile. School admins
only; bad input comes back with its errors beside the fields and writes nothing."""

import datetime

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.academics.models import (
    AcademicYear, Guardian, Room, SchoolClass, SchoolProfile, Stream, Student, StudentGuardian, Subject,
    TeachingAssignment, Term,
)
from tests.academics.factories import (
    GuardianFactory, SchoolClassFactory, StreamFactory, StudentFactory, StudentGuardianFactory, SubjectFactory,
    TeachingAssignmentFactory, TermFactory,
)
from apps.academics import services
from tests.conftest import console_login
from tests.factories import UserFactory

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin_client(client, school_a, admin_a):
    console_login(client, school_a, admin_a)
    return client


def in_a(school_a):
    return schema_context(school_a.schema_name)


# --- access -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["academics:structure", "academics:student-list", "academics:student-create",
                                  "academics:guardian-list", "academics:guardian-create", "academics:profile"])
def test_a_teacher_is_forbidden(client, school_a, teacher_a, name):
    console_login(client, school_a, teacher_a)

    assert client.get(reverse(name)).status_code == 403


def test_a_teacher_cannot_admit(client, school_a, teacher_a):
    with in_a(school_a):
        stream = StreamFactory()
    console_login(client, school_a, teacher_a)

    response = client.post(reverse("academics:student-create"), {"first_name": "A", "last_name": "B", "sex": "F",
                                                                 "stream": stream.pk})

    assert response.status_code == 403
    with in_a(school_a):
        assert not Student.objects.exists()


# --- structure --------------------------------------------------------------------------------------

def test_structure_page_builds_a_school(admin_client, school_a):
    with in_a(school_a):
        teacher = UserFactory(role="teacher", first_name="Neema", last_name="Mushi")

    assert admin_client.post(reverse("academics:year-create"), {
        "year-name": "2030", "year-starts_on": "2030-01-07", "year-ends_on": "2030-12-01"}).status_code == 302
    with in_a(school_a):
        year = AcademicYear.objects.get(name="2030")
    assert admin_client.post(reverse("academics:term-create"), {
        "term-year": year.pk, "term-number": 1, "term-starts_on": "2030-01-07", "term-ends_on": "2030-04-01"},
        **HX).status_code == 200
    admin_client.post(reverse("academics:class-create"), {"class-name": "Form 7", "class-level": 77})
    admin_client.post(reverse("academics:room-create"), {"room-name": "Lab 1", "room-capacity": 40})
    with in_a(school_a):
        form7, room = SchoolClass.objects.get(level=77), Room.objects.get(name="Lab 1")
    response = admin_client.post(reverse("academics:stream-create"), {
        "stream-school_class": form7.pk, "stream-name": "A", "stream-class_teacher": teacher.pk,
        "stream-room": room.pk}, **HX)
    assert response.status_code == 200 and "HX-Trigger" in response
    admin_client.post(reverse("academics:subject-create"), {"subject-code": "bio", "subject-name": "Biology",
                                                            "subject-is_core": "on"})
    with in_a(school_a):
        stream, biology = Stream.objects.get(school_class=form7), Subject.objects.get(code="BIO")
    admin_client.post(reverse("academics:curriculum-set", args=[form7.pk]), {f"cur{form7.pk}-subjects": [biology.pk]})

    cell = admin_client.post(reverse("academics:assignment-set", args=[stream.pk, biology.pk]),
                             {f"a{stream.pk}-{biology.pk}-teacher": teacher.pk}, **HX)

    assert cell.status_code == 200 and "table-success" in cell.content.decode()
    page = admin_client.get(reverse("academics:structure")).content.decode()
    assert "Form 7A" in page and "Lab 1" in page and "Neema Mushi" in page and "BIO" in page
    with in_a(school_a):
        assert TeachingAssignment.objects.get(stream=stream, subject=biology).teacher == teacher
        assert stream.class_teacher == teacher and stream.room == room
        assert Term.objects.get(year=year).number == 1


def test_structure_forms_show_errors_and_write_nothing(admin_client, school_a):
    with in_a(school_a):
        SchoolClassFactory(level=5, name="Form 5")

    response = admin_client.post(reverse("academics:class-create"), {"class-name": "Other", "class-level": 5})
    assert response.status_code == 400
    assert "Another class is at level 5." in response.content.decode()

    response = admin_client.post(reverse("academics:year-create"), {
        "year-name": "2031", "year-starts_on": "2031-12-01", "year-ends_on": "2031-01-01"}, **HX)
    assert response.status_code == 200
    assert "The end must come after the start." in response.content.decode()
    with in_a(school_a):
        assert not SchoolClass.objects.filter(name="Other").exists()
        assert not AcademicYear.objects.filter(name="2031").exists()


def test_assignment_cell_refuses_a_non_teacher_and_clears(admin_client, school_a, admin_a):
    with in_a(school_a):
        stream, subject = StreamFactory(), SubjectFactory()
        TeachingAssignment.objects.create(stream=stream, subject=subject, teacher=UserFactory(role="teacher"))
    url = reverse("academics:assignment-set", args=[stream.pk, subject.pk])

    refused = admin_client.post(url, {f"a{stream.pk}-{subject.pk}-teacher": admin_a.pk}, **HX)
    assert "Choose one of the teachers." in refused.content.decode()
    with in_a(school_a):
        assert TeachingAssignment.objects.filter(stream=stream).exists()

    admin_client.post(url, {f"a{stream.pk}-{subject.pk}-teacher": ""}, **HX)
    with in_a(school_a):
        assert not TeachingAssignment.objects.filter(stream=stream).exists()


def test_term_freeze_and_current(admin_client, school_a):
    with in_a(school_a):
        term = TermFactory(is_current=False)

    admin_client.post(reverse("academics:term-freeze", args=[term.pk]),
                      {f"t{term.pk}-attendance_frozen_through": "2026-02-01"})
    admin_client.post(reverse("academics:term-current", args=[term.pk]))

    with in_a(school_a):
        term.refresh_from_db()
        assert term.attendance_frozen_through == datetime.date(2026, 2, 1) and term.is_current


# --- students ---------------------------------------------------------------------------------------

def test_admit_a_student_and_see_her(admin_client, school_a):
    with in_a(school_a):
        stream = StreamFactory()

    response = admin_client.post(reverse("academics:student-create"), {
        "first_name": "Rehema", "last_name": "Mwakyusa", "sex": "F", "stream": stream.pk,
        "date_of_birth": "2012-05-01", "medical_notes": "asthma"})

    with in_a(school_a):
        student = Student.objects.get(first_name="Rehema")
    assert response.status_code == 302 and response.url == reverse("academics:student-detail", args=[student.pk])
    page = admin_client.get(response.url).content.decode()
    assert "Rehema Mwakyusa" in page and student.admission_number in page and "asthma" in page
    listing = admin_client.get(reverse("academics:student-list"), {"q": "mwaky"}).content.decode()
    assert "Rehema Mwakyusa" in listing


def test_admission_errors_are_shown_and_nothing_is_written(admin_client, school_a):
    with in_a(school_a):
        stream = StreamFactory()
        StudentFactory(admission_number="DUP/1", stream=stream)

    response = admin_client.post(reverse("academics:student-create"), {
        "first_name": "Rehema", "last_name": "", "sex": "F", "stream": stream.pk, "admission_number": "dup/1"})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = admin_client.post(reverse("academics:student-create"), {
        "first_name": "Rehema", "last_name": "M", "sex": "F", "stream": stream.pk, "admission_number": "dup/1"})
    assert response.status_code == 400 and "duplicate admission number dup/1" in response.content.decode()
    with in_a(school_a):
        assert Student.objects.count() == 1


def test_admission_at_the_limit_says_so(admin_client, school_a):
    with in_a(school_a):
        stream = StreamFactory()
        StudentFactory(stream=stream)
    school_a.limit_students = 1
    school_a.save(update_fields=["limit_students"])

    response = admin_client.post(reverse("academics:student-create"), {
        "first_name": "Rehema", "last_name": "M", "sex": "F", "stream": stream.pk})

    assert response.status_code == 400 and "reached its limit of 1 students" in response.content.decode()
    with in_a(school_a):
        assert Student.objects.count() == 1


def test_list_filters_sorts_and_stays_within_its_queries(admin_client, school_a, django_assert_max_num_queries):
    with in_a(school_a):
        a, b = StreamFactory(name="A"), StreamFactory(name="B")
        for n in range(30):
            StudentFactory(stream=a if n % 2 else b, last_name=f"Zz{n:02d}", sex="F" if n % 3 else "M")
        left = StudentFactory(stream=a, last_name="Gone")
        Student.objects.filter(pk=left.pk).update(status="left", stream=None)

    with django_assert_max_num_queries(30):
        response = admin_client.get(reverse("academics:student-list"), {"stream": a.pk, "sort": "-name"})
    page = response.content.decode()
    assert "Zz29" in page and "Zz28" not in page and "Gone" not in page
    assert page.index("Zz29") < page.index("Zz27")
    assert "/school/students/import/" in page and "/school/students/export/" in page

    left_only = admin_client.get(reverse("academics:student-list"), {"status": "left"}, HTTP_HX_REQUEST="true",
                                 HTTP_HX_TARGET="student-table").content.decode()
    assert "Gone" in left_only and "Zz01" not in left_only and "<nav" not in left_only.split("student-table")[0]
    second = admin_client.get(reverse("academics:student-list"), {"page": 2}).content.decode()
    assert "2 / 2" in second


def test_edit_and_change_status(admin_client, school_a):
    with in_a(school_a):
        stream = StreamFactory(name="A")
        other = StreamFactory(school_class=stream.school_class, name="B")
        student = StudentFactory(stream=stream, first_name="Asha")

    admin_client.post(reverse("academics:student-edit", args=[student.pk]), {
        "first_name": "Ashura", "last_name": student.last_name, "sex": student.sex,
        "admission_number": student.admission_number})
    admin_client.post(reverse("academics:student-status", args=[student.pk]), {
        "status-status": "active", "status-stream": other.pk, "status-effective_on": "2026-03-02"})
    refused = admin_client.post(reverse("academics:student-status", args=[student.pk]), {
        "status-status": "active", "status-stream": other.pk, "status-effective_on": "2026-03-02"}, **HX)
    assert "nothing changes" in refused.content.decode()

    with in_a(school_a):
        student.refresh_from_db()
        assert (student.first_name, student.stream) == ("Ashura", other)
        assert student.status_changes.count() == 1
    page = admin_client.get(reverse("academics:student-detail", args=[student.pk])).content.decode()
    assert "Moved stream" in page


# --- guardians --------------------------------------------------------------------------------------

def test_guardian_created_from_a_students_page_is_linked(admin_client, school_a):
    with in_a(school_a):
        student = StudentFactory()

    response = admin_client.post(reverse("academics:guardian-create") + f"?student={student.pk}", {
        "student": student.pk, "first_name": "Mwanaidi", "last_name": "Hassan", "phone": "0754 111 222",
        "relationship": "mother"})

    assert response.status_code == 302
    with in_a(school_a):
        link = StudentGuardian.objects.select_related("guardian").get(student=student)
        assert (link.guardian.phone, link.relationship, link.is_primary) == ("+255754111222", "mother", True)
    page = admin_client.get(reverse("academics:student-detail", args=[student.pk])).content.decode()
    assert "Mwanaidi Hassan" in page and "+255754111222" in page


def test_duplicate_guardian_phone_is_shown_and_nothing_written(admin_client, school_a):
    with in_a(school_a):
        GuardianFactory(phone="+255754111222")

    response = admin_client.post(reverse("academics:guardian-create"), {
        "first_name": "Other", "last_name": "One", "phone": "+255 754 111 222"})

    assert response.status_code == 400
    assert "a guardian with this phone already exists" in response.content.decode()
    with in_a(school_a):
        assert Guardian.objects.count() == 1


def test_link_unlink_and_invite(admin_client, school_a, mailoutbox, django_capture_on_commit_callbacks):
    with in_a(school_a):
        student = StudentFactory(admission_number="LNK/1")
        guardian = GuardianFactory(user=UserFactory(role="parent", email="baba@example.test"))
        guardian.user.set_unusable_password()
        guardian.user.save()

    admin_client.post(reverse("academics:guardian-student-link", args=[guardian.pk]), {
        "link-admission_number": "lnk/1", "link-relationship": "father"})
    with in_a(school_a):
        assert StudentGuardian.objects.filter(student=student, guardian=guardian, is_primary=True).exists()
    missing = admin_client.post(reverse("academics:student-guardian-link", args=[student.pk]), {
        "link-contact": "nobody@example.test", "link-relationship": "father"}, **HX)
    assert "No guardian has this phone or email" in missing.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("academics:guardian-invite", args=[guardian.pk]))
    assert [message.to for message in mailoutbox] == [["baba@example.test"]]

    admin_client.post(reverse("academics:student-guardian-unlink", args=[student.pk, guardian.pk]),
                      {"next": "guardian"})
    with in_a(school_a):
        assert not StudentGuardian.objects.filter(student=student).exists()
    listing = admin_client.get(reverse("academics:guardian-list"), {"q": guardian.user.last_name}).content.decode()
    assert guardian.user.display_name in listing


def _guardian_edit_data(guardian, **extra) -> dict:
    return {"edit-first_name": guardian.user.first_name, "edit-last_name": guardian.user.last_name,
            "edit-phone": guardian.phone, "edit-email": guardian.user.email, **extra}


def test_a_guardian_who_works_at_the_school_is_linked_from_his_page(admin_client, school_a):
    with in_a(school_a):
        guardian = GuardianFactory()
        teacher = UserFactory(role="teacher", first_name="Neema", last_name="Mushi")
        UserFactory(role="teacher", first_name="Gone", last_name="Away", is_active=False)
        UserFactory(role="parent", first_name="Only", last_name="Parent")

    page = admin_client.get(reverse("academics:guardian-detail", args=[guardian.pk])).content.decode()
    assert "Works at the school as" in page and "Their children get the staff-child discount" in page
    assert "Neema Mushi (Teacher)" in page and "Gone Away" not in page and "Only Parent" not in page

    response = admin_client.post(reverse("academics:guardian-edit", args=[guardian.pk]),
                                 _guardian_edit_data(guardian, **{"edit-staff_member": teacher.pk}))

    assert response.status_code == 302
    with in_a(school_a):
        guardian.refresh_from_db()
        assert guardian.staff_member == teacher
    page = admin_client.get(reverse("academics:guardian-detail", args=[guardian.pk])).content.decode()
    assert 'data-testid="guardian-staff-member"><bdi>Neema Mushi</bdi> (Teacher)' in page

    admin_client.post(reverse("academics:guardian-edit", args=[guardian.pk]), _guardian_edit_data(guardian))
    with in_a(school_a):
        guardian.refresh_from_db()
        assert guardian.staff_member is None


def test_a_staff_user_another_guardian_names_is_refused_beside_the_field(admin_client, school_a):
    with in_a(school_a):
        teacher = UserFactory(role="teacher", first_name="Neema", last_name="Mushi")
        GuardianFactory(staff_member=teacher)
        guardian = GuardianFactory()

    response = admin_client.post(reverse("academics:guardian-edit", args=[guardian.pk]),
                                 _guardian_edit_data(guardian, **{"edit-staff_member": teacher.pk}))

    assert response.status_code == 400
    assert "is already linked to another guardian" in response.content.decode()
    with in_a(school_a):
        guardian.refresh_from_db()
        assert guardian.staff_member is None


def test_another_schools_admin_cannot_link_a_guardian_here(client, school_a, school_b, admin_b):
    with in_a(school_a):
        guardian = GuardianFactory()
    with schema_context(school_b.schema_name):
        teacher_b = UserFactory(role="teacher")
    console_login(client, school_b, admin_b)

    response = client.post(reverse("academics:guardian-edit", args=[guardian.pk]),
                           _guardian_edit_data(guardian, **{"edit-staff_member": teacher_b.pk}))

    assert response.status_code == 404
    with in_a(school_a):
        guardian.refresh_from_db()
        assert guardian.staff_member is None


# --- profile ----------------------------------------------------------------------------------------

def test_profile_saves_and_shows_a_live_example(admin_client, school_a):
    response = admin_client.post(reverse("academics:profile"), {
        "name": "Alpha Secondary", "primary_colour": "#123456", "admission_number_pattern": "A-{seq:03d}",
        "phone": "0712 000 111"})
    assert response.status_code == 302
    with in_a(school_a):
        profile = SchoolProfile.objects.get()
        assert (profile.primary_colour, profile.phone, profile.admission_number_pattern) == (
            "#123456", "+255712000111", "A-{seq:03d}")

    example = admin_client.get(reverse("academics:profile-example"), {"admission_number_pattern": "X{seq:02d}"}, **HX)
    assert "X01" in example.content.decode()
    bad = admin_client.post(reverse("academics:profile"), {"name": "Alpha", "primary_colour": "red",
                                                           "admission_number_pattern": "{year}"})
    assert bad.status_code == 400 and "Give a colour like" in bad.content.decode()
    with in_a(school_a):
        assert SchoolProfile.objects.get().primary_colour == "#123456"


# --- isolation --------------------------------------------------------------------------------------

def test_another_school_cannot_see_these_students(client, school_a, school_b, admin_b):
    with in_a(school_a):
        student = StudentFactory(first_name="Secretia")
        guardian = StudentGuardianFactory(student=student).guardian
    console_login(client, school_b, admin_b)

    assert client.get(reverse("academics:student-detail", args=[student.pk])).status_code == 404
    assert client.get(reverse("academics:guardian-detail", args=[guardian.pk])).status_code == 404
    assert "Secretia" not in client.get(reverse("academics:student-list")).content.decode()


def test_structure_page_stays_within_its_queries(admin_client, school_a, django_assert_max_num_queries):
    with in_a(school_a):
        for level in range(1, 5):
            for name in "ABC":
                stream = StreamFactory(school_class=SchoolClassFactory(level=level), name=name,
                                       class_teacher=UserFactory(role="teacher"))
                TeachingAssignmentFactory(stream=stream)
        for school_class in SchoolClass.objects.all():
            services.class_subject_set(school_class=school_class, subjects=list(Subject.objects.all()[:6]),
                                       actor=None)

    with django_assert_max_num_queries(50):
        response = admin_client.get(reverse("academics:structure"))

    assert response.status_code == 200 and "Form 4C" in response.content.decode()
