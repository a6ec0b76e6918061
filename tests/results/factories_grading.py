"""Factories and helpers for assessments, marks and grading schemes (results computation tests).
They write in whatever schema the connection is in."""

from decimal import Decimal

import factory

from apps.results import models
from tests.academics.factories import TermFactory


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Assessment

    term = factory.SubFactory(TermFactory)
    name = factory.Sequence(lambda n: f"Assessment {n}")
    kind = "exam"
    weight = Decimal("100")
    max_mark = Decimal("100")
    order = factory.Sequence(lambda n: n)


def mark(assessment, student, subject, score=None, *, absent=False) -> models.Mark:
    """A mark row written directly (the marks service and its history are someone else's concern)."""
    return models.Mark.objects.create(assessment=assessment, student=student, subject=subject,
                                      score=None if score is None else Decimal(str(score)), is_absent=absent)


def preset(code: str) -> models.GradingScheme:
    return models.GradingScheme.objects.prefetch_related("bands", "divisions").get(code=code, is_current=True)


def stream_with_marks(*, term, stream, subjects, students: int, assessments=None, base: int = 30):
    """`students` students in `stream`, each with a mark in every subject for every assessment
    (default: one exam of weight 100). Marks are spread so positions differ and some tie."""
    from tests.academics.factories import StudentFactory

    if assessments is None:
        existing = list(models.Assessment.objects.filter(term=term))
        assessments = existing or [AssessmentFactory(term=term, name="Final", weight=Decimal("100"))]
    rows = []
    people = [StudentFactory(stream=stream) for _ in range(students)]
    for n, student in enumerate(people):
        for k, subject in enumerate(subjects):
            for assessment in assessments:
                score = Decimal((base + n * 7 + k * 3) % 101) * assessment.max_mark / 100
                rows.append(models.Mark(assessment=assessment, student=student, subject=subject, score=score))
    models.Mark.objects.bulk_create(rows)
    return people
