"""Results pages: the term overview, stream/class/student tables, recompute, publish and unpublish."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.results.computation import term_results_compute
from apps.results.models import TermResult
from tests.academics.factories import (
    SchoolClassFactory, StreamFactory, SubjectFactory, TeachingAssignmentFactory, TermFactory,
)
from tests.conftest import console_login
from tests.results.factories_grading import stream_with_marks


@pytest.fixture
def world(in_school_a):
    term = TermFactory()
    form1 = SchoolClassFactory(level=1)
    a, b = StreamFactory(school_class=form1, name="A"), StreamFactory(school_class=form1, name="B")
    subjects = [SubjectFactory(code=f"V{i}") for i in range(8)]
    stream_with_marks(term=term, stream=a, subjects=subjects, students=5)
    stream_with_marks(term=term, stream=b, subjects=subjects, students=4, base=50)
    return {"term": term, "form1": form1, "a": a, "b": b, "subjects": subjects}


def test_admin_sees_the_overview_and_a_stream_with_its_chart(client, school_a, admin_a, world):
    term_results_compute(term=world["term"])
    console_login(client, school_a, admin_a)
    page = client.get(reverse("results:result-list") + f"?term={world['term'].pk}")
    assert page.status_code == 200
    assert "Form 1A" in page.content.decode() and "Publish results" in page.content.decode()
    page = client.get(reverse("results:stream-results", args=[world["term"].pk, world["a"].pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="grade-chart"' in body and "grade-chart-data" in body
    assert body.count('href="/results/terms/') >= 5  # each student links to her term


def test_class_and_student_pages(client, school_a, admin_a, world):
    term_results_compute(term=world["term"])
    console_login(client, school_a, admin_a)
    page = client.get(reverse("results:class-results", args=[world["term"].pk, world["form1"].pk]))
    assert page.status_code == 200
    assert page.context["table"]["rows"].__len__() == 9
    student = TermResult.objects.filter(term=world["term"]).first().student
    page = client.get(reverse("results:student-results", args=[world["term"].pk, student.pk]))
    assert page.status_code == 200
    assert student.full_name in page.content.decode()


def test_stream_page_reads_a_fixed_number_of_queries(client, school_a, admin_a, world,
                                                     django_assert_max_num_queries):
    term = world["term"]
    small = StreamFactory(school_class=world["form1"], name="C")
    large = StreamFactory(school_class=world["form1"], name="D")
    stream_with_marks(term=term, stream=small, subjects=world["subjects"], students=30,
                      assessments=list(term.assessments.all()))
    stream_with_marks(term=term, stream=large, subjects=world["subjects"], students=60,
                      assessments=list(term.assessments.all()))
    term_results_compute(term=term)
    console_login(client, school_a, admin_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as thirty:
        assert client.get(reverse("results:stream-results", args=[term.pk, small.pk])).status_code == 200
    with django_assert_max_num_queries(len(thirty.captured_queries)):
        assert client.get(reverse("results:stream-results", args=[term.pk, large.pk])).status_code == 200


def test_a_teacher_sees_only_her_streams(client, school_a, teacher_a, world):
    term_results_compute(term=world["term"])
    TeachingAssignmentFactory(stream=world["a"], subject=world["subjects"][0], teacher=teacher_a)
    console_login(client, school_a, teacher_a)
    assert client.get(reverse("results:stream-results", args=[world["term"].pk, world["a"].pk])).status_code == 200
    assert client.get(reverse("results:stream-results", args=[world["term"].pk, world["b"].pk])).status_code == 404
    page = client.get(reverse("results:class-results", args=[world["term"].pk, world["form1"].pk]))
    assert {row["result"].stream_id for row in page.context["table"]["rows"]} == {world["a"].pk}
    overview = client.get(reverse("results:result-list") + f"?term={world['term'].pk}")
    assert [row["stream"].pk for row in overview.context["overview"]] == [world["a"].pk]
    assert "Publish results" not in overview.content.decode()
    assert client.post(reverse("results:result-publish", args=[world["term"].pk])).status_code == 403
    world["term"].refresh_from_db()
    assert not world["term"].is_published


def test_publish_then_unpublish_with_a_reason(client, school_a, admin_a, world):
    term = world["term"]
    console_login(client, school_a, admin_a)
    response = client.post(reverse("results:result-publish", args=[term.pk]))
    assert response.status_code == 302
    term.refresh_from_db()
    assert term.is_published and term.results_published_by == admin_a
    assert TermResult.objects.filter(term=term).count() == 9
    assert AuditEvent.objects.filter(action="results.published").exists()
    client.post(reverse("results:result-unpublish", args=[term.pk]), {"reason": " "})
    term.refresh_from_db()
    assert term.is_published  # no reason, no change
    client.post(reverse("results:result-unpublish", args=[term.pk]), {"reason": "A marking error in Form 1B"})
    term.refresh_from_db()
    assert not term.is_published
    event = AuditEvent.objects.get(action="results.unpublished")
    assert event.detail["reason"] == "A marking error in Form 1B"


def test_publish_refused_while_weights_are_not_100(client, school_a, admin_a, world):
    term = world["term"]
    term.assessments.update(weight=Decimal("60"))
    console_login(client, school_a, admin_a)
    response = client.post(reverse("results:result-publish", args=[term.pk]), follow=True)
    assert "total 60%" in response.content.decode()
    term.refresh_from_db()
    assert not term.is_published and not TermResult.objects.exists()


def test_recompute_now(client, school_a, admin_a, world):
    console_login(client, school_a, admin_a)
    response = client.post(reverse("results:result-recompute", args=[world["term"].pk]), follow=True)
    assert "computed for 9 students" in response.content.decode()


def test_another_schools_admin_cannot_reach_these_results(client, school_a, school_b, admin_b, world):
    term_results_compute(term=world["term"])
    term_id, stream_id = world["term"].pk, world["a"].pk
    console_login(client, school_b, admin_b)
    with schema_context(school_b.schema_name):
        assert client.get(reverse("results:stream-results", args=[term_id, stream_id])).status_code == 404
        assert not TermResult.objects.exists()
