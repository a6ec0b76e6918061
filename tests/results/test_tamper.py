"""Tamper evidence: the chain's hashes, verification finding an edited or removed row (with the
triggers disabled inside the test's transaction), PostgreSQL refusing changes, each flag rule firing
and not firing, review (accept, revert), the command, and another school seeing none of it."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import InternalError, ProgrammingError
from django_tenants.utils import schema_context

from apps.results.marks import mark_set
from apps.results.models import Mark, MarkChange, MarkFlag, TamperPolicy
from apps.results.tamper import (
    GENESIS, change_hash, flag_accept, flag_revert, marks_chain_verify, tamper_policy_get, tamper_policy_update,
)
from tests.academics.factories import TermFactory
from tests.results.marks_setup import AssessmentFactory, publish, make_world


@pytest.fixture
def world(in_school_a):
    return make_world()

HASHED_VALUES = ("mark_id", "assessment_id_at", "student_id_at", "subject_id_at", "actor_id", "created_at",
                 "old_score", "new_score", "old_absent", "new_absent", "reason", "ip")


def enter(w, value, student=None, actor=None, **extra):
    return mark_set(assessment=extra.pop("assessment", w.assessment), student=student or w.student,
                    subject=w.subject, value=value, actor=actor or w.teacher, **extra)


def untriggered(sql, params=()):
    """Run `sql` on results_markchange as someone with direct database access would, in this test's
    transaction (rolled back afterwards)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks, or ALTER TABLE refuses
        cursor.execute("ALTER TABLE results_markchange DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        cursor.execute("ALTER TABLE results_markchange ENABLE TRIGGER USER")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_each_change_hashes_its_content_and_its_predecessor(world):
    for value in ("50", "55", "abs"):
        enter(world, value)
    changes = list(MarkChange.objects.order_by("id").values("id", "prev_hash", "hash", *HASHED_VALUES))

    assert changes[0]["prev_hash"] == GENESIS
    for earlier, later in zip(changes, changes[1:], strict=False):
        assert later["prev_hash"] == earlier["hash"]
    assert all(change_hash(row, row["prev_hash"]) == row["hash"] for row in changes)
    assert marks_chain_verify() == []


def test_verification_finds_an_edited_row(world):
    enter(world, "40")
    enter(world, "45")
    enter(world, "50", student=world.students[1])
    edited = MarkChange.objects.order_by("id")[1]

    untriggered("UPDATE results_markchange SET new_score = 95 WHERE id = %s", [edited.pk])

    breaks = marks_chain_verify()
    assert {(item["change_id"], item["kind"]) for item in breaks} >= {(edited.pk, "changed")}


def test_verification_finds_a_removed_row(world):
    for value in ("40", "45", "50"):
        enter(world, value)
    middle = MarkChange.objects.order_by("id")[1]
    following = MarkChange.objects.order_by("id")[2]

    untriggered("DELETE FROM results_markchange WHERE id = %s", [middle.pk])

    assert [(item["change_id"], item["kind"]) for item in marks_chain_verify()] == [(following.pk, "missing")]


def test_verification_finds_a_mark_changed_behind_the_history(world):
    mark = enter(world, "40")
    Mark.objects.filter(pk=mark.pk).update(score=Decimal("90"))

    assert [item["kind"] for item in marks_chain_verify()] == ["mark_differs"]


def test_marks_without_any_history_are_counted_not_broken(world):
    from apps.results.tamper import marks_without_history_count

    enter(world, "40")
    Mark.objects.create(assessment=world.assessment, student=world.students[1], subject=world.subject,
                        score=Decimal("70"))  # as an import or the demo's generated year writes them

    assert marks_chain_verify() == []
    assert marks_without_history_count() == 1


def test_postgresql_refuses_to_change_or_remove_history(world):
    enter(world, "40")
    change = MarkChange.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses with foreign-key checks pending

    for sql in ("UPDATE results_markchange SET reason = 'x'", "DELETE FROM results_markchange",
                "TRUNCATE results_markchange CASCADE"):
        with pytest.raises((InternalError, ProgrammingError), match="mark history cannot be changed"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    with pytest.raises((InternalError, ProgrammingError)):
        with transaction.atomic():
            change.delete()
    assert MarkChange.objects.filter(reason="").count() == 1


def test_the_command_reports_breaks_and_exits_non_zero(world, school_a):
    enter(world, "40")
    out = StringIO()
    call_command("verify_marks_chain", schema=school_a.schema_name, stdout=out)
    assert "1 changes, chain intact" in out.getvalue()

    with schema_context(school_a.schema_name):  # the command leaves the connection on public
        untriggered("UPDATE results_markchange SET reason = 'hidden'")
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_marks_chain", schema=school_a.schema_name, stdout=StringIO())


# --- flag rules ------------------------------------------------------------------------------------------

def rules():
    return sorted(MarkFlag.objects.values_list("rule", flat=True))


def test_after_publication_fires_only_after_publication(world, admin_a):
    enter(world, "50")
    assert rules() == []
    publish(world.term, admin_a)
    from apps.results.marks import marks_unlock

    marks_unlock(term=world.term, stream=world.stream, reason="re-marked", actor=admin_a)
    enter(world, "55", reason="re-marked")
    assert rules() == ["after_publication"]


def test_not_assigned_fires_for_an_admin_not_for_the_teacher(world, admin_a):
    enter(world, "50")
    assert rules() == []
    enter(world, "52", actor=admin_a)
    assert rules() == ["not_assigned"]


def earlier_results(world, percents, max_mark=Decimal("100")):
    """Marks of the world's first student in earlier assessments (an earlier term, then this one)."""
    earlier_term = TermFactory(number=0, name="Term 0", starts_on=world.term.starts_on - timedelta(days=120),
                               ends_on=world.term.starts_on - timedelta(days=10), is_current=False)
    for index, percent in enumerate(percents):
        assessment = AssessmentFactory(term=earlier_term, name=f"Earlier {index}", order=index, max_mark=max_mark)
        enter(world, str(percent * max_mark / 100), assessment=assessment)
    MarkFlag.objects.all().delete()


def test_jump_from_the_previous_result(world):
    earlier_results(world, [40])
    enter(world, "69", student=world.student)  # 29 points up: within 30
    assert rules() == []
    enter(world, "71")  # 31 points up from 40
    assert rules() == ["jump"]
    assert "71% against 40%" in MarkFlag.objects.get().detail


def test_jump_in_standard_deviations_with_three_earlier_results(world):
    earlier_results(world, [40, 50, 45])  # mean 45, sd 5
    enter(world, "55")  # 2 sd
    assert rules() == []
    enter(world, "60")  # 3 sd, and 15 points from the previous
    assert rules() == ["jump"]
    assert "standard deviations" in MarkFlag.objects.get().detail


def test_jump_uses_percentages_of_each_assessments_maximum(world):
    earlier_results(world, [40], max_mark=Decimal("50"))  # 20 / 50
    enter(world, "45")  # 45 % against 40 %: no jump, although 45 marks against 20
    assert rules() == []


def test_jump_follows_the_policy(world, admin_a):
    earlier_results(world, [40])
    tamper_policy_update(jump_sd=Decimal("2.5"), jump_marks=Decimal("10"), burst_changes=30, burst_minutes=10,
                         actor=admin_a)
    enter(world, "55")
    assert rules() == ["jump"]


def test_burst_flags_the_change_that_crosses_the_threshold(world, admin_a):
    tamper_policy_update(jump_sd=Decimal("9"), jump_marks=Decimal("99"), burst_changes=3, burst_minutes=10,
                         actor=admin_a)
    for student in world.students:  # first entries do not count
        enter(world, "50", student=student)
    enter(world, "51")
    enter(world, "52")
    enter(world, "53")
    assert rules() == []
    crossing = enter(world, "54")
    flag = MarkFlag.objects.get()
    assert flag.rule == "burst" and flag.change.mark == crossing and flag.change.new_score == Decimal("54")
    enter(world, "55")
    assert rules() == ["burst"]  # only the change that crosses


def test_burst_counts_only_recent_changes(world, admin_a):
    tamper_policy_update(jump_sd=Decimal("9"), jump_marks=Decimal("99"), burst_changes=1, burst_minutes=10,
                         actor=admin_a)
    enter(world, "50")
    enter(world, "51")
    # an old change by the same teacher (written before the window) does not count
    first = MarkChange.objects.order_by("id")[1]
    untriggered("UPDATE results_markchange SET created_at = created_at - interval '1 hour' WHERE id = %s",
                [first.pk])
    enter(world, "52")
    assert rules() == []


def test_policy_defaults_and_who_may_change_it(world):
    policy = tamper_policy_get()
    assert (policy.pk, policy.jump_sd, policy.jump_marks, policy.burst_changes) == (None, Decimal("2.5"),
                                                                                   Decimal("30"), 30)
    with pytest.raises(PermissionDenied):
        tamper_policy_update(jump_sd=1, jump_marks=1, burst_changes=1, burst_minutes=1, actor=world.teacher)
    assert not TamperPolicy.objects.exists()


# --- review ------------------------------------------------------------------------------------------------

def test_accept_needs_a_note_and_settles_the_changes_flags(world, admin_a):
    publish(world.term, admin_a)
    from apps.results.marks import marks_unlock

    marks_unlock(term=world.term, stream=world.stream, reason="re-marked", actor=admin_a)
    enter(world, "55", actor=admin_a, reason="re-marked")
    flag = MarkFlag.objects.order_by("id").first()
    assert rules() == ["after_publication", "not_assigned"]

    with pytest.raises(ValidationError, match="note"):
        flag_accept(flag=flag, note="  ", actor=admin_a)
    with pytest.raises(PermissionDenied):
        flag_accept(flag=flag, note="fine", actor=world.teacher)
    flag_accept(flag=flag, note="Checked the script", actor=admin_a)

    assert set(MarkFlag.objects.values_list("status", "review_note")) == {("accepted", "Checked the script")}
    with pytest.raises(ValidationError, match="reviewed already"):
        flag_accept(flag=flag, note="again", actor=admin_a)
    from apps.audit.models import AuditEvent
    assert AuditEvent.objects.filter(action="results.flag_accept").count() == 1


def test_revert_puts_the_old_value_back_through_the_chain(world, admin_a):
    enter(world, "45")
    mark = enter(world, "90", actor=admin_a)
    flag = MarkFlag.objects.get()

    flag_revert(flag=flag, note="not on the script", actor=admin_a)

    mark.refresh_from_db()
    assert mark.score == Decimal("45.00")
    last = MarkChange.objects.order_by("-id").first()
    assert (last.old_score, last.new_score, last.reason) == (Decimal("90.00"), Decimal("45.00"),
                                                             "reverted after review")
    assert list(MarkFlag.objects.values_list("status", flat=True)) == ["reverted"]  # no new flag for the revert
    assert marks_chain_verify() == []


def test_revert_refused_when_the_mark_changed_again(world, admin_a):
    enter(world, "45")
    enter(world, "90", actor=admin_a)
    flag = MarkFlag.objects.get()
    enter(world, "91")

    with pytest.raises(ValidationError, match="changed again"):
        flag_revert(flag=flag, actor=admin_a)
    assert Mark.objects.get().score == Decimal("91.00")


def test_another_school_sees_no_flags_or_chain(world, admin_a, school_b):
    enter(world, "90", actor=admin_a)

    with schema_context(school_b.schema_name):
        assert marks_chain_verify() == []
        assert not MarkFlag.objects.exists()


def test_writers_take_the_schools_chain_lock_for_their_transaction(world):
    """Two concurrent writers cannot both read the same last hash: each holds a transaction-level
    advisory lock (per school schema) from reading it until commit."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        assert cursor.fetchone()[0] == 0
        enter(world, "40")
        cursor.execute("SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        held = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT hashtext(current_schema() || '.marks_chain')::bigint & x'FFFFFFFF'::bigint")
        assert cursor.fetchone()[0] in held
