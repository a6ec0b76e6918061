"""Publishing and unpublishing a term's results."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.results.computation import results_refresh_run
from apps.results.models import TermResult
from apps.results.publishing import term_results_publish, term_results_unpublish
from tests.academics.factories import SchoolClassFactory, StreamFactory, SubjectFactory, TermFactory
from tests.results.factories_grading import AssessmentFactory, stream_with_marks


@pytest.fixture
def term(in_school_a):
    term = TermFactory()
    stream = StreamFactory(school_class=SchoolClassFactory(level=1), name="A")
    stream_with_marks(term=term, stream=stream, subjects=[SubjectFactory(code=f"P{i}") for i in range(7)],
                      students=4)
    return term


def test_publish_computes_and_records_who(term, admin_a):
    counts = term_results_publish(term=term, actor=admin_a)
    term.refresh_from_db()
    assert counts["term_results"] == 4 and term.is_published and term.results_published_by == admin_a
    assert TermResult.objects.filter(term=term).count() == 4
    assert AuditEvent.objects.get(action="results.published").detail["students"] == 4
    with pytest.raises(ValidationError, match="already published"):
        term_results_publish(term=term, actor=admin_a)


def test_only_admins_publish(term, teacher_a):
    with pytest.raises(ValidationError, match="Only a school admin"):
        term_results_publish(term=term, actor=teacher_a)
    term.refresh_from_db()
    assert not term.is_published


def test_weights_must_total_100_and_an_empty_term_is_refused(term, admin_a):
    AssessmentFactory(term=term, name="Extra", weight=Decimal("10"))
    with pytest.raises(ValidationError, match="total 110%"):
        term_results_publish(term=term, actor=admin_a)
    empty = TermFactory(number=2, is_current=False)
    AssessmentFactory(term=empty, name="Final", weight=Decimal("100"))
    with pytest.raises(ValidationError, match="no marks are entered"):
        term_results_publish(term=empty, actor=admin_a)
    empty.refresh_from_db()
    assert not empty.is_published


def test_unpublish_needs_a_reason(term, admin_a):
    term_results_publish(term=term, actor=admin_a)
    with pytest.raises(ValidationError, match="Say why"):
        term_results_unpublish(term=term, actor=admin_a, reason="  ")
    term_results_unpublish(term=term, actor=admin_a, reason="Wrong weights")
    term.refresh_from_db()
    assert not term.is_published
    with pytest.raises(ValidationError, match="not published"):
        term_results_unpublish(term=term, actor=admin_a, reason="again")


def test_the_refresh_task_body_computes_or_skips_quietly(term):
    assert results_refresh_run(term_id=term.pk)["term_results"] == 4
    AssessmentFactory(term=term, name="Extra", weight=Decimal("10"))
    assert results_refresh_run(term_id=term.pk) is None  # weights at 110: skipped, not failed
    assert results_refresh_run(term_id=999999) is None


def test_refresh_soon_queues_once_per_burst_after_commit(term, django_capture_on_commit_callbacks, monkeypatch):
    from apps.results import tasks
    from apps.results.computation import results_refresh_soon

    queued = []
    monkeypatch.setattr(tasks.compute_term_results_task, "apply_async",
                        lambda args, countdown: queued.append((args, countdown)))
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            results_refresh_soon(term=term)
    assert queued == [([term.pk], 3)]
