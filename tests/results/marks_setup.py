"""A small school for the marks and tamper tests: a term with two assessments, a stream with its
students, a subject taught there by one teacher; import the `world` fixture into a test module."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import factory

from apps.results.models import Assessment
from tests.academics.factories import (
    StreamFactory, StudentFactory, SubjectFactory, TeachingAssignmentFactory, TermFactory,
)
from tests.factories import UserFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment
        django_get_or_create = ("term", "name")

    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"Test {n}")
    kind = Assessment.Kind.EXAM
    weight = Decimal("50")
    max_mark = Decimal("100")


def make_world(students: int = 3, *, subject_code: str = "MATH"):
    term = TermFactory()
    stream = StreamFactory()
    subject = SubjectFactory(code=subject_code, name="Mathematics")
    teacher = UserFactory(role="teacher", first_name="Neema", last_name="Mushi")
    TeachingAssignmentFactory(stream=stream, subject=subject, teacher=teacher)
    assessment = AssessmentFactory(term=term, name="Midterm", order=1)
    roll = [StudentFactory(stream=stream, last_name=f"Student{i:03d}") for i in range(students)]
    return SimpleNamespace(term=term, stream=stream, subject=subject, teacher=teacher, assessment=assessment,
                           students=roll, student=roll[0])


def publish(term, by=None):
    term.results_published_at = datetime.datetime(2026, 6, 10, 9, 0, tzinfo=datetime.UTC)
    term.results_published_by = by
    term.save(update_fields=["results_published_at", "results_published_by"])
