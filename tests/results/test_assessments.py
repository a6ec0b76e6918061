"""Assessments of a term: create, update, delete (refused with marks), weights never above 100, and the
console page with its HTMX panel."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.results.computation import weights_check
from apps.results.models import Assessment
from apps.results.services import assessment_create, assessment_delete, assessment_update
from tests.academics.factories import StudentFactory, SubjectFactory, TermFactory
from tests.conftest import console_login
from tests.results.factories_grading import mark

D = Decimal


@pytest.fixture
def term(in_school_a):
    return TermFactory()


def test_create_update_and_weights(term, admin_a):
    ca = assessment_create(term=term, name="CA", kind="continuous", weight="30", max_mark="50", actor=admin_a)
    with pytest.raises(ValidationError, match="total 100"):
        weights_check(term=term)
    with pytest.raises(ValidationError) as error:
        assessment_create(term=term, name="Exam", weight="80", actor=admin_a)
    assert "would total 110%" in str(error.value)
    exam = assessment_create(term=term, name="Exam", weight="70", actor=admin_a)
    weights_check(term=term)
    assert [a.order for a in (ca, exam)] == [1, 2]
    assessment_update(assessment=ca, name="Continuous assessment", kind="continuous", weight="30", max_mark="40",
                      actor=admin_a)
    ca.refresh_from_db()
    assert (ca.name, ca.max_mark) == ("Continuous assessment", D("40"))
    assert AuditEvent.objects.filter(action__startswith="results.assessment_").count() == 3


@pytest.mark.parametrize("values, field", [
    ({"name": "", "weight": "10"}, "name"),
    ({"name": "X", "weight": "0"}, "weight"),
    ({"name": "X", "weight": "abc"}, "weight"),
    ({"name": "X", "weight": "10", "max_mark": "0"}, "max_mark"),
    ({"name": "X", "weight": "10", "kind": "quiz"}, "kind"),
])
def test_bad_input_is_refused_and_nothing_written(term, admin_a, values, field):
    with pytest.raises(ValidationError) as error:
        assessment_create(term=term, actor=admin_a, **values)
    assert field in error.value.message_dict
    assert not Assessment.objects.exists()


def test_names_are_unique_in_a_term(term, admin_a):
    assessment_create(term=term, name="Exam", weight="50", actor=admin_a)
    with pytest.raises(ValidationError, match="already has an assessment called exam"):
        assessment_create(term=term, name="exam", weight="10", actor=admin_a)


def test_delete_refused_when_marks_exist_and_max_not_below_a_mark(term, admin_a):
    exam = assessment_create(term=term, name="Exam", weight="100", actor=admin_a)
    mark(exam, StudentFactory(), SubjectFactory(), 88)
    with pytest.raises(ValidationError, match="1 marks entered"):
        assessment_delete(assessment=exam, actor=admin_a)
    with pytest.raises(ValidationError, match="88 is already entered"):
        assessment_update(assessment=exam, name="Exam", kind="exam", weight="100", max_mark="50", actor=admin_a)
    empty = TermFactory(number=2, is_current=False)
    spare = assessment_create(term=empty, name="Quiz", weight="10", actor=admin_a)
    assessment_delete(assessment=spare, actor=admin_a)
    assert not Assessment.objects.filter(pk=spare.pk).exists()


def test_published_terms_keep_their_assessments(term, admin_a):
    exam = assessment_create(term=term, name="Exam", weight="100", actor=admin_a)
    term.results_published_at = "2026-06-10T09:00:00Z"
    term.save()
    with pytest.raises(ValidationError, match="is published"):
        assessment_update(assessment=exam, name="Exam", kind="exam", weight="90", max_mark="100", actor=admin_a)


def test_console_page_adds_edits_and_removes(client, school_a, admin_a, term):
    console_login(client, school_a, admin_a)
    url = reverse("results:assessment-list") + f"?term={term.pk}"
    assert client.get(url).status_code == 200
    create = reverse("results:assessment-create") + f"?term={term.pk}"
    response = client.post(create, {"name": "CA", "kind": "continuous", "weight": "30", "max_mark": "50"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Total: 30%" in response.content.decode()
    response = client.post(create, {"name": "Exam", "kind": "exam", "weight": "80", "max_mark": "100"},
                           HTTP_HX_REQUEST="true")
    assert "would total 110%" in response.content.decode()
    ca = Assessment.objects.get(term=term)
    response = client.post(reverse("results:assessment-edit", args=[ca.pk]),
                           {"name": "CA", "kind": "continuous", "weight": "100", "max_mark": "50"},
                           HTTP_HX_REQUEST="true")
    assert "Total: 100%" in response.content.decode()
    response = client.post(reverse("results:assessment-delete", args=[ca.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and not Assessment.objects.filter(term=term).exists()


def test_teachers_and_other_schools_cannot_manage_assessments(client, school_a, school_b, teacher_a, admin_b, term):
    console_login(client, school_a, teacher_a)
    create = reverse("results:assessment-create") + f"?term={term.pk}"
    assert client.post(create, {"name": "CA", "kind": "exam", "weight": "30", "max_mark": "50"}).status_code == 403
    assert not Assessment.objects.exists()
    console_login(client, school_b, admin_b)
    with schema_context(school_b.schema_name):
        response = client.post(create, {"name": "CA", "kind": "exam", "weight": "30", "max_mark": "50"})
        assert response.status_code == 404
    assert not Assessment.objects.exists()
