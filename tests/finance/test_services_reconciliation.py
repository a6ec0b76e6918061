"""Reconciliation services: a provider event matched exactly once; a statement reconciled set-based (exact
control numbers, narratives with slips, near misses, phone and amount, nothing, repeats of an event);
the console's confirm, assign, split, ignore and undo; the account summary; school B sees none of it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.finance import control_numbers
from apps.finance.models import Invoice, MatchSuggestion, Payment, PaymentEvent, Statement, StatementLine
from apps.finance.services import invoice_issue
from apps.finance.services_payments import account_for_channel
from apps.finance.services_reconciliation import (
    account_reconciliation_summary, event_reconcile, line_assign, line_ignore, line_split, match_undo,
    statement_reconcile, suggestion_confirm, suggestion_reject,
)
from apps.ledger.services import period_close, period_for
from tests.finance.factories_invoices import fee_setup, transposed

pytestmark = pytest.mark.usefixtures("in_school_a")
DAY = datetime.date(2026, 1, 15)
PAID_AT = timezone.make_aware(datetime.datetime(2026, 1, 15, 10, 30))


@pytest.fixture
def setup(admin_a):
    return fee_setup(actor=admin_a, students=3)


@pytest.fixture
def invoices(admin_a, setup):
    return [invoice_issue(student=s, term=setup["term"], actor=admin_a, issued_on=datetime.date(2026, 1, 12))
            for s in setup["students"]]


def _event(reference="", amount="275000", phone="", txn="QX1", provider="mpesa"):
    return PaymentEvent.objects.create(provider=provider, transaction_id=txn, amount=Decimal(amount), reference=reference,
                                       payer_phone=phone, paid_at=PAID_AT, account=account_for_channel(provider))


def test_event_with_a_control_number_is_recorded_once(admin_a, invoices):
    invoice = invoices[0]
    event = _event(reference=invoice.control_number[:4] + " " + invoice.control_number[4:])

    first = event_reconcile(event=event, actor=None)
    again = event_reconcile(event=event, actor=admin_a)

    assert first.status == again.status == PaymentEvent.Status.MATCHED
    assert first.match_rule == "control_number" and first.confidence == 100
    payment = Payment.objects.get(event=event)
    assert payment.student == invoice.student and payment.amount == Decimal("275000.00")
    assert payment.channel == "mpesa" and payment.reference == "QX1" and payment.received_on == DAY
    invoice.refresh_from_db()
    assert invoice.paid == Decimal("275000.00")


def test_event_with_a_student_reference_is_recorded(invoices):
    student = invoices[1].student
    event = _event(reference=control_numbers.student_reference(student.pk))

    event_reconcile(event=event)

    assert event.__class__.objects.get(pk=event.pk).status == PaymentEvent.Status.MATCHED
    assert Payment.objects.get(event=event).student == student


def test_event_with_a_slip_is_suggested_and_without_anything_unmatched(invoices):
    slipped = _event(reference=transposed(invoices[0].control_number), txn="QX2")
    nothing = _event(reference="school fees", txn="QX3")

    assert event_reconcile(event=slipped).status == PaymentEvent.Status.SUGGESTED
    assert event_reconcile(event=nothing).status == PaymentEvent.Status.UNMATCHED
    suggestion = MatchSuggestion.objects.get(event=slipped)
    assert suggestion.invoice == invoices[0] and suggestion.rule == "fuzzy_reference" and suggestion.confidence == 70
    assert not Payment.objects.exists()


def _statement(admin, account=None, closing=None):
    account = account or account_for_channel("crdb")
    return Statement.objects.create(account=account, file="statements/test.csv", filename="test.csv", format="csv",
                                    status=Statement.Status.IMPORTED, uploaded_by=admin, period_start=DAY,
                                    period_end=DAY, closing_balance=closing)


def _lines(statement, rows):
    return [StatementLine.objects.create(statement=statement, account=statement.account, line_number=n, date=DAY,
                                         amount=Decimal(amount), narrative=narrative, dedupe_key=f"hash:{n}",
                                         bank_reference=ref, payer_phone=phone)
            for n, (amount, narrative, ref, phone) in enumerate(rows, start=1)]


def test_statement_run_matches_each_kind_of_line(admin_a, setup, invoices):
    first, second, third = invoices
    spaced = first.control_number
    slipped_text = "SCHOOL FEES " + " ".join([second.control_number[:4], second.control_number[4:8],
                                             second.control_number[8:]]).replace("0", "O", 1) + " JOHN"
    event = _event(reference=first.control_number, txn="EVT9", provider="crdb")
    event_reconcile(event=event)
    statement = _statement(admin_a)
    exact, narrative, fuzzy, phone, noise, repeat, outgoing = _lines(statement, [
        ("100000", spaced, "", ""),
        ("50000", slipped_text, "FT123", ""),
        ("20000", "fees ctrl " + transposed(third.control_number), "", ""),
        ("275000", "MPESA DEPOSIT", "", setup["guardians"][2].phone.replace("+255", "0")),
        ("5000", "INTEREST 1234", "", ""),
        ("275000", "anything", "EVT9", ""),
        ("-3000", "CHARGES", "", ""),
    ])

    summary = statement_reconcile(statement=statement, actor=admin_a)

    assert summary["lines"] == 6 and summary["matched"] == 2 and summary["recorded"] == 1
    assert summary["suggested"] == 2 and summary["unmatched"] == 1
    for line in (exact, narrative, fuzzy, phone, noise, repeat, outgoing):
        line.refresh_from_db()
    assert (exact.status, exact.match_rule, exact.confidence) == ("matched", "control_number", 100)
    assert (narrative.status, narrative.match_rule) == ("matched", "narrative")
    assert Payment.objects.get(statement_line=exact).student == first.student
    assert Payment.objects.get(statement_line=narrative).student == second.student
    assert Payment.objects.get(statement_line=narrative).channel == "crdb"
    assert (fuzzy.status, fuzzy.match_rule) == ("suggested", "fuzzy_reference")
    assert fuzzy.suggestions.get().invoice == third
    assert (phone.status, phone.match_rule) == ("suggested", "phone_amount")
    assert phone.suggestions.get().invoice == third
    assert noise.status == "unmatched" and outgoing.status == "unmatched"
    assert repeat.status == "recorded" and repeat.payment_event == event
    assert Payment.objects.filter(event=event).count() == 1 and not Payment.objects.filter(statement_line=repeat)

    again = statement_reconcile(statement=statement, actor=admin_a)
    assert again["matched"] == 0 and again["lines"] == 1  # only the noise is looked at again
    assert Payment.objects.count() == 3


def test_statement_run_reads_many_lines_in_a_bounded_number_of_queries(admin_a, invoices,
                                                                       django_assert_max_num_queries):
    statement = _statement(admin_a)
    _lines(statement, [("1000", f"fees {transposed(invoices[n % 3].control_number)} ref {n}", "", "+255700000%03d" % n)
                       for n in range(60)])

    with django_assert_max_num_queries(40):
        summary = statement_reconcile(statement=statement, actor=admin_a)

    assert summary["suggested"] == 60 and MatchSuggestion.objects.count() == 60


def test_sure_matches_are_recorded_together_in_a_bounded_number_of_queries(admin_a, invoices,
                                                                         django_assert_max_num_queries):
    statement = _statement(admin_a)
    _lines(statement, [("1000", f"FEES {invoices[n % 3].control_number}", f"FT{n}", "") for n in range(60)])

    with django_assert_max_num_queries(100):  # the same for 6 lines: it does not grow with them
        summary = statement_reconcile(statement=statement, actor=admin_a)

    assert summary["matched"] == summary["payments"] == 60 and summary["failed"] == 0
    payments = Payment.objects.order_by("receipt_number")
    assert payments.count() == 60 and payments.last().receipt_number == "RCT-2026-000060"
    assert {p.match_rule for p in payments} == {"narrative"} and all(p.entry_id for p in payments)
    assert sum(invoice.paid for invoice in Invoice.objects.all()) == Decimal("60000.00")
    assert AuditEvent.objects.filter(action="finance.payments_record_many").count() == 1


def test_a_refused_line_does_not_hold_back_the_rest_of_its_batch(admin_a, invoices):
    december = datetime.date(2025, 12, 30)
    period_close(period=period_for(december), actor=admin_a)
    statement = _statement(admin_a)
    good, closed, other = _lines(statement, [(amount, invoices[n].control_number, f"FT{n}", "")
                                             for n, amount in enumerate(["1000", "2000", "3000"])])
    StatementLine.objects.filter(pk=closed.pk).update(date=december)

    summary = statement_reconcile(statement=statement, actor=admin_a)

    assert summary["matched"] == 2 and summary["failed"] == 1 and summary["suggested"] == 1
    closed.refresh_from_db()
    assert closed.status == "suggested" and closed.suggestions.get().invoice == invoices[1]
    assert set(Payment.objects.values_list("statement_line", flat=True)) == {good.pk, other.pk}


def test_confirming_a_suggestion_records_the_payment_and_closes_the_others(admin_a, invoices):
    statement = _statement(admin_a)
    line, = _lines(statement, [("20000", f"{invoices[0].control_number} {invoices[1].control_number}", "", "")])
    statement_reconcile(statement=statement, actor=admin_a)
    line.refresh_from_db()
    assert line.status == "suggested" and line.suggestions.count() == 2  # two children named: ask
    chosen = line.suggestions.get(invoice=invoices[1])

    payment = suggestion_confirm(suggestion=chosen, actor=admin_a)

    line.refresh_from_db()
    assert line.status == "matched" and line.matched_by == admin_a
    assert payment.student == invoices[1].student and payment.amount == Decimal("20000.00")
    assert sorted(line.suggestions.values_list("status", flat=True)) == ["confirmed", "rejected"]
    with pytest.raises(ValidationError):
        suggestion_confirm(suggestion=chosen, actor=admin_a)
    assert Payment.objects.count() == 1


def test_rejecting_the_last_suggestion_leaves_the_line_unmatched(admin_a, invoices):
    event = _event(reference=transposed(invoices[0].control_number))
    event_reconcile(event=event)
    suggestion_reject(suggestion=event.suggestions.get(), actor=admin_a)
    event.refresh_from_db()
    assert event.status == "unmatched"


def test_split_across_siblings_then_undo_restores(admin_a, invoices):
    statement = _statement(admin_a)
    line, = _lines(statement, [("400000", "FEES FOR MY TWO", "", "")])

    with pytest.raises(ValidationError) as refused:
        line_split(line=line, parts=[(invoices[0], "100000"), (invoices[1], "100000")], actor=admin_a)
    assert "parts" in refused.value.message_dict and not Payment.objects.exists()
    payments = line_split(line=line, parts=[(invoices[0], "300000"), (invoices[1], "100000")], actor=admin_a)

    assert [p.student for p in payments] == [invoices[0].student, invoices[1].student]
    assert {p.statement_line for p in payments} == {line}
    line.refresh_from_db()
    assert line.status == "matched" and line.match_rule == "manual"
    invoices[0].refresh_from_db()
    assert invoices[0].paid == Decimal("300000.00")

    match_undo(line=line, reason="wrong family", actor=admin_a)

    line.refresh_from_db()
    invoices[0].refresh_from_db()
    assert line.status == "unmatched" and invoices[0].paid == 0 and invoices[0].status == Invoice.Status.ISSUED
    assert set(Payment.objects.values_list("status", flat=True)) == {"reversed"}
    assert statement_reconcile(statement=statement, actor=admin_a)["matched"] == 0


def test_undone_auto_match_is_not_made_again_by_the_machine(admin_a, invoices):
    statement = _statement(admin_a)
    line, = _lines(statement, [("1000", invoices[0].control_number, "", "")])
    statement_reconcile(statement=statement, actor=admin_a)
    match_undo(line=line, reason="the bank reversed it", actor=admin_a)

    summary = statement_reconcile(statement=statement, actor=admin_a)

    line.refresh_from_db()
    assert summary["suggested"] == 1 and line.status == "suggested"


def test_assign_ignore_and_refusals(admin_a, invoices):
    statement = _statement(admin_a)
    paid, transfer = _lines(statement, [("5000", "cash deposit", "", ""), ("900000", "TRANSFER FROM NMB", "", "")])

    payment = line_assign(line=paid, invoice=invoices[2], actor=admin_a)
    assert payment.student == invoices[2].student and payment.amount == Decimal("5000.00")
    with pytest.raises(ValidationError):
        line_assign(line=paid, invoice=invoices[1], actor=admin_a)  # already matched
    with pytest.raises(ValidationError):
        line_ignore(line=transfer, reason=" ", actor=admin_a)
    line_ignore(line=transfer, reason="our own transfer", actor=admin_a)
    transfer.refresh_from_db()
    assert transfer.status == "ignored"
    match_undo(line=transfer, reason="it was fees after all", actor=admin_a)
    transfer.refresh_from_db()
    assert transfer.status == "unmatched"


def test_account_summary_explains_the_difference(admin_a, invoices):
    account = account_for_channel("crdb")
    statement = _statement(admin_a, account=account, closing=Decimal("130000"))
    _lines(statement, [("100000", invoices[0].control_number, "", ""), ("30000", "unknown", "", "")])
    statement_reconcile(statement=statement, actor=admin_a)
    event_reconcile(event=_event(reference=invoices[1].control_number, txn="E2", provider="crdb", amount="7000"))

    summary = account_reconciliation_summary(account=account, as_of=DAY)

    assert summary["bank"] == Decimal("130000") and summary["books"] == Decimal("107000.00")
    assert summary["unmatched_in"] == Decimal("30000.00") and summary["books_only"] == Decimal("7000.00")
    assert summary["difference"] == Decimal("23000.00") and summary["unexplained"] == 0


def test_school_b_sees_no_reconciliation_rows(invoices, school_b):
    event_reconcile(event=_event(reference=invoices[0].control_number))
    with schema_context(school_b.schema_name):
        assert not PaymentEvent.objects.exists() and not Payment.objects.exists()
        assert not MatchSuggestion.objects.exists() and not StatementLine.objects.exists()


def test_the_nightly_run_matches_what_waits_and_discards_stale_previews(admin_a, invoices):
    from apps.finance.tasks_reconciliation import reconcile_open_items_task

    statement = _statement(admin_a)
    line, = _lines(statement, [("1000", invoices[0].control_number, "FT1", "")])
    event = _event(reference=invoices[1].control_number, txn="NIGHT1")
    stale = _statement(admin_a)
    Statement.objects.filter(pk=stale.pk).update(status=Statement.Status.PREVIEW,
                                                 uploaded_at=timezone.now() - datetime.timedelta(days=9))

    result = reconcile_open_items_task.run()

    assert result["statements"]["matched"] == 1 and result["events"]["matched"] == 1
    assert result["previews_discarded"] == 1
    line.refresh_from_db()
    event.refresh_from_db()
    stale.refresh_from_db()
    assert line.status == "matched" and event.status == "matched" and stale.status == "discarded"
