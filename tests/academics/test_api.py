"""/api/v1/ students, guardians and structure: each role's scope, writes through the services with
errors in the envelope, bounded queries, and no other school's rows."""

import pytest
from django_tenants.utils import schema_context

from apps.academics.models import Guardian, Stream, Student, StudentGuardian, Subject, TeachingAssignment, Term
from tests.academics.factories import (
    AcademicYearFactory, StreamFactory, StudentFactory, StudentGuardianFactory, SubjectFactory,
    TeachingAssignmentFactory,
)
from tests.conftest import tokens_in
from tests.factories import UserFactory


def api_as(api_client, school, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    api_client.defaults = {**getattr(api_client, "defaults", {}), "HTTP_HOST": school.primary_host}
    return api_client


@pytest.fixture
def world(school_a):
    """Two streams; a teacher teaching in one; a parent of one student in the other."""
    with schema_context(school_a.schema_name):
        mine, other = StreamFactory(name="A"), StreamFactory(name="B")
        teacher = UserFactory(role="teacher")
        TeachingAssignmentFactory(stream=mine, teacher=teacher)
        in_mine = StudentFactory(stream=mine, first_name="Mwajuma", medical_notes="asthma")
        in_other = StudentFactory(stream=other, first_name="Baraka")
        link = StudentGuardianFactory(student=in_other)
        mine_guardian = StudentGuardianFactory(student=in_mine).guardian
        return {"mine": mine, "other": other, "teacher": teacher, "in_mine": in_mine, "in_other": in_other,
                "parent": link.guardian.user, "guardian_other": link.guardian, "guardian_mine": mine_guardian}


def names(response) -> set[str]:
    return {row["first_name"] for row in response.json()["data"]}


# --- scope by role ----------------------------------------------------------------------------------

def test_admin_sees_every_student_with_notes_in_the_envelope(api_client, school_a, admin_a, world):
    response = api_as(api_client, school_a, admin_a).get("/api/v1/students/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"} and body["meta"]["count"] == 2
    assert names(response) == {"Mwajuma", "Baraka"}
    row = next(row for row in body["data"] if row["first_name"] == "Mwajuma")
    assert row["medical_notes"] == "asthma" and row["stream_name"] == world["mine"].full_name


def test_teacher_reads_only_her_streams_students_without_notes(api_client, school_a, world):
    client = api_as(api_client, school_a, world["teacher"])

    response = client.get("/api/v1/students/")

    assert names(response) == {"Mwajuma"}
    assert "medical_notes" not in response.json()["data"][0]
    assert client.get(f"/api/v1/students/{world['in_other'].pk}/").status_code == 404
    assert client.patch(f"/api/v1/students/{world['in_mine'].pk}/", {"first_name": "X"}, format="json"
                        ).status_code == 403
    assert client.post("/api/v1/students/", {}, format="json").status_code == 403
    guardians = client.get("/api/v1/guardians/").json()["data"]
    assert [row["id"] for row in guardians] == [world["guardian_mine"].pk]
    assert client.get(f"/api/v1/guardians/{world['guardian_other'].pk}/").status_code == 404
    assert [row["id"] for row in client.get("/api/v1/streams/").json()["data"]] == [world["mine"].pk]
    assert client.post("/api/v1/subjects/", {"code": "X", "name": "X"}, format="json").status_code == 403


def test_parent_reads_only_his_children(api_client, school_a, world):
    client = api_as(api_client, school_a, world["parent"])

    assert names(client.get("/api/v1/students/")) == {"Baraka"}
    assert client.get(f"/api/v1/students/{world['in_mine'].pk}/").status_code == 404
    assert client.get(f"/api/v1/students/{world['in_other'].pk}/").status_code == 200
    assert client.get("/api/v1/guardians/").status_code == 403
    assert client.get("/api/v1/classes/").status_code == 403


@pytest.mark.parametrize("role", ["accountant", "staff", "student"])
@pytest.mark.parametrize("path", ["/api/v1/students/", "/api/v1/guardians/", "/api/v1/streams/", "/api/v1/terms/"])
def test_other_roles_are_refused(api_client, school_a, role, path):
    with schema_context(school_a.schema_name):
        person = UserFactory(role=role)

    response = api_as(api_client, school_a, person).get(path)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_filters(api_client, school_a, admin_a, world):
    client = api_as(api_client, school_a, admin_a)
    with schema_context(school_a.schema_name):
        Student.objects.filter(pk=world["in_other"].pk).update(status="left", stream=None)

    assert names(client.get(f"/api/v1/students/?stream={world['mine'].pk}")) == {"Mwajuma"}
    assert names(client.get(f"/api/v1/students/?class={world['mine'].school_class_id}&status=active")) == {"Mwajuma"}
    assert names(client.get("/api/v1/students/?status=left")) == {"Baraka"}
    assert names(client.get("/api/v1/students/?search=mwaj")) == {"Mwajuma"}
    bad = client.get("/api/v1/students/?stream=abc")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"


def test_lists_stay_within_their_queries(api_client, school_a, admin_a, world, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for _ in range(15):
            StudentGuardianFactory(student=StudentFactory(stream=world["mine"]))
    client = api_as(api_client, school_a, admin_a)

    with django_assert_max_num_queries(24):
        assert client.get("/api/v1/students/").json()["meta"]["count"] == 17
    with django_assert_max_num_queries(24):
        assert client.get("/api/v1/guardians/").json()["meta"]["count"] == 17
    with django_assert_max_num_queries(24):
        client.get("/api/v1/teaching-assignments/")


# --- writes -----------------------------------------------------------------------------------------

def test_admin_admits_a_student_and_numbers_follow_the_pattern(api_client, school_a, admin_a, world):
    client = api_as(api_client, school_a, admin_a)

    response = client.post("/api/v1/students/", {"first_name": "Asha", "last_name": "Mrisho", "sex": "F",
                                                 "stream": world["mine"].pk}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["admission_number"] and body["status"] == "active" and body["stream"] == world["mine"].pk
    duplicate = client.post("/api/v1/students/", {"first_name": "B", "last_name": "C", "sex": "M",
                                                  "stream": world["mine"].pk,
                                                  "admission_number": body["admission_number"].lower()}, format="json")
    assert duplicate.status_code == 400
    error = duplicate.json()["error"]
    assert error["code"] == "invalid" and "duplicate admission number" in error["details"]["admission_number"][0]


def test_create_validation_errors_come_in_the_envelope(api_client, school_a, admin_a):
    response = api_as(api_client, school_a, admin_a).post("/api/v1/students/", {"first_name": "A", "sex": "X"},
                                                          format="json")

    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert {"last_name", "sex", "stream"} <= set(details)
    with schema_context(school_a.schema_name):
        assert not Student.objects.exists()


def test_limit_reached_has_its_own_code(api_client, school_a, admin_a, world):
    school_a.limit_students = 2
    school_a.save(update_fields=["limit_students"])

    response = api_as(api_client, school_a, admin_a).post(
        "/api/v1/students/", {"first_name": "A", "last_name": "B", "sex": "F", "stream": world["mine"].pk},
        format="json")

    assert response.status_code == 400 and response.json()["error"]["code"] == "limit_reached"
    with schema_context(school_a.schema_name):
        assert Student.objects.count() == 2


def test_patch_and_status(api_client, school_a, admin_a, world):
    client = api_as(api_client, school_a, admin_a)
    pk = world["in_mine"].pk

    assert client.patch(f"/api/v1/students/{pk}/", {"first_name": "Mwajuma Ali"}, format="json").json()[
        "first_name"] == "Mwajuma Ali"
    moved = client.post(f"/api/v1/students/{pk}/status/", {"status": "transferred", "effective_on": "2026-04-01",
                                                           "reason": "moved"}, format="json")
    assert moved.status_code == 200 and moved.json()["stream"] is None
    refused = client.post(f"/api/v1/students/{pk}/status/", {"status": "active", "effective_on": "2026-05-01"},
                          format="json")
    assert refused.status_code == 400 and "stream" in refused.json()["error"]["details"]


def test_guardian_created_with_links_and_duplicate_phone_refused(api_client, school_a, admin_a, world):
    client = api_as(api_client, school_a, admin_a)

    response = client.post("/api/v1/guardians/", {
        "first_name": "Zawadi", "last_name": "Kimaro", "phone": "0765 432 100",
        "students": [{"student": world["in_mine"].pk, "relationship": "mother", "is_primary": True}]}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["phone"] == "+255765432100" and body["can_sign_in"] is False
    assert body["students"] == [{"student": world["in_mine"].pk, "student_name": world["in_mine"].full_name,
                                 "relationship": "mother", "is_primary": True}]
    again = client.post("/api/v1/guardians/", {"first_name": "A", "last_name": "B", "phone": "+255765432100"},
                        format="json")
    assert again.status_code == 400
    assert "a guardian with this phone already exists" in again.json()["error"]["details"]["phone"][0]
    guardian_id = body["id"]
    linked = client.post(f"/api/v1/guardians/{guardian_id}/students/", {"student": world["in_other"].pk,
                                                                       "relationship": "guardian"}, format="json")
    assert len(linked.json()["students"]) == 2
    assert client.delete(f"/api/v1/guardians/{guardian_id}/students/{world['in_other'].pk}/").status_code == 204
    with schema_context(school_a.schema_name):
        assert Guardian.objects.filter(phone="+255765432100").count() == 1
        assert StudentGuardian.objects.filter(guardian_id=guardian_id).count() == 1


def test_admin_links_a_guardian_to_the_staff_user_he_is(api_client, school_a, school_b, admin_a, admin_b, world):
    client = api_as(api_client, school_a, admin_a)
    guardian = world["guardian_mine"]
    with schema_context(school_a.schema_name):
        teacher = UserFactory(role="teacher")
        parent = UserFactory(role="parent")

    linked = client.patch(f"/api/v1/guardians/{guardian.pk}/", {"staff_member": teacher.pk}, format="json")
    refused = client.patch(f"/api/v1/guardians/{world['guardian_other'].pk}/", {"staff_member": teacher.pk},
                           format="json")
    not_staff = client.patch(f"/api/v1/guardians/{world['guardian_other'].pk}/", {"staff_member": parent.pk},
                             format="json")

    assert linked.status_code == 200 and linked.json()["staff_member"] == teacher.pk
    assert client.get(f"/api/v1/guardians/{guardian.pk}/").json()["staff_member"] == teacher.pk
    assert refused.status_code == 400 and "staff_member" in refused.json()["error"]["details"]
    assert not_staff.status_code == 400 and "staff_member" in not_staff.json()["error"]["details"]
    unlinked = client.patch(f"/api/v1/guardians/{guardian.pk}/", {"staff_member": None}, format="json")
    assert unlinked.status_code == 200 and unlinked.json()["staff_member"] is None
    other_school = api_as(api_client, school_b, admin_b).patch(
        f"/api/v1/guardians/{guardian.pk}/", {"staff_member": admin_b.pk}, format="json")
    assert other_school.status_code == 404
    with schema_context(school_a.schema_name):
        assert not Guardian.objects.filter(staff_member__isnull=False).exists()


def test_structure_writes(api_client, school_a, admin_a):
    client = api_as(api_client, school_a, admin_a)
    with schema_context(school_a.schema_name):
        teacher = UserFactory(role="teacher")

    year = client.post("/api/v1/academic-years/", {"name": "2040", "starts_on": "2040-01-09",
                                                   "ends_on": "2040-12-01"}, format="json").json()
    term = client.post("/api/v1/terms/", {"year": year["id"], "number": 1, "starts_on": "2040-01-09",
                                          "ends_on": "2040-04-01"}, format="json")
    assert term.status_code == 201 and term.json()["name"] == "Term 1"
    current = client.patch(f"/api/v1/terms/{term.json()['id']}/", {"is_current": True,
                                                                    "attendance_frozen_through": "2040-02-01"},
                           format="json")
    assert current.json()["is_current"] is True and current.json()["attendance_frozen_through"] == "2040-02-01"
    school_class = client.post("/api/v1/classes/", {"name": "Form 40", "level": 40}, format="json").json()
    clash = client.post("/api/v1/classes/", {"name": "Form 41", "level": 40}, format="json")
    assert clash.status_code == 400 and "level" in clash.json()["error"]["details"]
    stream = client.post("/api/v1/streams/", {"school_class": school_class["id"], "name": "A",
                                              "class_teacher": teacher.pk}, format="json").json()
    subject = client.post("/api/v1/subjects/", {"code": "geo", "name": "Geography"}, format="json").json()
    assert subject["code"] == "GEO"
    assignment = client.post("/api/v1/teaching-assignments/", {"stream": stream["id"], "subject": subject["id"],
                                                               "teacher": teacher.pk}, format="json")
    assert assignment.status_code == 201 and assignment.json()["teacher_name"] == teacher.display_name
    refused = client.post("/api/v1/teaching-assignments/", {"stream": stream["id"], "subject": subject["id"],
                                                            "teacher": admin_a.pk}, format="json")
    assert refused.status_code == 400
    assert client.delete(f"/api/v1/teaching-assignments/{assignment.json()['id']}/").status_code == 204
    with schema_context(school_a.schema_name):
        assert Term.objects.get(pk=term.json()["id"]).is_current
        assert Stream.objects.get(pk=stream["id"]).class_teacher == teacher
        assert Subject.objects.filter(code="GEO").exists()
        assert not TeachingAssignment.objects.filter(stream_id=stream["id"]).exists()


def test_teacher_reads_years_terms_and_her_assignments(api_client, school_a, world):
    with schema_context(school_a.schema_name):
        AcademicYearFactory()
        TeachingAssignmentFactory(stream=world["other"], subject=SubjectFactory())
    client = api_as(api_client, school_a, world["teacher"])

    assert client.get("/api/v1/academic-years/").json()["meta"]["count"] >= 1
    rows = client.get("/api/v1/teaching-assignments/").json()["data"]
    assert {row["stream"] for row in rows} == {world["mine"].pk}
    assert client.patch(f"/api/v1/streams/{world['mine'].pk}/", {"name": "Z"}, format="json").status_code == 403


# --- isolation --------------------------------------------------------------------------------------

def test_another_school_sees_none_of_these(api_client, school_a, school_b, admin_b, world):
    client = api_as(api_client, school_b, admin_b)

    assert world["in_mine"].first_name not in names(client.get("/api/v1/students/"))
    assert client.get(f"/api/v1/students/{world['in_mine'].pk}/").status_code == 404
    assert client.get(f"/api/v1/guardians/{world['guardian_mine'].pk}/").status_code == 404
    assert client.patch(f"/api/v1/students/{world['in_mine'].pk}/", {"first_name": "X"},
                        format="json").status_code == 404


def test_another_schools_token_is_refused_here(api_client, school_a, school_b, admin_b, world):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school_b, admin_b)['access']}")

    response = api_client.get("/api/v1/students/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 401



def test_admin_invites_a_guardian_with_an_email(api_client, school_a, admin_a, mailoutbox,
                                                django_capture_on_commit_callbacks):
    client = api_as(api_client, school_a, admin_a)
    by_phone = client.post("/api/v1/guardians/", {"first_name": "A", "last_name": "B", "phone": "0711 222 333"},
                           format="json").json()
    by_email = client.post("/api/v1/guardians/", {"first_name": "C", "last_name": "D", "email": "mama@example.test"},
                           format="json").json()

    refused = client.post(f"/api/v1/guardians/{by_phone['id']}/invite/")
    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(f"/api/v1/guardians/{by_email['id']}/invite/")

    assert refused.status_code == 400 and "email" in refused.json()["error"]["details"]
    assert invited.status_code == 200
    assert [message.to for message in mailoutbox] == [["mama@example.test"]]
