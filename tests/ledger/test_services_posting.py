"""The posting service and the database behind it: balanced entries only (Python and a deferred
PostgreSQL trigger), posted one by one or many at once, posted entries immutable, reversals once, periods
closed and reopened (audited); another school sees none of it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from apps.audit.models import AuditEvent
from apps.ledger.models import JournalEntry, JournalLine, Period
from apps.ledger.services import (
    Entry, Line, entries_post_many, entry_post, entry_reverse, period_close, period_for, period_reopen,
)
from tests.factories import UserFactory
from tests.ledger.factories import account, post

TODAY = datetime.date.today()


@pytest.fixture
def accountant(in_school_a):
    return UserFactory(role="accountant")


def _lines(debit_code="5210", credit_code="1110", debit="100.00", credit="100.00"):
    return [Line(account=account(debit_code), debit=Decimal(debit)),
            Line(account=account(credit_code), credit=Decimal(credit))]


def test_a_balanced_entry_is_posted_with_its_lines_and_audited(in_school_a, accountant):
    entry = entry_post(date=TODAY, memo="Chalk", lines=_lines(), actor=accountant)

    assert entry.reference == f"JE-{entry.pk:06d}"
    assert entry.period == period_for(TODAY) and entry.source == JournalEntry.Source.MANUAL
    lines = list(entry.lines.order_by("id"))
    assert [(line.account.code, line.debit, line.credit, line.date) for line in lines] == [
        ("5210", Decimal("100.00"), Decimal("0.00"), TODAY), ("1110", Decimal("0.00"), Decimal("100.00"), TODAY)]
    assert AuditEvent.objects.filter(action="ledger.entry_post", object_id=str(entry.pk)).exists()


@pytest.mark.parametrize("lines, message", [
    (lambda: _lines(credit="99.99"), "must be equal; the difference is 0.01"),
    (lambda: [Line(account=account("5210"), debit=Decimal("1"))], "at least two lines"),
    (lambda: [Line(account=account("5210"), debit=Decimal("5"), credit=Decimal("5")),
              Line(account=account("1110"), credit=Decimal("5"))], "not both"),
    (lambda: [Line(account=account("5210"), debit=1.5), Line(account=account("1110"), credit=1.5)], "not a float"),
    (lambda: [Line(account=account("5210"), debit=Decimal("0.001")),
              Line(account=account("1110"), credit=Decimal("0.001"))], "two decimal places"),
])
def test_bad_entries_are_refused_and_nothing_is_written(in_school_a, accountant, lines, message):
    with pytest.raises(ValidationError) as raised:
        entry_post(date=TODAY, memo="Bad", lines=lines(), actor=accountant)

    assert message in raised.value.message_dict["lines"][0]
    assert JournalEntry.objects.count() == 0 and JournalLine.objects.count() == 0


def test_group_and_inactive_accounts_take_no_postings(in_school_a, accountant):
    group = account("5210").parent
    assert group is not None and group.is_group
    with pytest.raises(ValidationError, match="group account"):
        entry_post(date=TODAY, memo="x", lines=[Line(account=group, debit=Decimal("1")),
                                                Line(account=account("1110"), credit=Decimal("1"))], actor=accountant)
    cash = account("1110")
    cash.is_active = False
    cash.save()
    with pytest.raises(ValidationError, match="inactive"):
        entry_post(date=TODAY, memo="x", lines=_lines(), actor=accountant)
    assert JournalEntry.objects.count() == 0


def test_a_closed_month_refuses_postings(in_school_a, accountant):
    period_close(period=period_for(TODAY), actor=accountant)

    with pytest.raises(ValidationError, match="is closed") as raised:
        post("5210", "1110", "10.00", actor=accountant)
    assert raised.value.code == "period_closed"
    assert JournalEntry.objects.count() == 0


def test_the_database_refuses_an_unbalanced_entry_at_commit(in_school_a, accountant):
    entry = post("5210", "1110", "10.00", actor=accountant)

    with pytest.raises(IntegrityError), transaction.atomic():
        extra = JournalEntry.objects.create(date=TODAY, memo="Behind the service's back", period=entry.period)
        JournalLine.objects.create(entry=extra, account=account("5210"), date=TODAY, debit=Decimal("5"))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert JournalEntry.objects.count() == 1


def test_posted_entries_and_lines_cannot_be_changed_or_deleted(in_school_a, accountant):
    entry = post("5210", "1110", "10.00", actor=accountant)
    line = entry.lines.first()

    for change in (lambda: JournalEntry.objects.filter(pk=entry.pk).update(memo="changed"),
                   lambda: JournalLine.objects.filter(pk=line.pk).update(debit=Decimal("99")),
                   lambda: JournalLine.objects.filter(pk=line.pk).delete(),
                   lambda: connection.cursor().execute("DELETE FROM ledger_journalentry WHERE id = %s", [entry.pk])):
        with pytest.raises(DatabaseError, match="cannot be changed or removed"), transaction.atomic():
            change()
    entry.refresh_from_db()
    assert entry.memo == "Test entry" and entry.lines.count() == 2


def test_an_entry_is_reversed_once(in_school_a, accountant):
    entry = post("5210", "1110", "40.00", actor=accountant)

    reversal = entry_reverse(entry=entry, actor=accountant, memo="Posted twice")

    assert reversal.reverses == entry and reversal.source == JournalEntry.Source.REVERSAL
    assert [(line.account.code, line.debit, line.credit) for line in reversal.lines.order_by("id")] == [
        ("5210", Decimal("0.00"), Decimal("40.00")), ("1110", Decimal("40.00"), Decimal("0.00"))]
    with pytest.raises(ValidationError, match="already been reversed"):
        entry_reverse(entry=entry, actor=accountant)
    with pytest.raises(ValidationError, match="itself a reversal"):
        entry_reverse(entry=reversal, actor=accountant)
    assert JournalEntry.objects.count() == 2


def test_reopening_needs_a_school_admin_and_a_reason_and_is_audited(in_school_a, accountant, admin_a):
    period = period_close(period=period_for(TODAY), actor=accountant)

    with pytest.raises(PermissionDenied):
        period_reopen(period=period, reason="Missed a charge", actor=accountant)
    with pytest.raises(ValidationError):
        period_reopen(period=period, reason="  ", actor=admin_a)
    assert Period.objects.get(pk=period.pk).is_closed

    period_reopen(period=period, reason="Missed a charge", actor=admin_a)

    assert not Period.objects.get(pk=period.pk).is_closed
    event = AuditEvent.objects.get(action="ledger.period_reopen", object_id=str(period.pk))
    assert "Missed a charge" in str(event.detail)
    post("5210", "1110", "1.00", actor=accountant)


def _document_entries(count: int, *, day=TODAY, source=JournalEntry.Source.PAYMENT):
    # any saved row will do as a source document: the entries name it by type and id
    return [Entry(date=day, memo=f"Receipt {n}", source=source, source_object=account("1110"),
                  lines=_lines(debit_code="1110", credit_code="1200", debit=f"{n}.00", credit=f"{n}.00"))
            for n in range(1, count + 1)]


def test_many_entries_are_posted_at_once_each_balanced_and_dated(in_school_a, accountant):
    posted = entries_post_many(_document_entries(3), actor=accountant)

    assert [entry.memo for entry in posted] == ["Receipt 1", "Receipt 2", "Receipt 3"]
    assert all(entry.pk and entry.period == period_for(TODAY) for entry in posted)
    assert [sorted((line.debit, line.credit) for line in entry.lines.all()) for entry in posted] == [
        [(Decimal("0.00"), Decimal(f"{n}.00")), (Decimal(f"{n}.00"), Decimal("0.00"))] for n in (1, 2, 3)]
    assert {(e.source_type, e.source_id) for e in posted} == {("ledger.account", account("1110").pk)}
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the database's own check agrees


def test_one_bad_entry_refuses_the_whole_batch(in_school_a, accountant):
    entries = _document_entries(3)
    entries[1].lines = _lines(credit="99.99")

    with pytest.raises(ValidationError, match="must be equal"):
        entries_post_many(entries, actor=accountant)
    assert JournalEntry.objects.count() == 0 and JournalLine.objects.count() == 0


def test_a_batch_reaching_into_a_closed_month_is_refused(in_school_a, accountant):
    last_month = TODAY.replace(day=1) - datetime.timedelta(days=1)
    period_close(period=period_for(last_month), actor=accountant)

    with pytest.raises(ValidationError) as raised:
        entries_post_many(_document_entries(1) + _document_entries(1, day=last_month), actor=accountant)
    assert raised.value.code == "period_closed" and JournalEntry.objects.count() == 0


def test_hand_made_entries_are_not_posted_in_batches(in_school_a, accountant):
    with pytest.raises(ValidationError) as raised:
        entries_post_many(_document_entries(1, source=JournalEntry.Source.MANUAL), actor=accountant)
    assert raised.value.code == "bad_source" and JournalEntry.objects.count() == 0


def test_another_school_sees_no_entries(in_school_a, accountant, school_b):
    from django_tenants.utils import schema_context

    entries_post_many(_document_entries(2), actor=accountant)
    post("5210", "1110", "10.00", actor=accountant)
    with schema_context(school_b.schema_name):
        assert not JournalEntry.objects.exists() and not JournalLine.objects.exists()
