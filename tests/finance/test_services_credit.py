"""credit_note_issue, write_off_request/write_off_decide and refund_pay: balanced entries on the right
accounts, the latest instalments settled first, maker-checker on write-offs, refunds taken from credit
oldest payment first, refusals that write nothing; school B sees none of it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from apps.finance.models import CreditNote, Invoice, NumberSeries, Payment, Refund, RefundPart
from apps.finance.services import invoice_issue
from apps.finance.services_credit import (
    credit_note_issue, refund_pay, student_credit, write_off_decide, write_off_request,
)
from apps.finance.services_payments import payment_record
from apps.ledger.models import Account, JournalEntry
from tests.factories import UserFactory
from tests.finance.factories_invoices import category, fee_setup

pytestmark = pytest.mark.usefixtures("in_school_a")
DAY = datetime.date(2026, 1, 15)


@pytest.fixture
def setup(admin_a):
    return fee_setup(actor=admin_a, students=2)


@pytest.fixture
def invoice(admin_a, setup):
    return invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a,
                         issued_on=datetime.date(2026, 1, 12))


@pytest.fixture
def bursar():
    return UserFactory(role="accountant")


def _lines(entry) -> set:
    return {(line.account.code, line.debit, line.credit, line.student_id)
            for line in entry.lines.select_related("account")}


def _balanced(entry) -> bool:
    lines = list(entry.lines.all())
    return sum(x.debit for x in lines) == sum(x.credit for x in lines)


def test_credit_note_for_a_category_posts_and_settles_the_latest_instalment(bursar, invoice):
    meals = category("meals")
    note = credit_note_issue(invoice=invoice, amount="120000", reason="Day scholar: no meals", actor=bursar,
                             category=meals)

    assert note.number.startswith("CN-") and note.status == CreditNote.Status.APPROVED and note.kind == "credit_note"
    student = invoice.student.pk
    assert _lines(note.entry) == {(meals.income_account.code, Decimal("120000.00"), Decimal("0.00"), student),
                                  ("1200", Decimal("0.00"), Decimal("120000.00"), student)}
    assert note.entry.source_type == "finance.creditnote" and note.entry.source_id == note.pk
    invoice.refresh_from_db()
    assert invoice.credited == Decimal("120000.00") and invoice.balance == Decimal("430000.00")
    assert invoice.status == Invoice.Status.PARTLY_PAID
    # instalments 275,000 / 165,000 / 110,000: the last settled, then 10,000 of the second
    assert [p.paid for p in invoice.installments.all()] == [Decimal("0.00"), Decimal("10000.00"),
                                                            Decimal("110000.00")]


def test_credit_note_without_category_is_pro_rata_by_income_account(bursar, invoice):
    note = credit_note_issue(invoice=invoice, amount="55000", reason="Left mid-term", actor=bursar)
    tuition, meals = category("tuition").income_account.code, category("meals").income_account.code
    debits = {code: debit for code, debit, _credit, _s in _lines(note.entry) if debit}
    assert debits == {tuition: Decimal("40000.00"), meals: Decimal("15000.00")}
    assert _balanced(note.entry)


def test_credit_note_of_the_whole_balance_marks_the_invoice_paid(bursar, admin_a, invoice):
    payment_record(student=invoice.student, amount="300000", channel="cash", actor=admin_a, received_on=DAY)
    credit_note_issue(invoice=invoice, amount="250000", reason="Bursary", actor=bursar)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.balance == 0
    assert all(p.paid == p.amount for p in invoice.installments.all())
    with pytest.raises(ValidationError) as error:
        credit_note_issue(invoice=invoice, amount="1", reason="again", actor=bursar)
    assert "invoice" in error.value.message_dict


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"amount": "550001"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"reason": "  "}, "reason"),
    ({"category": "transport"}, "category"),  # not on the invoice (optional, not taken)
])
def test_credit_note_refusals_write_nothing(bursar, invoice, kwargs, field):
    values = {"amount": "1000", "reason": "Error", **kwargs}
    if "category" in values:
        values["category"] = category(values["category"])
    with pytest.raises(ValidationError) as error:
        credit_note_issue(invoice=invoice, actor=bursar, **values)
    assert field in error.value.message_dict
    invoice.refresh_from_db()
    assert invoice.credited == 0 and not CreditNote.objects.exists()
    assert not JournalEntry.objects.filter(source_type="finance.creditnote").exists()
    assert not NumberSeries.objects.filter(series="CN").exclude(last=0).exists()


def test_void_invoice_and_teachers_are_refused(bursar, teacher_a, invoice, admin_a):
    with pytest.raises(PermissionDenied):
        credit_note_issue(invoice=invoice, amount="1000", reason="x", actor=teacher_a)
    from apps.finance.services import invoice_void
    invoice_void(invoice=invoice, reason="Wrong class", actor=admin_a)
    with pytest.raises(ValidationError):
        credit_note_issue(invoice=invoice, amount="1000", reason="x", actor=bursar)
    with pytest.raises(ValidationError):
        write_off_request(invoice=invoice, amount="1000", reason="x", actor=bursar)
    assert not CreditNote.objects.exists()


def test_write_off_waits_for_another_admin_then_posts_bad_debts(bursar, admin_a, invoice):
    request = write_off_request(invoice=invoice, amount="110000", reason="Family moved away", actor=bursar)
    assert request.number.startswith("WO-") and request.status == CreditNote.Status.PENDING and request.entry is None
    invoice.refresh_from_db()
    assert invoice.credited == 0

    with pytest.raises(PermissionDenied):  # only a school admin decides
        write_off_decide(credit_note=request, approve=True, note="", actor=bursar)

    decided = write_off_decide(credit_note=request, approve=True, note="Agreed", actor=admin_a)
    assert decided.status == CreditNote.Status.APPROVED and decided.decided_by == admin_a
    student = invoice.student.pk
    assert _lines(decided.entry) == {("5295", Decimal("110000.00"), Decimal("0.00"), student),
                                     ("1200", Decimal("0.00"), Decimal("110000.00"), student)}
    invoice.refresh_from_db()
    assert invoice.credited == Decimal("110000.00")
    assert invoice.installments.get(number=3).paid == Decimal("110000.00")
    with pytest.raises(ValidationError) as error:  # decided once
        write_off_decide(credit_note=request, approve=False, note="no", actor=admin_a)
    assert error.value.code == "wrong_status"


def test_the_requester_cannot_decide_their_own_write_off(admin_a, invoice):
    request = write_off_request(invoice=invoice, amount="1000", reason="Bad debt", actor=admin_a)
    with pytest.raises(ValidationError) as error:
        write_off_decide(credit_note=request, approve=True, note="", actor=admin_a)
    assert error.value.code == "own_request"
    request.refresh_from_db()
    assert request.status == CreditNote.Status.PENDING and request.entry is None


def test_rejecting_needs_a_note_and_posts_nothing(bursar, admin_a, invoice):
    request = write_off_request(invoice=invoice, amount="1000", reason="Bad debt", actor=bursar)
    with pytest.raises(ValidationError) as error:
        write_off_decide(credit_note=request, approve=False, note="", actor=admin_a)
    assert "note" in error.value.message_dict
    decided = write_off_decide(credit_note=request, approve=False, note="They will pay in March", actor=admin_a)
    assert decided.status == CreditNote.Status.REJECTED and decided.decision_note == "They will pay in March"
    assert decided.entry is None
    invoice.refresh_from_db()
    assert invoice.credited == 0


def test_approval_checks_the_balance_again(bursar, admin_a, invoice):
    request = write_off_request(invoice=invoice, amount="500000", reason="Bad debt", actor=bursar)
    payment_record(student=invoice.student, amount="100000", channel="cash", actor=admin_a, received_on=DAY)
    with pytest.raises(ValidationError) as error:
        write_off_decide(credit_note=request, approve=True, note="", actor=admin_a)
    assert "amount" in error.value.message_dict
    request.refresh_from_db()
    assert request.status == CreditNote.Status.PENDING


def test_refund_pays_back_credit_oldest_payment_first(bursar, admin_a, invoice):
    student = invoice.student
    first = payment_record(student=student, amount="560000", channel="cash", actor=admin_a, received_on=DAY)
    second = payment_record(student=student, amount="20000", channel="cash", actor=admin_a,
                            received_on=DAY + datetime.timedelta(days=1))
    assert student_credit(student) == Decimal("30000.00")
    cash = Account.objects.get(code="1110")

    refund = refund_pay(student=student, amount="25000", account=cash, reason="Overpaid", actor=bursar,
                        reference="Voucher 7", paid_on=DAY + datetime.timedelta(days=2))

    assert refund.number == "RF-2026-000001"
    assert _lines(refund.entry) == {("2200", Decimal("25000.00"), Decimal("0.00"), student.pk),
                                    ("1110", Decimal("0.00"), Decimal("25000.00"), student.pk)}
    assert refund.entry.source_type == "finance.refund" and refund.entry.source_id == refund.pk
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.refunded == Decimal("10000.00") and second.refunded == Decimal("15000.00")
    assert [(p.payment_id, p.amount) for p in RefundPart.objects.order_by("id")] == [
        (first.pk, Decimal("10000.00")), (second.pk, Decimal("15000.00"))]
    assert student_credit(student) == Decimal("5000.00")


def test_refund_of_more_than_the_credit_writes_nothing(bursar, admin_a, invoice):
    payment_record(student=invoice.student, amount="560000", channel="cash", actor=admin_a, received_on=DAY)
    cash = Account.objects.get(code="1110")
    receivable = Account.objects.get(code="1200")
    for kwargs, field in [({"amount": "10000.01", "account": cash}, "amount"),
                          ({"amount": "100", "account": receivable}, "account"),
                          ({"amount": "100", "account": cash, "reason": ""}, "reason")]:
        with pytest.raises(ValidationError) as error:
            refund_pay(student=invoice.student, actor=bursar, **{"reason": "Overpaid", **kwargs})
        assert field in error.value.message_dict
    assert not Refund.objects.exists() and Payment.objects.get().refunded == 0


def test_school_b_sees_no_credit_notes_or_refunds(bursar, admin_a, school_b, invoice):
    credit_note_issue(invoice=invoice, amount="1000", reason="Error", actor=bursar)
    write_off_request(invoice=invoice, amount="1000", reason="Bad debt", actor=bursar)
    payment_record(student=invoice.student, amount="600000", channel="cash", actor=admin_a, received_on=DAY)
    refund_pay(student=invoice.student, amount="100", account=Account.objects.get(code="1110"), reason="x",
               actor=bursar)
    with schema_context(school_b.schema_name):
        assert not CreditNote.objects.exists() and not Refund.objects.exists() and not RefundPart.objects.exists()
