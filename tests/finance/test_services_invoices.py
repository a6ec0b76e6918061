"""invoice_issue and invoice_void: the lines (optional items only for who takes them), total, instalments
(the last takes what rounding left), control number, payer, the posted entry with the student on every line;
the refusals (writing nothing); voiding reverses the entry and frees the term; school B sees none of it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django_tenants.utils import schema_context

from apps.academics.models import Student
from apps.finance import control_numbers
from apps.finance.models import Invoice, InvoiceInstallment, InvoiceLine
from apps.finance.services import fee_option_set, installment_amounts, invoice_issue, invoice_void
from apps.ledger.models import JournalEntry, JournalLine
from tests.academics.factories import StudentGuardianFactory, TermFactory
from tests.finance.factories_invoices import DUES, fee_setup

pytestmark = pytest.mark.usefixtures("in_school_a")


@pytest.fixture
def setup(admin_a):
    return fee_setup(actor=admin_a, students=3)


def _balance(student, code=None) -> Decimal:
    lines = JournalLine.objects.filter(student=student)
    if code:
        lines = lines.filter(account__code=code)
    sums = lines.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (sums["debit"] or 0) - (sums["credit"] or 0)


def test_issue_lines_total_instalments_payer_and_entry(admin_a, setup):
    student = setup["students"][0]
    StudentGuardianFactory(student=student, is_primary=False, relationship="father")  # not the payer
    invoice = invoice_issue(student=student, term=setup["term"], actor=admin_a, issued_on=datetime.date(2026, 1, 12))

    assert invoice.status == Invoice.Status.ISSUED and invoice.total == Decimal("550000.00")
    assert sorted((line.category.code, line.amount) for line in invoice.lines.all()) == [
        ("meals", Decimal("150000.00")), ("tuition", Decimal("400000.00"))]
    assert [(p.number, p.due_on, p.amount) for p in invoice.installments.all()] == [
        (1, DUES[0], Decimal("275000.00")), (2, DUES[1], Decimal("165000.00")), (3, DUES[2], Decimal("110000.00"))]
    assert invoice.due_on == DUES[2]
    assert invoice.guardian == setup["guardians"][0]
    assert control_numbers.is_valid(invoice.control_number) and len(invoice.control_number) == 12

    entry = invoice.issue_entry
    assert entry.source == JournalEntry.Source.INVOICE and entry.date == datetime.date(2026, 1, 12)
    lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.select_related("account")}
    assert lines == {("1200", Decimal("550000.00"), Decimal("0.00")), ("4110", Decimal("0.00"), Decimal("400000.00")),
                     ("4150", Decimal("0.00"), Decimal("150000.00"))}
    assert set(entry.lines.values_list("student_id", flat=True)) == {student.pk}
    assert _balance(student, "1200") == Decimal("550000.00")


def test_optional_item_only_for_who_takes_it(admin_a, setup):
    rider, walker = setup["students"][:2]
    fee_option_set(student=rider, item=setup["transport"], taken=True, actor=admin_a)
    ridden = invoice_issue(student=rider, term=setup["term"], actor=admin_a)
    walked = invoice_issue(student=walker, term=setup["term"], actor=admin_a)

    assert ridden.total == Decimal("670000.00") and walked.total == Decimal("550000.00")
    assert "Transport (Route 1)" in set(ridden.lines.values_list("description", flat=True))
    assert not walked.lines.filter(category__code="transport").exists()
    credits = dict(ridden.issue_entry.lines.filter(credit__gt=0).values_list("account__code", "credit"))
    assert credits == {"4110": Decimal("400000.00"), "4150": Decimal("150000.00"), "4130": Decimal("120000.00")}
    assert set(ridden.issue_entry.lines.values_list("student_id", flat=True)) == {rider.pk}


def test_control_numbers_unique(admin_a, setup):
    numbers = [invoice_issue(student=s, term=setup["term"], actor=admin_a).control_number for s in setup["students"]]
    assert len(set(numbers)) == 3 and all(control_numbers.is_valid(n) for n in numbers)


def test_installment_rounding_last_takes_the_rest():
    parts = installment_amounts(Decimal("100000.01"), [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")])
    assert parts == [Decimal("33330.00"), Decimal("33330.00"), Decimal("33340.01")]
    assert sum(parts) == Decimal("100000.01")


def _nothing_written():
    return (Invoice.objects.count(), InvoiceLine.objects.count(), InvoiceInstallment.objects.count(),
            JournalEntry.objects.count())


def test_second_invoice_same_term_refused_writing_nothing(admin_a, setup):
    student = setup["students"][0]
    invoice_issue(student=student, term=setup["term"], actor=admin_a)
    before = _nothing_written()
    with pytest.raises(ValidationError) as refused:
        invoice_issue(student=student, term=setup["term"], actor=admin_a)
    assert refused.value.code == "already_invoiced"
    assert _nothing_written() == before


def test_refusals(admin_a, setup):
    before = _nothing_written()
    gone = setup["students"][0]
    Student.objects.filter(pk=gone.pk).update(status=Student.Status.TRANSFERRED)
    gone.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        invoice_issue(student=gone, term=setup["term"], actor=admin_a)
    assert refused.value.code == "inactive_student"

    streamless = setup["students"][2]
    streamless.stream = None  # (the database keeps active students in a stream; the service checks anyway)
    with pytest.raises(ValidationError) as refused:
        invoice_issue(student=streamless, term=setup["term"], actor=admin_a)
    assert refused.value.code == "no_stream"

    other_term = TermFactory(number=2, starts_on=datetime.date(2026, 7, 6), ends_on=datetime.date(2026, 12, 4),
                             is_current=False)
    with pytest.raises(ValidationError) as refused:
        invoice_issue(student=setup["students"][1], term=other_term, actor=admin_a)
    assert refused.value.code == "no_structure"
    assert _nothing_written() == before


def test_void_reverses_and_frees_the_term(admin_a, setup):
    student = setup["students"][0]
    invoice = invoice_issue(student=student, term=setup["term"], actor=admin_a)
    with pytest.raises(ValidationError) as refused:
        invoice_void(invoice=invoice, reason="  ", actor=admin_a)
    assert "reason" in refused.value.message_dict
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED and invoice.void_entry is None

    voided = invoice_void(invoice=invoice, reason="Wrong class", actor=admin_a)
    assert voided.status == Invoice.Status.VOID and voided.void_reason == "Wrong class"
    assert voided.void_entry is not None and voided.voided_by == admin_a
    assert _balance(student) == 0 and _balance(student, "1200") == 0
    assert set(voided.void_entry.lines.values_list("student_id", flat=True)) == {student.pk}

    with pytest.raises(ValidationError) as refused:
        invoice_void(invoice=voided, reason="Again", actor=admin_a)
    assert refused.value.code == "not_issued"

    again = invoice_issue(student=student, term=setup["term"], actor=admin_a)
    assert again.pk != invoice.pk and again.control_number != invoice.control_number
    assert _balance(student, "1200") == Decimal("550000.00")


def test_school_b_sees_none(admin_a, setup, school_b):
    invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a)
    with schema_context(school_b.schema_name):
        assert not Invoice.objects.exists() and not JournalLine.objects.filter(student__isnull=False).exists()
