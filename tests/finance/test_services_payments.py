"""payment_record, payments_record_many, credit_apply and payment_reverse: receipt numbers without gaps,
allocation to the named invoice first and then the oldest instalment, overpayment carried as credit and
applied to the next invoice, the entries posted, refusals that write nothing, reversal; school B sees none
of it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django_tenants.utils import schema_context

from apps.finance.models import Allocation, Invoice, NumberSeries, Payment
from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save, invoice_issue, invoice_void
from apps.audit.models import AuditEvent
from apps.finance.services_payments import (
    Received, account_for_channel, credit_apply, payment_record, payment_reverse, payments_record_many,
)
from apps.ledger.models import JournalLine
from tests.academics.factories import TermFactory
from tests.finance.factories_invoices import fee_setup

pytestmark = pytest.mark.usefixtures("in_school_a")
DAY = datetime.date(2026, 1, 15)


@pytest.fixture
def setup(admin_a):
    return fee_setup(actor=admin_a, students=2)


@pytest.fixture
def invoice(admin_a, setup):
    return invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a,
                         issued_on=datetime.date(2026, 1, 12))


def _account_balance(student, code) -> Decimal:
    sums = JournalLine.objects.filter(student=student, account__code=code).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or 0) - (sums["c"] or 0)


def test_partial_payment_settles_the_oldest_instalment_and_posts(admin_a, invoice):
    payment = payment_record(student=invoice.student, amount="300000", channel="cash", actor=admin_a,
                             received_on=DAY, invoice=invoice)

    assert payment.receipt_number == "RCT-2026-000001" and payment.allocated == Decimal("300000.00")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTLY_PAID and invoice.paid == Decimal("300000.00")
    assert invoice.balance == Decimal("250000.00")
    assert [(p.number, p.paid) for p in invoice.installments.all()] == [
        (1, Decimal("275000.00")), (2, Decimal("25000.00")), (3, Decimal("0.00"))]
    lines = {(line.account.code, line.debit, line.credit) for line in payment.entry.lines.select_related("account")}
    assert lines == {("1110", Decimal("300000.00"), Decimal("0.00")), ("1200", Decimal("0.00"), Decimal("300000.00"))}
    assert payment.guardian == invoice.guardian
    assert _account_balance(invoice.student, "1200") == Decimal("250000.00")


def test_overpayment_is_credit_applied_to_the_next_invoice(admin_a, setup, invoice):
    payment = payment_record(student=invoice.student, amount="600000", channel="cheque", reference="000123",
                             actor=admin_a, received_on=DAY)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and payment.credit == Decimal("50000.00")
    assert _account_balance(invoice.student, "2200") == Decimal("-50000.00")
    assert payment.account.purpose == "bank"

    next_term = TermFactory(year=setup["term"].year, number=setup["term"].number + 1, is_current=False)
    fee_structure_save(term=next_term, school_class=setup["school_class"], actor=admin_a,
                       items=[ItemSpec(invoice.lines.first().category, Decimal("100000"))],
                       installments=[InstallmentSpec(Decimal("100"), datetime.date(2026, 5, 1))])
    second = invoice_issue(student=invoice.student, term=next_term, actor=admin_a)
    assert second.paid == Decimal("50000.00") and second.status == Invoice.Status.PARTLY_PAID
    payment.refresh_from_db()
    assert payment.credit == 0
    assert _account_balance(invoice.student, "2200") == 0
    assert credit_apply(student=invoice.student, actor=admin_a) == []  # nothing left to apply


def test_receipt_numbers_have_no_gaps_when_a_payment_is_refused(admin_a, invoice):
    payment_record(student=invoice.student, amount="1000", channel="cash", actor=admin_a, received_on=DAY)
    with pytest.raises(ValidationError):
        payment_record(student=invoice.student, amount="1000", channel="cheque", actor=admin_a, received_on=DAY)
    second = payment_record(student=invoice.student, amount="1000", channel="cash", actor=admin_a, received_on=DAY)
    assert second.receipt_number == "RCT-2026-000002"
    assert NumberSeries.objects.get(series="RCT", year=2026).last == 2


@pytest.mark.parametrize("kwargs, field", [
    ({"amount": "0"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"channel": "mpesa"}, "channel"),
    ({"channel": "bogus"}, "channel"),
    ({"channel": "bank_slip"}, "reference"),
    ({"received_on": datetime.date(2099, 1, 1)}, "received_on"),
])
def test_bad_input_is_refused_and_writes_nothing(admin_a, invoice, kwargs, field):
    arguments = {"student": invoice.student, "amount": "1000", "channel": "cash", "actor": admin_a,
                 "received_on": DAY, **kwargs}
    with pytest.raises(ValidationError) as error:
        payment_record(**arguments)
    assert list(error.value.message_dict) == [field]
    assert not Payment.objects.exists() and not NumberSeries.objects.filter(last__gt=0).exists()


def test_another_students_invoice_is_refused(admin_a, setup, invoice):
    with pytest.raises(ValidationError):
        payment_record(student=setup["students"][1], amount="1000", channel="cash", actor=admin_a,
                       received_on=DAY, invoice=invoice)
    assert not Payment.objects.exists()


def test_reverse_restores_what_was_owed_and_the_books(admin_a, setup, invoice):
    payment = payment_record(student=invoice.student, amount="600000", channel="cash", actor=admin_a, received_on=DAY)
    with pytest.raises(ValidationError):
        invoice_void(invoice=invoice, reason="wrong", actor=admin_a)  # paid: reverse the payment first
    with pytest.raises(ValidationError):
        payment_reverse(payment=payment, reason=" ", actor=admin_a)

    payment_reverse(payment=payment, reason="Wrong student", actor=admin_a)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED and invoice.paid == 0
    assert set(invoice.installments.values_list("paid", flat=True)) == {Decimal("0.00")}
    assert not Allocation.objects.filter(reversed_at__isnull=True).exists()
    assert _account_balance(invoice.student, "1200") == Decimal("550000.00")
    assert _account_balance(invoice.student, "2200") == 0 and _account_balance(invoice.student, "1110") == 0
    with pytest.raises(ValidationError):
        payment_reverse(payment=payment, reason="again", actor=admin_a)


def test_school_b_sees_no_payments(admin_a, school_b, invoice):
    payment_record(student=invoice.student, amount="1000", channel="cash", actor=admin_a, received_on=DAY)
    with schema_context(school_b.schema_name):
        assert not Payment.objects.exists() and not Allocation.objects.exists()


def _received(student, amount, invoice=None, **extra):
    return Received(student_id=student.pk, amount=Decimal(amount), channel="crdb", account=account_for_channel("crdb"),
                    received_on=DAY, invoice_id=getattr(invoice, "pk", None), **extra)


def test_many_payments_are_recorded_as_payment_record_would_one_by_one(admin_a, setup, invoice):
    other = invoice_issue(student=setup["students"][1], term=setup["term"], actor=admin_a,
                          issued_on=datetime.date(2026, 1, 12))
    first, sibling = invoice.student, other.student

    payments = payments_record_many([
        _received(first, "300000", invoice, reference="FT1"),
        _received(sibling, "100000", other, reference="FT2"),
        _received(first, "300000", invoice, reference="FT3"),  # settles the rest (250,000) and leaves credit
    ], actor=admin_a)

    assert [p.receipt_number for p in payments] == ["RCT-2026-000001", "RCT-2026-000002", "RCT-2026-000003"]
    assert [(p.allocated, p.credit) for p in payments] == [
        (Decimal("300000.00"), 0), (Decimal("100000.00"), 0), (Decimal("250000.00"), Decimal("50000.00"))]
    invoice.refresh_from_db()
    other.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.paid == Decimal("550000.00")
    assert other.status == Invoice.Status.PARTLY_PAID and other.paid == Decimal("100000.00")
    assert [(p.number, p.paid) for p in invoice.installments.all()] == [
        (1, Decimal("275000.00")), (2, Decimal("165000.00")), (3, Decimal("110000.00"))]
    assert all(p.guardian == invoice.guardian for p in payments if p.student_id == first.pk)
    assert _account_balance(first, "1200") == 0 and _account_balance(first, "2200") == Decimal("-50000.00")
    assert _account_balance(sibling, "1200") == Decimal("450000.00")
    assert _account_balance(first, "1121") + _account_balance(sibling, "1121") == Decimal("700000.00")
    assert Payment.objects.get(pk=payments[2].pk).entry.memo.startswith("Receipt RCT-2026-000003")
    audit = AuditEvent.objects.get(action="finance.payments_record_many")
    assert audit.detail["count"] == 3 and audit.detail["receipts"][-1] == "RCT-2026-000003"
    assert audit.detail["amount"] == "700000.00"


def test_one_bad_payment_refuses_the_whole_batch_and_writes_nothing(admin_a, setup, invoice):
    lines_before = JournalLine.objects.count()
    with pytest.raises(ValidationError) as error:
        payments_record_many([_received(invoice.student, "1000", invoice),
                              _received(setup["students"][1], "1000", invoice)], actor=admin_a)  # not his
    assert list(error.value.message_dict) == ["invoice"]
    with pytest.raises(ValidationError):
        payments_record_many([_received(invoice.student, "1000"), _received(invoice.student, "0")], actor=admin_a)
    assert not Payment.objects.exists() and not Allocation.objects.exists()
    assert not NumberSeries.objects.filter(last__gt=0).exists() and JournalLine.objects.count() == lines_before


def test_a_batch_payment_reverses_like_any_other(admin_a, invoice):
    payment, = payments_record_many([_received(invoice.student, "600000", invoice)], actor=admin_a)

    payment_reverse(payment=payment, reason="Bank recalled it", actor=admin_a)

    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED and invoice.paid == 0
    assert _account_balance(invoice.student, "1200") == Decimal("550000.00")
    assert _account_balance(invoice.student, "2200") == 0


def test_school_b_sees_no_batch_payments(admin_a, school_b, invoice):
    payments_record_many([_received(invoice.student, "1000", invoice)], actor=admin_a)
    with schema_context(school_b.schema_name):
        assert not Payment.objects.exists() and not AuditEvent.objects.filter(
            action="finance.payments_record_many").exists()
