"""The teacher's workspace: her classes, students, marks progress and registers; nothing of a stream she
does not teach, nothing of another school."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academics.models import Student
from tests.academics.factories import StudentFactory
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.portals.factories import mark, portal_school, register, results

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(in_school_a):
    return portal_school()


@pytest.fixture
def as_teacher(client, school_a, school):
    console_login(client, school_a, school.teacher)
    return client


def _url_exists(name, **kwargs) -> bool:
    try:
        reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return False
    return True


def test_home_shows_her_streams_with_subjects_counts_and_register_status(as_teacher, school):
    response = as_teacher.get("/teacher/")

    assert response.status_code == 200
    cards = {card["stream"].id: card for card in response.context["cards"]}
    assert set(cards) == {school.led.id, school.taught.id}  # not Form 2 A
    assert cards[school.led.id]["leads"] and not cards[school.taught.id]["leads"]
    # the led stream: 3 students + the two children placed there
    assert cards[school.led.id]["students"] == Student.objects.filter(stream=school.led).count()
    assert [a.subject.code for a in cards[school.taught.id]["assignments"]] == ["MATH"]
    assert cards[school.led.id]["register"] is None
    html = response.content.decode()
    assert "Form 1A" in html and "Form 2A" not in html
    assert "Today&#x27;s register is not taken yet." in html or "Today's register is not taken yet." in html
    if _url_exists("attendance:register-take", stream_id=school.led.id):
        take = reverse("attendance:register-take", kwargs={"stream_id": school.led.id})
        assert f'{take}?date={timezone.localdate().isoformat()}' in html
        assert 'data-testid="take-register"' in html


def test_home_says_when_the_register_is_taken(as_teacher, school):
    register(stream=school.led, term=school.term, taken_by=school.teacher)

    response = as_teacher.get("/teacher/")

    card = next(card for card in response.context["cards"] if card["leads"])
    assert card["register"] is not None
    assert "register is taken" in response.content.decode()


def test_home_and_marks_page_count_marked_students_per_assignment(as_teacher, school):
    taught = list(school.taught.students.all())
    mark(assessment=school.assessment, student=taught[0], subject=school.maths, score="55")
    mark(assessment=school.assessment, student=taught[1], subject=school.maths)  # blank: not marked
    # another subject's mark in the same stream does not count for maths
    mark(assessment=school.assessment, student=taught[1], subject=school.english, score="40")

    home = as_teacher.get("/teacher/")
    page = as_teacher.get("/teacher/marks/")

    maths = next(a for card in home.context["cards"] for a in card["assignments"] if a.subject_id == school.maths.id)
    assert [(row["marked"], row["total"]) for row in maths.progress] == [(1, 2)]
    rows = {(row["assignment"].subject.code, row["assignment"].stream_id): row for row in page.context["rows"]}
    assert (rows[("MATH", school.taught.id)]["marked"], rows[("MATH", school.taught.id)]["total"]) == (1, 2)
    assert set(rows) == {("MATH", school.taught.id), ("ENG", school.led.id)}
    assert "1/2 marked" in page.content.decode()
    grid = reverse("results:marks-grid", kwargs={"assessment_id": school.assessment.id, "stream_id": school.taught.id,
                                                 "subject_id": school.maths.id})
    assert f'href="{grid}"' in page.content.decode() and f'href="{grid}"' in home.content.decode()
    results_page = reverse("results:stream-results", kwargs={"term_id": school.term.id, "stream_id": school.taught.id})
    assert f'href="{results_page}"' in home.content.decode()


def test_an_absent_mark_counts_as_marked(as_teacher, school):
    for student in school.taught.students.all():
        mark(assessment=school.assessment, student=student, subject=school.maths, is_absent=True)

    page = as_teacher.get("/teacher/marks/")

    row = next(row for row in page.context["rows"] if row["assignment"].stream_id == school.taught.id)
    assert row["complete"] and row["marked"] == row["total"] == 2


def test_marks_page_without_assessments_says_so(as_teacher, school):
    school.assessment.delete()

    page = as_teacher.get("/teacher/marks/")

    assert page.context["rows"] == []
    assert 'data-testid="nothing-to-mark"' in page.content.decode()


def test_students_lists_hers_only_with_search_and_stream_filter(as_teacher, school):
    outsider = StudentFactory(stream=school.other, first_name="Outsider")
    target = StudentFactory(stream=school.taught, first_name="Zuhura", last_name="Mwita")

    everyone = as_teacher.get("/teacher/students/")
    found = as_teacher.get("/teacher/students/", {"q": "zuhu"})
    by_stream = as_teacher.get("/teacher/students/", {"stream": school.taught.id})
    not_hers = as_teacher.get("/teacher/students/", {"stream": school.other.id})

    ids = {s.pk for s in everyone.context["page"]}
    assert target.pk in ids and outsider.pk not in ids
    assert ids == set(Student.objects.filter(stream__in=[school.led, school.taught]).values_list("pk", flat=True))
    assert [s.pk for s in found.context["page"]] == [target.pk]
    assert {s.stream_id for s in by_stream.context["page"]} == {school.taught.id}
    # a stream that is not hers is not a choice: the filter is ignored, still only her students
    assert outsider.pk not in {s.pk for s in not_hers.context["page"]}


def test_students_search_answers_the_table_fragment_for_htmx(as_teacher, school):
    response = as_teacher.get("/teacher/students/", {"q": "x"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="student-table")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="student-table">')
    assert "<html" not in html


def test_student_detail_class_teacher_sees_medical_notes_and_guardian_phones(as_teacher, school):
    child = school.children[0]  # in the stream she leads
    child.medical_notes = "Asthma: inhaler in bag"
    child.save()

    response = as_teacher.get(f"/teacher/students/{child.pk}/")

    html = response.content.decode()
    assert response.status_code == 200 and response.context["class_teacher"]
    assert "Asthma: inhaler in bag" in html
    assert school.parent.guardian.phone in html


def test_student_detail_subject_teacher_does_not_see_medical_notes_nor_phones(client, school_a, school):
    student = school.taught.students.first()
    student.medical_notes = "Epilepsy"
    student.save()
    link = student.guardian_links.first() or None
    console_login(client, school_a, school.teacher)

    response = client.get(f"/teacher/students/{student.pk}/")

    html = response.content.decode()
    assert response.status_code == 200 and not response.context["class_teacher"]
    assert "Epilepsy" not in html and 'data-testid="medical-notes"' not in html
    assert 'data-testid="guardians"' not in html
    assert link is None or link.guardian.phone not in html


def test_student_detail_shows_attendance_summary_and_current_results(as_teacher, school):
    child = school.children[0]
    register(stream=school.led, term=school.term, marks={child: "absent"})
    results(term=school.term, student=child, grades={school.english: ("72", "B")})

    response = as_teacher.get(f"/teacher/students/{child.pk}/")

    assert response.context["attendance"]["absent"] == 1
    assert response.context["result"].division == "II"
    assert "English" in response.content.decode()


def test_student_of_a_stream_she_does_not_teach_is_not_found(as_teacher, school):
    outsider = StudentFactory(stream=school.other)

    assert as_teacher.get(f"/teacher/students/{outsider.pk}/").status_code == 404
    assert as_teacher.get("/teacher/students/999999/").status_code == 404


def test_register_goes_straight_to_her_one_stream(as_teacher, school):
    response = as_teacher.get("/teacher/register/")

    if _url_exists("attendance:register-take", stream_id=school.led.id):
        assert response.status_code == 302
        assert response["Location"] == (reverse("attendance:register-take", kwargs={"stream_id": school.led.id})
                                        + f"?date={timezone.localdate().isoformat()}")
    else:
        assert response.status_code == 200 and len(response.context["rows"]) == 1


def test_register_lists_streams_when_she_leads_several(as_teacher, school):
    school.taught.class_teacher = school.teacher
    school.taught.save()
    register(stream=school.led, term=school.term)

    response = as_teacher.get("/teacher/register/")

    assert response.status_code == 200
    assert [(row["stream"].id, row["register"] is not None) for row in response.context["rows"]] == [
        (school.led.id, True), (school.taught.id, False)]


def test_register_for_a_teacher_who_leads_no_stream(client, school_a, school):
    with schema_context(school_a.schema_name):
        subject_only = UserFactory(role="teacher")
    console_login(client, school_a, subject_only)

    response = client.get("/teacher/register/")

    assert response.status_code == 200 and 'data-testid="no-registers"' in response.content.decode()


@pytest.mark.parametrize("name", ["teacher:home", "teacher:students", "teacher:marks", "teacher:register"])
def test_other_roles_are_refused(client, school_a, admin_a, name):
    with schema_context(school_a.schema_name):
        parent = UserFactory(role="parent")
    console_login(client, school_a, parent)
    assert client.get(reverse(name)).status_code == 403
    console_login(client, school_a, admin_a)
    assert client.get(reverse(name)).status_code == 403


def _grow(school, per_stream: int):
    for stream in (school.led, school.taught):
        for _ in range(per_stream):
            StudentFactory(stream=stream)
    for student in school.taught.students.all()[:per_stream]:
        mark(assessment=school.assessment, student=student, subject=school.maths, score="50")


@pytest.mark.parametrize("path", ["/teacher/", "/teacher/students/", "/teacher/marks/", "/teacher/register/"])
def test_pages_take_the_same_queries_for_10_or_40_students(client, school_a, django_assert_max_num_queries, path):
    with schema_context(school_a.schema_name):
        small, large = portal_school(led_size=5, taught_size=5), None
    console_login(client, school_a, small.teacher)
    client.get(path)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ten:
        client.get(path)
    with schema_context(school_a.schema_name):
        _grow(small, 15)  # 40 students now
        large = Student.objects.filter(stream__in=[small.led, small.taught]).count()
    assert large >= 40
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = client.get(path)
    assert response.status_code in (200, 302)


def test_another_schools_teacher_with_the_same_id_sees_nothing_of_school_a(client, school_a, school_b, school):
    with schema_context(school_a.schema_name):
        student_id, stream_id = school.children[0].pk, school.led.id
    with schema_context(school_b.schema_name):
        teacher_b = UserFactory(role="teacher")
    console_login(client, school_b, teacher_b)

    home = client.get("/teacher/")
    students = client.get("/teacher/students/", {"stream": stream_id})

    assert home.status_code == 200 and home.context["cards"] == []
    assert list(students.context["page"]) == []
    assert client.get(f"/teacher/students/{student_id}/").status_code == 404
