"""The attendance API: save a whole register (same rules as the console, errors in the envelope), list,
summary, a student's marks for parents, and scope (teachers theirs, others 403, school B nothing)."""

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.attendance.models import AttendanceMark, Register
from apps.attendance.services import register_save
from apps.communication.models import OutboxMessage
from tests.attendance.factories import DAY, attendance_cast
from tests.conftest import tokens_in
from tests.factories import UserFactory


@pytest.fixture
def cast(school_a):
    with schema_context(school_a.schema_name):
        return attendance_cast()


def _call(api_client, school, user, method, url, data=None):
    token = tokens_in(school, user)["access"]
    return getattr(api_client, method)(url, data, format="json", HTTP_HOST=school.primary_host,
                                       HTTP_AUTHORIZATION=f"Bearer {token}")


def _payload(cast, status="present", **changes):
    payload = {"stream": cast.stream.pk, "date": DAY.isoformat(), "period": None,
               "marks": [{"student": s.pk, "status": status, "note": ""} for s in cast.students]}
    payload.update(changes)
    return payload


def test_teacher_saves_a_register(api_client, school_a, cast):
    payload = _payload(cast)
    payload["marks"][0].update(status="absent", note="no word")
    response = _call(api_client, school_a, cast.class_teacher, "post", reverse("api:attendance-register-list"),
                     payload)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["counts"] == {"present": 3, "absent": 1, "late": 0, "excused": 0}
    assert {mark["student"] for mark in body["marks"]} == {s.pk for s in cast.students}
    with schema_context(school_a.schema_name):
        assert OutboxMessage.objects.count() == 1
        assert AttendanceMark.objects.get(student=cast.students[0]).note == "no word"

    listing = _call(api_client, school_a, cast.class_teacher, "get",
                    reverse("api:attendance-register-list") + f"?stream={cast.stream.pk}&date={DAY.isoformat()}")
    assert listing.status_code == 200 and listing.json()["meta"]["count"] == 1
    detail = _call(api_client, school_a, cast.class_teacher, "get",
                   reverse("api:attendance-register-detail", args=[body["id"]]))
    assert detail.status_code == 200 and len(detail.json()["marks"]) == 4
    # another teacher neither lists nor reads it
    other = _call(api_client, school_a, cast.other_teacher, "get", reverse("api:attendance-register-list"))
    assert other.json()["meta"]["count"] == 0
    assert _call(api_client, school_a, cast.other_teacher, "get",
                 reverse("api:attendance-register-detail", args=[body["id"]])).status_code == 404


def test_a_wrong_student_is_named_in_the_envelope_and_nothing_is_saved(api_client, school_a, cast):
    with schema_context(school_a.schema_name):
        from tests.academics.factories import StudentFactory

        stranger = StudentFactory(stream=cast.other_stream, first_name="Zuhura", last_name="Ali")
    payload = _payload(cast)
    payload["marks"].append({"student": stranger.pk, "status": "absent"})
    response = _call(api_client, school_a, cast.class_teacher, "post", reverse("api:attendance-register-list"),
                     payload)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and f"student-{stranger.pk}" in error["details"]
    assert "Zuhura Ali" in str(error["details"])
    with schema_context(school_a.schema_name):
        assert Register.objects.count() == 0 and OutboxMessage.objects.count() == 0


def test_bad_shapes_are_refused(api_client, school_a, cast):
    url = reverse("api:attendance-register-list")
    assert _call(api_client, school_a, cast.class_teacher, "post", url, _payload(cast, status="asleep")
                 ).status_code == 400
    assert _call(api_client, school_a, cast.class_teacher, "post", url, _payload(cast, marks=[])).status_code == 400
    twice = _payload(cast)
    twice["marks"].append(twice["marks"][0])
    assert _call(api_client, school_a, cast.class_teacher, "post", url, twice).status_code == 400
    assert _call(api_client, school_a, cast.class_teacher, "post", url, _payload(cast, date="2025-12-25")
                 ).status_code == 400


