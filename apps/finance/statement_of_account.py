"""Statement of account for a student, or a guardian (all his children): between two dates, the opening
balance, every invoice, late fee, payment, credit note, write-off and refund with a running balance, and
the closing balance and the credit held. Invoices billed to a sponsor and the sponsor's payments are the
sponsor's business and are left out. Rendered as a console page and as a PDF (WeasyPrint)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import Guardian, Student
from apps.finance.models import ZERO, CreditNote, Invoice, InvoiceLine, LateFeeCharge, Payment, Refund


@dataclass
class Row:
    date: datetime.date
    kind: str  # invoice, late_fee, void, payment, reversal, credit_note, write_off, refund
    label: str
    reference: str
    student: Student
    debit: Decimal = ZERO  # what it adds to what is owed
    credit: Decimal = ZERO
    balance: Decimal = ZERO  # running, filled in by statement()
    order: int = 0


@dataclass
class Statement:
    students: list
    date_from: datetime.date
    date_to: datetime.date
    opening: Decimal = ZERO
    rows: list = field(default_factory=list)
    closing: Decimal = ZERO
    credit: Decimal = ZERO  # unapplied credit held today
    guardian: Guardian | None = None

    @property
    def debits(self) -> Decimal:
        return sum((r.debit for r in self.rows), ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((r.credit for r in self.rows), ZERO)


def _rows(students: list[Student], until: datetime.date) -> list[Row]:
    """Every movement of the students' accounts up to `until`, oldest first."""
    ids = [s.pk for s in students]
    by_id = {s.pk: s for s in students}
    rows: list[Row] = []
    invoices = list(Invoice.objects.filter(student__in=ids, sponsor__isnull=True, issued_on__lte=until)
                    .select_related("term"))
    late = {}
    for line in InvoiceLine.objects.filter(invoice__in=invoices, kind=InvoiceLine.Kind.LATE_FEE):
        late[line.invoice_id] = late.get(line.invoice_id, ZERO) + line.amount
    for invoice in invoices:
        student = by_id[invoice.student_id]
        rows.append(Row(invoice.issued_on, "invoice", _("Invoice, %(term)s") % {"term": invoice.term},
                        invoice.control_number, student, debit=invoice.total - late.get(invoice.pk, ZERO), order=1))
        if invoice.status == Invoice.Status.VOID and invoice.voided_at:
            day = timezone.localdate(invoice.voided_at)
            if day <= until:
                rows.append(Row(day, "void", _("Invoice void: %(reason)s") % {"reason": invoice.void_reason},
                                invoice.control_number, student, credit=invoice.total, order=2))
    for charge in (LateFeeCharge.objects.filter(line__invoice__student__in=ids, line__invoice__sponsor__isnull=True,
                                                charged_on__lte=until)
                   .select_related("line__invoice", "rule")):
        rows.append(Row(charge.charged_on, "late_fee", _("Late fee: %(rule)s") % {"rule": charge.rule.name},
                        charge.line.invoice.control_number, by_id[charge.line.invoice.student_id],
                        debit=charge.amount, order=3))
    for payment in Payment.objects.filter(student__in=ids, sponsor__isnull=True, received_on__lte=until):
        student = by_id[payment.student_id]
        rows.append(Row(payment.received_on, "payment", _("Payment (%(channel)s)") % {
            "channel": payment.get_channel_display()}, payment.receipt_number, student, credit=payment.amount, order=4))
        if payment.status == Payment.Status.REVERSED and payment.reversed_at:
            day = timezone.localdate(payment.reversed_at)
            if day <= until:
                rows.append(Row(day, "reversal", _("Payment reversed: %(reason)s") % {
                    "reason": payment.reversal_reason}, payment.receipt_number, student, debit=payment.amount,
                                order=5))
    for note in (CreditNote.objects.filter(invoice__student__in=ids, invoice__sponsor__isnull=True,
                                           status=CreditNote.Status.APPROVED, entry__date__lte=until)
                 .select_related("invoice", "entry")):
        rows.append(Row(note.entry.date, note.kind, f"{note.get_kind_display()}: {note.reason}", note.number,
                        by_id[note.invoice.student_id], credit=note.amount, order=6))
    for refund in Refund.objects.filter(student__in=ids, paid_on__lte=until):
        rows.append(Row(refund.paid_on, "refund", _("Refund: %(reason)s") % {"reason": refund.reason}, refund.number,
                        by_id[refund.student_id], debit=refund.amount, order=7))
    rows.sort(key=lambda r: (r.date, r.order, r.reference))
    return rows


def statement(*, students: list[Student], date_from: datetime.date, date_to: datetime.date,
              guardian: Guardian | None = None) -> Statement:
    """The statement of the students' fees between the two dates (both included). A positive balance is
    owed; a negative one is credit."""
    result = Statement(students=list(students), date_from=date_from, date_to=date_to, guardian=guardian)
    running = ZERO
    for row in _rows(result.students, date_to):
        if row.date < date_from:
            running += row.debit - row.credit
            continue
        if not result.rows:
            result.opening = running
        running += row.debit - row.credit
        row.balance = running
        result.rows.append(row)
    if not result.rows:
        result.opening = running
    result.closing = running
    result.credit = sum((p.credit for p in Payment.objects.filter(
        student__in=[s.pk for s in result.students], sponsor__isnull=True, status=Payment.Status.POSTED)), ZERO)
    return result


def student_statement(*, student: Student, date_from: datetime.date, date_to: datetime.date) -> Statement:
    return statement(students=[student], date_from=date_from, date_to=date_to)


def guardian_statement(*, guardian: Guardian, date_from: datetime.date, date_to: datetime.date) -> Statement:
    students = list(Student.objects.filter(guardian_links__guardian=guardian).order_by("first_name", "pk"))
    return statement(students=students, date_from=date_from, date_to=date_to, guardian=guardian)


def default_dates(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """From the first of January to today."""
    today = today or timezone.localdate()
    return datetime.date(today.year, 1, 1), today


def statement_pdf(result: Statement, *, currency: str = "TZS") -> bytes:
    """The statement as a PDF (A4), headed with the school's name, logo and colours."""
    from weasyprint import HTML

    from apps.finance.documents import letterhead
    from apps.results.report_cards import FONTS_DIR

    html = render_to_string("finance/credit/statement_pdf.html", {
        "statement": result, **letterhead(), "currency": currency, "printed": timezone.localtime()})
    return HTML(string=html, base_url=str(FONTS_DIR)).write_pdf()
