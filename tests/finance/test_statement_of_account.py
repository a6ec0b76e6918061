"""Statement of account: the opening balance before the dates, each invoice, late fee, payment, credit note,
write-off and refund with a running balance, the closing balance and the credit held; a guardian's covers
all his children; the PDF renders; school B sees none of it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academics.models import StudentGuardian
from apps.finance.models import Invoice, InvoiceLine, LateFeeCharge, LateFeeRule
from apps.finance.services import invoice_issue
from apps.finance.services_credit import credit_note_issue, refund_pay, write_off_decide, write_off_request
from apps.finance.services_payments import payment_record
from apps.finance.statement_of_account import guardian_statement, statement_pdf, student_statement
from apps.ledger.charts import account_for
from apps.ledger.models import Account, JournalEntry
from apps.ledger.services import Line, entry_post
from tests.factories import UserFactory
from tests.finance.factories_invoices import category, fee_setup

pytestmark = pytest.mark.usefixtures("in_school_a")
ISSUED = datetime.date(2026, 1, 12)
D = Decimal


@pytest.fixture
def setup(admin_a):
    return fee_setup(actor=admin_a, students=2)


def _late_fee(invoice: Invoice, amount: Decimal, day: datetime.date, actor) -> LateFeeCharge:
    meals = category("meals")
    rule = LateFeeRule.objects.create(name="After 14 days", days_after_due=14, value=amount, category=meals)
    line = InvoiceLine.objects.create(invoice=invoice, category=meals, kind=InvoiceLine.Kind.LATE_FEE,
                                      description="Late fee", amount=amount)
    Invoice.objects.filter(pk=invoice.pk).update(total=invoice.total + amount)
    part = invoice.installments.first()
    part.amount += amount  # the instalment it was charged on carries it
    part.save(update_fields=["amount"])
    entry = entry_post(date=day, memo="Late fee", source=JournalEntry.Source.INVOICE, actor=actor, lines=[
        Line(account=account_for(purpose=Account.Purpose.FEE_RECEIVABLE), debit=amount, student=invoice.student),
        Line(account=meals.income_account, credit=amount, student=invoice.student)])
    return LateFeeCharge.objects.create(rule=rule, installment=part, line=line, amount=amount,
                                        entry=entry, charged_on=day)


def test_every_kind_of_row_with_a_running_balance(admin_a, setup):
    student = setup["students"][0]
    payment_record(student=student, amount="100000", channel="cash", actor=admin_a,
                   received_on=datetime.date(2026, 1, 10))  # before the invoice: credit, applied when it is issued
    invoice = invoice_issue(student=student, term=setup["term"], actor=admin_a, issued_on=ISSUED)
    _late_fee(invoice, D("5000"), datetime.date(2026, 2, 5), admin_a)
    invoice.refresh_from_db()
    bursar = UserFactory(role="accountant")
    credit_note_issue(invoice=invoice, amount="50000", reason="Sibling discount", actor=bursar)
    write_off = write_off_request(invoice=invoice, amount="5000", reason="Late fee waived", actor=bursar)
    write_off_decide(credit_note=write_off, approve=True, note="", actor=admin_a)
    payment_record(student=student, amount="450000", channel="cash", actor=admin_a,
                   received_on=datetime.date(2026, 2, 10))  # 400,000 owed, 50,000 credit
    refund_pay(student=student, amount="20000", account=Account.objects.get(code="1110"), reason="Over",
               actor=bursar, paid_on=datetime.date(2026, 2, 11))

    today = timezone.localdate()
    result = student_statement(student=student, date_from=datetime.date(2026, 1, 11), date_to=today)

    assert result.opening == D("-100000.00")  # the payment before the dates: credit
    kinds = [(row.kind, row.debit, row.credit, row.balance) for row in result.rows]
    assert kinds == [
        ("invoice", D("550000.00"), 0, D("450000.00")),
        ("late_fee", D("5000.00"), 0, D("455000.00")),
        ("payment", 0, D("450000.00"), D("5000.00")),
        ("refund", D("20000.00"), 0, D("25000.00")),
        ("credit_note", 0, D("50000.00"), D("-25000.00")),
        ("write_off", 0, D("5000.00"), D("-30000.00")),
    ]
    assert result.closing == D("-30000.00") and result.credit == D("30000.00")
    assert result.debits - result.credits == result.closing - result.opening


def test_dates_cut_the_rows_and_the_opening_balance(admin_a, setup):
    student = setup["students"][0]
    invoice_issue(student=student, term=setup["term"], actor=admin_a, issued_on=ISSUED)
    payment_record(student=student, amount="200000", channel="cash", actor=admin_a,
                   received_on=datetime.date(2026, 2, 1))
    early = student_statement(student=student, date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 1, 31))
    assert early.opening == 0 and [r.kind for r in early.rows] == ["invoice"] and early.closing == D("550000.00")
    later = student_statement(student=student, date_from=datetime.date(2026, 2, 1), date_to=datetime.date(2026, 2, 28))
    assert later.opening == D("550000.00") and [r.kind for r in later.rows] == ["payment"]
    assert later.closing == D("350000.00")
    empty = student_statement(student=student, date_from=datetime.date(2026, 3, 1), date_to=datetime.date(2026, 3, 31))
    assert empty.rows == [] and empty.opening == empty.closing == D("350000.00")


def test_void_invoice_and_reversed_payment_cancel_out(admin_a, setup):
    from apps.finance.services import invoice_void
    from apps.finance.services_payments import payment_reverse

    student = setup["students"][0]
    invoice = invoice_issue(student=student, term=setup["term"], actor=admin_a, issued_on=ISSUED)
    invoice_void(invoice=invoice, reason="Wrong class", actor=admin_a)
    payment = payment_record(student=student, amount="1000", channel="cash", actor=admin_a,
                             received_on=datetime.date(2026, 1, 13))
    payment_reverse(payment=payment, reason="Wrong student", actor=admin_a)
    result = student_statement(student=student, date_from=datetime.date(2026, 1, 1), date_to=timezone.localdate())
    assert sorted(r.kind for r in result.rows) == ["invoice", "payment", "reversal", "void"]
    assert result.closing == 0 and result.credit == 0


def test_guardian_statement_covers_all_his_children(admin_a, setup):
    first, second = setup["students"]
    guardian = setup["guardians"][0]
    StudentGuardian.objects.create(student=second, guardian=guardian, relationship="father", is_primary=False)
    invoice_issue(student=first, term=setup["term"], actor=admin_a, issued_on=ISSUED)
    invoice_issue(student=second, term=setup["term"], actor=admin_a, issued_on=ISSUED)
    result = guardian_statement(guardian=guardian, date_from=datetime.date(2026, 1, 1), date_to=timezone.localdate())
    assert {row.student for row in result.rows} == {first, second}
    assert result.closing == D("1100000.00") and result.guardian == guardian
    pdf = statement_pdf(result, currency="TZS")
    assert pdf.startswith(b"%PDF")


def test_school_b_sees_no_rows(admin_a, setup, school_b):
    invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a, issued_on=ISSUED)
    with schema_context(school_b.schema_name):
        assert not Invoice.objects.exists()
