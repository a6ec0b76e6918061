"""/api/v1/marks/ (scoped list, bulk upsert all-or-nothing) and /api/v1/mark-flags/ (admins: list,
accept, revert); another school's token sees none of it."""

from decimal import Decimal

import pytest

from apps.results.marks import mark_set
from apps.results.models import Mark, MarkChange, MarkFlag
from tests.academics.factories import StreamFactory, StudentFactory, SubjectFactory, TeachingAssignmentFactory
from tests.conftest import tokens_in
from tests.factories import UserFactory
from tests.results.marks_setup import make_world, publish


def api_as(api_client, school, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    api_client.defaults = {**getattr(api_client, "defaults", {}), "HTTP_HOST": school.primary_host}
    return api_client


@pytest.fixture
def world(in_school_a):
    return make_world()


def body(world, *values, subject="MATH"):
    return {"assessment": world.assessment.pk, "subject": subject,
            "marks": [{"student": s.pk, "value": v} for s, v in zip(world.students, values, strict=False)]}


def test_the_teacher_upserts_marks_by_subject_code(api_client, school_a, world):
    client = api_as(api_client, school_a, world.teacher)

    response = client.post("/api/v1/marks/", body(world, "67", "abs", 48.5), format="json")

    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert [row["value"] for row in data] == ["67", "ABS", "48.5"]
    assert data[0]["subject_code"] == "MATH" and data[0]["stream"] == world.stream.pk
    assert MarkChange.objects.count() == 3


def test_subject_by_id_and_unchanged_rows_write_nothing(api_client, school_a, world):
    client = api_as(api_client, school_a, world.teacher)
    client.post("/api/v1/marks/", body(world, "67"), format="json")

    response = client.post("/api/v1/marks/", body(world, "67.00", subject=str(world.subject.pk)), format="json")

    assert response.status_code == 200 and MarkChange.objects.count() == 1


def test_a_bad_row_saves_nothing_and_names_the_row(api_client, school_a, world):
    client = api_as(api_client, school_a, world.teacher)

    response = client.post("/api/v1/marks/", body(world, "67", "150", "x"), format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"] == "Some rows are not valid; nothing was saved."
    assert error["details"] == {"rows": {"1": "Enter a mark from 0 to 100, or ABS for absent."}}
    assert not Mark.objects.exists()


@pytest.mark.parametrize("payload, field", [
    ({"subject": "MATH", "marks": []}, "assessment"),
    ({"assessment": 0, "subject": "MATH", "marks": [{"student": 1, "value": "5"}]}, "assessment"),
    ({"assessment": None, "subject": "NOPE", "marks": [{"student": 1, "value": "5"}]}, "subject"),
])
def test_shape_errors_answer_the_envelope(api_client, school_a, world, payload, field):
    if payload.get("assessment") is None and "assessment" in payload:
        payload["assessment"] = world.assessment.pk
    response = api_as(api_client, school_a, world.teacher).post("/api/v1/marks/", payload, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["details"]


def test_locked_marks_are_refused_through_the_api(api_client, school_a, world, admin_a):
    publish(world.term, admin_a)
    response = api_as(api_client, school_a, world.teacher).post("/api/v1/marks/", body(world, "67"), format="json")
    assert response.status_code == 400 and "locked" in str(response.json()["error"]["details"])
    assert not Mark.objects.exists()


def test_another_teacher_is_refused_403_and_lists_nothing(api_client, school_a, world):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="60",
             actor=world.teacher)
    other = UserFactory(role="teacher")
    TeachingAssignmentFactory(stream=world.stream, subject=SubjectFactory(code="PHY"), teacher=other)
    client = api_as(api_client, school_a, other)

    assert client.post("/api/v1/marks/", body(world, "99"), format="json").status_code == 403
    assert client.get("/api/v1/marks/").json()["data"] == []
    assert Mark.objects.get().score == Decimal("60.00")


def test_list_filters_and_scope(api_client, school_a, world, admin_a):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="60",
             actor=world.teacher)
    elsewhere = StudentFactory(stream=StreamFactory(name="B"))
    mark_set(assessment=world.assessment, student=elsewhere, subject=world.subject, value="50", actor=admin_a)

    teacher = api_as(api_client, school_a, world.teacher).get("/api/v1/marks/", {"assessment": world.assessment.pk})
    assert [row["student"] for row in teacher.json()["data"]] == [world.student.pk]
    admin = api_as(api_client, school_a, admin_a)
    assert admin.get("/api/v1/marks/").json()["meta"]["count"] == 2
    assert admin.get("/api/v1/marks/", {"stream": world.stream.pk}).json()["meta"]["count"] == 1
    assert admin.get("/api/v1/marks/", {"stream": "x"}).status_code == 400


def test_flags_list_accept_and_revert(api_client, school_a, world, admin_a):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="40",
             actor=world.teacher)
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="90", actor=admin_a)
    mark_set(assessment=world.assessment, student=world.students[1], subject=world.subject, value="70",
             actor=admin_a)
    client = api_as(api_client, school_a, admin_a)

    listed = client.get("/api/v1/mark-flags/").json()
    assert listed["meta"]["count"] == 2
    first = next(row for row in listed["data"] if row["student"] == world.student.pk)
    assert (first["old_value"], first["new_value"], first["rule"]) == ("40", "90", "not_assigned")

    other = next(row for row in listed["data"] if row["student"] != world.student.pk)
    assert client.post(f"/api/v1/mark-flags/{other['id']}/accept/", {}, format="json").status_code == 400
    accepted = client.post(f"/api/v1/mark-flags/{other['id']}/accept/", {"note": "ok"}, format="json")
    assert accepted.json()["status"] == "accepted"

    reverted = client.post(f"/api/v1/mark-flags/{first['id']}/revert/", {}, format="json")
    assert reverted.status_code == 200 and reverted.json()["status"] == "reverted"
    assert Mark.objects.get(student=world.student).score == Decimal("40.00")
    assert client.get("/api/v1/mark-flags/").json()["meta"]["count"] == 0
    assert client.get("/api/v1/mark-flags/", {"status": "all"}).json()["meta"]["count"] == 2

    teacher = api_as(api_client, school_a, world.teacher)
    assert teacher.get("/api/v1/mark-flags/").status_code == 403
    assert teacher.post(f"/api/v1/mark-flags/{first['id']}/accept/", {"note": "x"}).status_code == 403


def test_another_school_sees_no_marks_or_flags(api_client, school_a, school_b, world, admin_a, admin_b):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="90", actor=admin_a)
    flag = MarkFlag.objects.get()
    client = api_as(api_client, school_b, admin_b)

    assert client.get("/api/v1/marks/").json()["data"] == []
    assert client.get("/api/v1/mark-flags/").json()["data"] == []
    assert client.post(f"/api/v1/mark-flags/{flag.pk}/accept/", {"note": "x"}).status_code == 404
    # a school A token on school B's host is refused outright
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school_a, admin_a)['access']}")
    assert api_client.get("/api/v1/marks/").status_code == 401