def test_teacher_cannot_save_another_stream(api_client, school_a, cast):
    response = _call(api_client, school_a, cast.other_teacher, "post", reverse("api:attendance-register-list"),
                     _payload(cast))
    assert response.status_code == 404
    with schema_context(school_a.schema_name):
        assert Register.objects.count() == 0


def test_summary(api_client, school_a, cast, admin_a):
    with schema_context(school_a.schema_name):
        register_save(stream=cast.stream, date=DAY, actor=cast.class_teacher,
                      marks={s.pk: ("absent" if i == 0 else "present") for i, s in enumerate(cast.students)})
    response = _call(api_client, school_a, admin_a, "get",
                     reverse("api:attendance-summary") + f"?term={cast.term.pk}&stream={cast.stream.pk}")
    assert response.status_code == 200
    assert response.json()["streams"] == [{"stream": cast.stream.pk, "stream_name": "Form 2A", "present": 3,
                                           "absent": 1, "late": 0, "excused": 0, "days": 4, "rate": 75.0}]
    assert _call(api_client, school_a, cast.other_teacher, "get",
                 reverse("api:attendance-summary") + f"?stream={cast.stream.pk}").status_code == 404


def test_parent_reads_only_her_childs_marks(api_client, school_a, cast):
    with schema_context(school_a.schema_name):
        register_save(stream=cast.stream, date=DAY, actor=cast.class_teacher,
                      marks={s.pk: "absent" for s in cast.students})
        parent = cast.guardians[0].user
    child, other_child = cast.students[0], cast.students[1]
    url = reverse("api:attendance-student", args=[child.pk]) + f"?term={cast.term.pk}"
    response = _call(api_client, school_a, parent, "get", url)
    assert response.status_code == 200
    assert response.json()["summary"]["absent"] == 1 and response.json()["marks"][0]["status"] == "absent"
    assert _call(api_client, school_a, parent, "get",
                 reverse("api:attendance-student", args=[other_child.pk])).status_code == 404
    # parents do not list or save registers
    assert _call(api_client, school_a, parent, "get", reverse("api:attendance-register-list")).status_code == 403
    assert _call(api_client, school_a, parent, "post", reverse("api:attendance-register-list"),
                 _payload(cast)).status_code == 403


def test_other_roles_are_refused(api_client, school_a, cast):
    with schema_context(school_a.schema_name):
        accountant = UserFactory(role="accountant")
    for name in ("api:attendance-register-list", "api:attendance-summary"):
        assert _call(api_client, school_a, accountant, "get", reverse(name)).status_code == 403
    assert _call(api_client, school_a, accountant, "get",
                 reverse("api:attendance-student", args=[cast.students[0].pk])).status_code == 403


def test_another_school_sees_nothing(api_client, school_a, school_b, cast, admin_b):
    with schema_context(school_a.schema_name):
        register = register_save(stream=cast.stream, date=DAY, actor=cast.class_teacher,
                                 marks={s.pk: "present" for s in cast.students})
    assert _call(api_client, school_b, admin_b, "get", reverse("api:attendance-register-list")).json()["meta"]["count"] == 0
    assert _call(api_client, school_b, admin_b, "get",
                 reverse("api:attendance-register-detail", args=[register.pk])).status_code == 404
    # a school A token is not valid on school B's host
    token = tokens_in(school_a, cast.class_teacher)["access"]
    response = api_client.get(reverse("api:attendance-register-list"), HTTP_HOST=school_b.primary_host,
                              HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_the_attendance_index_links_its_resources(api_client, school_a, school_b, admin_a):
    from tests.conftest import tokens_in

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school_a, admin_a)['access']}")

    body = api_client.get("/api/v1/attendance/", HTTP_HOST=school_a.primary_host).json()

    assert body["registers"].endswith("/api/v1/attendance/registers/")
    assert body["student"].endswith("/api/v1/attendance/students/{id}/")
    # the same token means nothing on another school's host
    assert api_client.get("/api/v1/attendance/", HTTP_HOST=school_b.primary_host).status_code == 401
