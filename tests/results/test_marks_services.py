"""Marks entry services: what a typed value means, who may write, locking after publication,
the bulk upsert's all-or-nothing, and another school seeing none of it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from apps.results.marks import (
    MarkValue, mark_display, mark_set, mark_value_parse, marks_bulk_upsert, marks_lock_state, marks_relock,
    marks_unlock,
)
from apps.results.models import Mark, MarkChange, MarkFlag, MarkUnlock
from tests.academics.factories import StreamFactory, StudentFactory, TeachingAssignmentFactory
from tests.factories import UserFactory
from tests.results.marks_setup import publish, make_world


@pytest.fixture
def world(in_school_a):
    return make_world()

HUNDRED = Decimal("100")


@pytest.mark.parametrize("typed, expected", [
    ("", MarkValue(None, False)), ("  ", MarkValue(None, False)), ("67", MarkValue(Decimal("67.00"), False)),
    ("67,5", MarkValue(Decimal("67.50"), False)), ("0", MarkValue(Decimal("0.00"), False)),
    ("100", MarkValue(Decimal("100.00"), False)), (" 45.25 ", MarkValue(Decimal("45.25"), False)),
    ("abs", MarkValue(None, True)), ("ABS", MarkValue(None, True)), ("Absent", MarkValue(None, True)),
    ("a", MarkValue(None, True)), ("X", MarkValue(None, True)), (".5", MarkValue(Decimal("0.50"), False)),
])
def test_typed_values_mean(typed, expected):
    assert mark_value_parse(typed, max_mark=HUNDRED) == expected


@pytest.mark.parametrize("typed", ["150", "100.01", "-1", "abc", "6 7", "67.555", "1e2", "absentee", "½", "--"])
def test_other_values_are_refused_with_the_range(typed):
    with pytest.raises(ValidationError) as error:
        mark_value_parse(typed, max_mark=HUNDRED)
    assert error.value.messages == ["Enter a mark from 0 to 100, or ABS for absent."]


def test_the_message_names_the_assessments_own_maximum():
    with pytest.raises(ValidationError, match="from 0 to 30,"):
        mark_value_parse("31", max_mark=Decimal("30.00"))


def test_display():
    assert [mark_display(Decimal("67.00"), False), mark_display(Decimal("67.50"), False),
            mark_display(None, True), mark_display(None, False)] == ["67", "67.5", "ABS", ""]


def test_the_assigned_teacher_sets_changes_and_clears_a_mark(world):
    mark = mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67",
                    actor=world.teacher)
    assert (mark.score, mark.is_absent, mark.entered_by) == (Decimal("67.00"), False, world.teacher)

    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="abs",
             actor=world.teacher)
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="",
             actor=world.teacher)

    mark.refresh_from_db()
    assert (mark.score, mark.is_absent) == (None, False)
    history = list(MarkChange.objects.filter(mark=mark).order_by("id").values_list(
        "old_score", "old_absent", "new_score", "new_absent"))
    assert history == [(None, False, Decimal("67.00"), False), (Decimal("67.00"), False, None, True),
                       (None, True, None, False)]
    assert not MarkFlag.objects.exists()  # the teacher, before publication, no earlier results


def test_the_same_value_again_writes_nothing(world):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67",
             actor=world.teacher)
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67.00",
             actor=world.teacher)
    mark_set(assessment=world.assessment, student=world.students[1], subject=world.subject, value="",
             actor=world.teacher)

    assert MarkChange.objects.count() == 1
    assert Mark.objects.count() == 1


def test_a_bad_value_saves_nothing(world):
    with pytest.raises(ValidationError, match="from 0 to 100"):
        mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="150",
                 actor=world.teacher)
    assert not Mark.objects.exists() and not MarkChange.objects.exists()


def test_another_teacher_is_refused_and_nothing_is_written(world):
    other = UserFactory(role="teacher")
    TeachingAssignmentFactory(stream=world.stream, teacher=other)  # another subject in the same stream

    with pytest.raises(PermissionDenied):
        mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67",
                 actor=other)
    for role in ("accountant", "parent", "staff"):
        with pytest.raises(PermissionDenied):
            mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67",
                     actor=UserFactory(role=role))
    assert not Mark.objects.exists()


def test_a_school_admin_may_but_is_flagged(world, admin_a):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67", actor=admin_a)

    flag = MarkFlag.objects.get()
    assert flag.rule == MarkFlag.Rule.NOT_ASSIGNED and flag.status == "open"
    assert "not the subject teacher" in flag.detail


def test_published_marks_are_locked_until_an_admin_unlocks_them_with_a_reason(world, admin_a):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="60",
             actor=world.teacher)
    publish(world.term, admin_a)
    assert marks_lock_state(term=world.term, stream_id=world.stream.pk, subject_id=world.subject.pk) == "locked"

    with pytest.raises(ValidationError, match="locked"):
        mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="65",
                 reason="recount", actor=world.teacher)
    with pytest.raises(ValidationError, match="reason"):
        marks_unlock(term=world.term, stream=world.stream, subject=world.subject, reason=" ", actor=admin_a)
    with pytest.raises(PermissionDenied):
        marks_unlock(term=world.term, stream=world.stream, subject=world.subject, reason="x", actor=world.teacher)

    marks_unlock(term=world.term, stream=world.stream, subject=world.subject, reason="Script re-marked",
                 actor=admin_a)
    assert marks_lock_state(term=world.term, stream_id=world.stream.pk, subject_id=world.subject.pk) == "unlocked"
    with pytest.raises(ValidationError, match="Give a reason"):
        mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="65",
                 actor=world.teacher)
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="65",
             reason="Re-marked paper", actor=world.teacher)
    change = MarkChange.objects.order_by("-id").first()
    assert change.reason == "Re-marked paper"
    assert list(change.flags.values_list("rule", flat=True)) == ["after_publication"]

    assert marks_relock(term=world.term, stream=world.stream, subject=world.subject, reason="done",
                        actor=admin_a) == 1
    assert marks_lock_state(term=world.term, stream_id=world.stream.pk, subject_id=world.subject.pk) == "locked"
    with pytest.raises(ValidationError, match="locked"):
        mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="70",
                 reason="again", actor=world.teacher)
    from apps.audit.models import AuditEvent
    assert set(AuditEvent.objects.filter(action__startswith="results.marks_").values_list("action", flat=True)) == {
        "results.marks_unlock", "results.marks_relock"}


def test_an_unlock_of_all_subjects_opens_each(world, admin_a):
    publish(world.term, admin_a)
    marks_unlock(term=world.term, stream=world.stream, reason="Whole stream re-checked", actor=admin_a)

    assert marks_lock_state(term=world.term, stream_id=world.stream.pk, subject_id=world.subject.pk) == "unlocked"
    with pytest.raises(ValidationError, match="already"):
        marks_unlock(term=world.term, stream=world.stream, subject=world.subject, reason="again", actor=admin_a)


def test_unlock_refused_before_publication(world, admin_a):
    with pytest.raises(ValidationError, match="not published"):
        marks_unlock(term=world.term, stream=world.stream, reason="why", actor=admin_a)
    assert not MarkUnlock.objects.exists()


def test_bulk_upsert_writes_all_in_one_chain_segment(world, django_assert_max_num_queries):
    rows = [{"student": s.pk, "value": v} for s, v in zip(world.students, ["67", "abs", ""], strict=True)]
    more = [StudentFactory(stream=world.stream) for _ in range(20)]
    rows += [{"student": s.pk, "value": str(40 + i)} for i, s in enumerate(more)]

    with django_assert_max_num_queries(2 * 20):  # the same for 2 rows or 200
        marks = marks_bulk_upsert(assessment=world.assessment, subject=world.subject, rows=rows,
                                  actor=world.teacher)

    assert len(marks) == 23
    assert Mark.objects.count() == 22  # the blank one is not stored
    changes = list(MarkChange.objects.order_by("id"))
    assert len(changes) == 22
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(changes, changes[1:], strict=False))

    # again, one changed: one more change
    rows[0]["value"] = "68"
    marks_bulk_upsert(assessment=world.assessment, subject=world.subject, rows=rows, actor=world.teacher)
    assert MarkChange.objects.count() == 23


def row_errors(error: ValidationError) -> dict:
    from apps.results.marks import bulk_row_errors

    return bulk_row_errors(error)


def test_bulk_upsert_is_all_or_nothing(world):
    rows = [{"student": world.students[0].pk, "value": "67"}, {"student": world.students[1].pk, "value": "150"},
            {"student": 999999, "value": "50"}, {"student": world.students[2].pk, "value": "zz"}]

    with pytest.raises(ValidationError) as error:
        marks_bulk_upsert(assessment=world.assessment, subject=world.subject, rows=rows, actor=world.teacher)

    assert row_errors(error.value) == {"1": "Enter a mark from 0 to 100, or ABS for absent.",
                                       "2": "No such student.", "3": "Enter a mark from 0 to 100, or ABS for absent."}
    assert not Mark.objects.exists() and not MarkChange.objects.exists()


def test_bulk_upsert_refuses_a_stream_the_teacher_does_not_teach(world):
    stranger = StudentFactory(stream=StreamFactory(name="B"))
    rows = [{"student": world.student.pk, "value": "50"}, {"student": stranger.pk, "value": "50"}]

    with pytest.raises(PermissionDenied):
        marks_bulk_upsert(assessment=world.assessment, subject=world.subject, rows=rows, actor=world.teacher)
    assert not Mark.objects.exists()


def test_another_school_sees_none_of_it(world, school_b):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67",
             actor=world.teacher)

    with schema_context(school_b.schema_name):
        assert not Mark.objects.exists()
        assert not MarkChange.objects.exists()
        assert not MarkFlag.objects.exists()


def test_a_change_asks_for_the_terms_results_to_be_recomputed(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67",
                 actor=world.teacher)
    assert any(getattr(callback, "__qualname__", "").startswith("results_refresh_soon") for callback in callbacks)

    with django_capture_on_commit_callbacks() as callbacks:  # the same value again: nothing to recompute
        mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67",
                 actor=world.teacher)
    assert not callbacks
