"""Role-aware dashboard widgets: the school admin's day (students by class, registers taken, mark
flags, publication) and the teacher's (classes, registers due, marking); another school sees its own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.results.models import Mark, MarkChange, MarkFlag
from tests.academics.factories import SchoolClassFactory, StreamFactory, StudentFactory
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.portals.factories import mark, portal_school, publish, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(in_school_a):
    return portal_school()


def _flag(mark_row: Mark, status="open"):
    change = MarkChange.objects.create(mark=mark_row, assessment_id_at=mark_row.assessment_id,
                                       student_id_at=mark_row.student_id, subject_id_at=mark_row.subject_id,
                                       created_at=timezone.now(), new_score=mark_row.score,
                                       prev_hash="0" * 64, hash=f"{mark_row.pk:064d}")
    return MarkFlag.objects.create(change=change, rule=MarkFlag.Rule.JUMP, status=status)


def test_school_admin_sees_students_by_class_registers_flags_and_publication(client, school_a, admin_a, school):
    register(stream=school.led, term=school.term)
    _flag(mark(assessment=school.assessment, student=school.children[0], subject=school.english, score="90"))
    console_login(client, school_a, admin_a)

    response = client.get("/dashboard/")

    widgets = response.context["admin"]
    html = response.content.decode()
    assert dict(widgets["students_by_class"]) == {"Form 1": 3 + 2 + 2, "Form 2": 1}  # rolls + children, stranger
    assert (widgets["registers"]["taken"], widgets["registers"]["total"]) == (1, 3)
    assert {s.id for s in widgets["registers"]["missing"]} == {school.taught.id, school.other.id}
    assert widgets["open_flags"] == 1
    assert "Not published yet" in html and 'id="students-by-class-data"' in html
    publish(school.term)
    assert "Published" in client.get("/dashboard/").content.decode()


def test_school_admin_dashboard_queries_do_not_grow_with_the_school(client, school_a, admin_a, school,
                                                                   django_assert_max_num_queries):
    console_login(client, school_a, admin_a)
    client.get("/dashboard/")
    with CaptureQueriesContext(connection) as small:
        client.get("/dashboard/")
    for level in (3, 4, 5):
        for name in ("A", "B"):
            stream = StreamFactory(school_class=SchoolClassFactory(level=level), name=name)
            for _ in range(5):
                StudentFactory(stream=stream)

    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/dashboard/")


def test_teacher_sees_her_classes_registers_due_and_marking(client, school_a, school):
    student = school.taught.students.first()
    mark(assessment=school.assessment, student=student, subject=school.maths, score="61")
    console_login(client, school_a, school.teacher)

    response = client.get("/dashboard/")

    widgets = response.context["teacher"]
    assert widgets["classes"] == 2
    assert [s.id for s in widgets["registers_due"]] == [school.led.id]
    assert widgets["marked"] == 1
    assert widgets["to_mark"] == school.led.students.count() + school.taught.students.count()
    assert "admin" not in response.context
    register(stream=school.led, term=school.term)
    assert client.get("/dashboard/").context["teacher"]["registers_due"] == []


def test_other_roles_keep_the_plain_dashboard(client, school_a, school):
    console_login(client, school_a, school.parent)

    response = client.get("/dashboard/")

    assert response.status_code == 200
    assert "admin" not in response.context and "teacher" not in response.context
    assert 'data-testid="parent-portal"' in response.content.decode()


def test_another_schools_admin_sees_its_own_figures(client, school_b, admin_b, school):
    console_login(client, school_b, admin_b)

    widgets = client.get("/dashboard/").context["admin"]

    assert widgets["students_by_class"] == [] and widgets["students_total"] == 0
    assert widgets["registers"]["total"] == 0 and widgets["open_flags"] == 0


def test_another_schools_teacher_sees_no_classes(client, school_b, school):
    with schema_context(school_b.schema_name):
        teacher_b = UserFactory(role="teacher")
    console_login(client, school_b, teacher_b)

    widgets = client.get("/dashboard/").context["teacher"]

    assert widgets["classes"] == 0 and widgets["registers_due"] == []
