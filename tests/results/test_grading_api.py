"""The grading-schemes, evaluate, assessments and results API."""

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from apps.academics.models import Term
from apps.results.computation import term_results_compute
from apps.results.models import Assessment
from tests.academics.factories import (
    SchoolClassFactory, StreamFactory, StudentGuardianFactory, SubjectFactory, TeachingAssignmentFactory,
    TermFactory,
)
from tests.conftest import tokens_in
from tests.factories import UserFactory
from tests.results.factories_grading import AssessmentFactory, stream_with_marks


def bearer(api_client, school, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    api_client.defaults["HTTP_HOST"] = school.primary_host
    return api_client


def test_list_and_detail_of_schemes(api_client, school_a, teacher_a):
    client = bearer(api_client, school_a, teacher_a)
    body = client.get("/api/v1/grading-schemes/").json()
    codes = [row["code"] for row in body["results"]] if "results" in body else [row["code"] for row in body["data"]]
    assert {"necta-csee", "necta-acsee", "necta-ftna", "percentage-gpa"} <= set(codes)
    detail = client.get("/api/v1/grading-schemes/necta-acsee/").json()
    assert detail["division_subjects"] == 3 and len(detail["bands"]) == 7
    assert client.get("/api/v1/grading-schemes/nope/").status_code == 404


def test_evaluate_answers_grades_points_and_division(api_client, school_a, admin_a):
    client = bearer(api_client, school_a, admin_a)
    response = client.post("/api/v1/grading-schemes/necta-acsee/evaluate/",
                           {"marks": {"PHY": 81, "CHEM": 69.5, "MATH": 35, "GS": 90},
                            "principal": ["PHY", "CHEM", "MATH"]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["division"] == "II" and Decimal(body["total_points"]) == 10
    grades = {s["code"]: (s["grade"], s["counted"]) for s in body["subjects"]}
    assert grades == {"PHY": ("A", True), "CHEM": ("C", True), "MATH": ("S", True), "GS": ("A", False)}
    csee = client.post("/api/v1/grading-schemes/necta-csee/evaluate/",
                       {"marks": {"MATH": 74.5, "ENG": 75}}, format="json").json()
    assert [s["grade"] for s in csee["subjects"]] == ["B", "A"]
    assert csee["division"] == "INC" and "7 subjects" in csee["note"]


@pytest.mark.parametrize("payload, status, text", [
    ({"marks": {"MATH": 101}}, 400, "MATH"),
    ({"marks": {"MATH": "x"}}, 400, "MATH"),
    ({"marks": {}}, 400, "marks"),
    ({"marks": {"PHY": 50}, "principal": ["CHEM"]}, 400, "CHEM"),
])
def test_evaluate_refuses_bad_input_in_the_envelope(api_client, school_a, admin_a, payload, status, text):
    client = bearer(api_client, school_a, admin_a)
    response = client.post("/api/v1/grading-schemes/necta-csee/evaluate/", payload, format="json")
    assert response.status_code == status
    assert text in response.json()["error"]["message"] or text in str(response.json()["error"]["details"])


def test_evaluate_unknown_scheme_is_404(api_client, school_a, admin_a):
    client = bearer(api_client, school_a, admin_a)
    response = client.post("/api/v1/grading-schemes/nope/evaluate/", {"marks": {"MATH": 50}}, format="json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_parents_may_not_evaluate(api_client, school_a):
    with schema_context(school_a.schema_name):
        parent = UserFactory(role="parent")
    client = bearer(api_client, school_a, parent)
    assert client.post("/api/v1/grading-schemes/necta-csee/evaluate/", {"marks": {"M": 1}},
                       format="json").status_code == 403


def test_assessments_admin_writes_teacher_reads(api_client, school_a, admin_a, teacher_a):
    with schema_context(school_a.schema_name):
        term = TermFactory()
    client = bearer(api_client, school_a, admin_a)
    created = client.post("/api/v1/assessments/", {"term": term.pk, "name": "CA", "kind": "continuous",
                                                   "weight": 30, "max_mark": 50}, format="json")
    assert created.status_code == 201, created.json()
    too_much = client.post("/api/v1/assessments/", {"term": term.pk, "name": "Exam", "weight": 80}, format="json")
    assert too_much.status_code == 400 and "110" in too_much.json()["error"]["message"]
    changed = client.patch(f"/api/v1/assessments/{created.json()['id']}/", {"weight": 40}, format="json")
    assert changed.status_code == 200 and Decimal(changed.json()["weight"]) == 40
    teacher = bearer(api_client, school_a, teacher_a)
    assert teacher.get(f"/api/v1/assessments/?term={term.pk}").status_code == 200
    assert teacher.post("/api/v1/assessments/", {"term": term.pk, "name": "X", "weight": 10},
                        format="json").status_code == 403
    with schema_context(school_a.schema_name):
        assert Assessment.objects.filter(term=term).count() == 1


@pytest.fixture
def results(in_school_a):
    term = TermFactory()
    form = SchoolClassFactory(level=3)
    a, b = StreamFactory(school_class=form, name="A"), StreamFactory(school_class=form, name="B")
    subjects = [SubjectFactory(code=f"R{i}") for i in range(3)]
    AssessmentFactory(term=term, name="Final", weight=Decimal("100"))
    in_a = stream_with_marks(term=term, stream=a, subjects=subjects, students=3)
    in_b = stream_with_marks(term=term, stream=b, subjects=subjects, students=2)
    term_results_compute(term=term)
    return {"term": term, "a": a, "b": b, "in_a": in_a, "in_b": in_b, "subjects": subjects}


def _rows(response):
    body = response.json()
    return body.get("results", body.get("data"))


def test_results_scoped_by_role(api_client, school_a, admin_a, teacher_a, results):
    TeachingAssignmentFactory(stream=results["a"], subject=results["subjects"][0], teacher=teacher_a)
    guardian_link = StudentGuardianFactory(student=results["in_b"][0])
    term = results["term"]
    admin = bearer(api_client, school_a, admin_a)
    rows = _rows(admin.get(f"/api/v1/results/?term={term.pk}"))
    assert len(rows) == 5 and len(rows[0]["subjects"]) == 3
    assert len(_rows(admin.get(f"/api/v1/results/?term={term.pk}&stream={results['b'].pk}"))) == 2
    teacher = bearer(api_client, school_a, teacher_a)
    assert {r["stream"] for r in _rows(teacher.get("/api/v1/results/"))} == {"Form 3A"}
    parent = bearer(api_client, school_a, guardian_link.guardian.user)
    assert _rows(parent.get("/api/v1/results/")) == []  # a draft
    Term.objects.filter(pk=term.pk).update(results_published_at="2026-06-10T09:00:00Z")
    mine = _rows(parent.get("/api/v1/results/"))
    assert [r["student"]["id"] for r in mine] == [results["in_b"][0].pk]


def test_results_list_reads_a_fixed_number_of_queries(api_client, school_a, admin_a, results,
                                                      django_assert_max_num_queries):
    client = bearer(api_client, school_a, admin_a)
    with django_assert_max_num_queries(40):
        assert len(_rows(client.get("/api/v1/results/"))) == 5


def test_another_school_sees_no_results(api_client, school_b, admin_b, results):
    client = bearer(api_client, school_b, admin_b)
    assert _rows(client.get("/api/v1/results/")) == []
    assert _rows(client.get("/api/v1/assessments/")) == []


def test_assessment_detail_permissions(api_client, school_a, admin_a, teacher_a):
    with schema_context(school_a.schema_name):
        assessment = AssessmentFactory(term=TermFactory(), name="Exam", weight=Decimal("100"))
        parent = UserFactory(role="parent")
    url = f"/api/v1/assessments/{assessment.pk}/"
    assert bearer(api_client, school_a, teacher_a).get(url).status_code == 200
    assert bearer(api_client, school_a, teacher_a).patch(url, {"weight": 50}, format="json").status_code == 403
    assert bearer(api_client, school_a, teacher_a).delete(url).status_code == 403
    assert bearer(api_client, school_a, parent).get(url).status_code == 403
    api_client.credentials()
    assert api_client.get(url).status_code == 401
    assert bearer(api_client, school_a, admin_a).delete(url).status_code == 204
