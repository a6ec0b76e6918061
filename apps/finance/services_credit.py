"""Taking amounts off invoices and paying credit back: credit notes (a bookkeeper, posted at once), write-offs
(requested by a bookkeeper, approved by a school admin who did not request them: maker-checker) and refunds
of a student's credit. Every step posts its ledger entry:

    credit note      Dr the category's income account (or the invoice's, pro rata)   Cr fee receivables
    write-off        Dr bad debts                                                    Cr fee receivables
    refund           Dr fees received in advance                                     Cr cash/bank/wallet

A credit note or write-off raises the invoice's `credited` and settles its latest unpaid instalments first
(the earliest stay due). Services run in a transaction, lock the rows they change and refuse bad input with
a ValidationError naming the field, writing nothing."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import Student
from apps.audit.services import audit_record
from apps.finance.models import ZERO, CreditNote, FeeCategory, Invoice, InvoiceInstallment, Payment, Refund, RefundPart
from apps.finance.services_payments import OPEN, document_number, invoice_status_refresh
from apps.ledger.access import require_bookkeeper, require_school_admin
from apps.ledger.charts import account_for
from apps.ledger.models import Account, JournalEntry
from apps.ledger.services import Line, amount as money_amount, entry_post

CENT = Decimal("0.01")
PAID_FROM = (Account.Purpose.CASH, Account.Purpose.BANK, Account.Purpose.WALLET)


# --- checks ----------------------------------------------------------------------------------------------

def _positive(value) -> Decimal:
    value = money_amount(value)
    if value <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")}, code="not_positive")
    return value


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("Say why.")}, code="reason_required")
    if len(reason) > 300:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": 300}}, code="too_long")
    return reason


def _invoice_locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update(of=("self",)).select_related("student").get(pk=invoice.pk)


def _check_takes(invoice: Invoice, value: Decimal) -> None:
    """An amount can come off an open invoice, and no more than its balance."""
    if invoice.status not in OPEN:
        raise ValidationError({"invoice": _("%(ref)s is %(status)s: nothing can be taken off it.") % {
            "ref": invoice.reference, "status": invoice.get_status_display().lower()}}, code="invoice_closed")
    if value > invoice.balance:
        raise ValidationError({"amount": _("%(ref)s has %(balance)s left to pay; the amount cannot be more.") % {
            "ref": invoice.reference, "balance": f"{invoice.balance:,.2f}"}}, code="more_than_balance")


# --- applying to an invoice ------------------------------------------------------------------------------

def _apply(invoice: Invoice, value: Decimal) -> None:
    """Raise the (locked) invoice's credited by `value`, settling its latest unpaid instalments first."""
    parts = list(InvoiceInstallment.objects.select_for_update().filter(invoice=invoice, paid__lt=F("amount"))
                 .order_by("-number"))
    left = value
    touched = []
    for part in parts:
        if left <= 0:
            break
        share = min(left, part.amount - part.paid)
        part.paid += share
        left -= share
        touched.append(part)
    if touched:
        InvoiceInstallment.objects.bulk_update(touched, ["paid"])
    invoice.credited += value
    invoice_status_refresh(invoice)
    invoice.save(update_fields=["credited", "status"])


def _income_shares(invoice: Invoice, value: Decimal, category: FeeCategory | None) -> list[tuple[Account, Decimal]]:
    """What each income account gives back: the category's, or the invoice's accounts in proportion to
    their net lines (discounts included); cents left by rounding go to the largest."""
    if category is not None:
        return [(category.income_account, value)]
    net: dict = {}
    for line in invoice.lines.select_related("category__income_account"):
        account = line.category.income_account
        net[account] = net.get(account, ZERO) + line.amount
    net = {account: amount for account, amount in net.items() if amount > 0}
    whole = sum(net.values(), ZERO)
    if not whole:
        raise ValidationError({"category": _("Choose the fee category the credit is for.")}, code="no_income")
    shares = [(account, (value * amount / whole).quantize(CENT, rounding=ROUND_HALF_UP))
              for account, amount in sorted(net.items(), key=lambda kv: (-kv[1], kv[0].code))]
    rest = value - sum((s for _a, s in shares), ZERO)
    shares[0] = (shares[0][0], shares[0][1] + rest)
    return [(account, share) for account, share in shares if share]


def _post(note: CreditNote, *, debits: list[tuple[Account, Decimal]], actor, request) -> JournalEntry:
    invoice = note.invoice
    student = invoice.student
    label = _("Credit note") if note.kind == CreditNote.Kind.CREDIT_NOTE else _("Write-off")
    return entry_post(
        date=timezone.localdate(), source=JournalEntry.Source.INVOICE, source_object=note, actor=actor,
        request=request, memo=_("%(label)s %(number)s: %(student)s, %(ref)s") % {
            "label": label, "number": note.number, "student": student.full_name, "ref": invoice.reference},
        lines=[*[Line(account=account, debit=share, student=student, description=note.reason[:200])
                 for account, share in debits],
               Line(account=account_for(purpose=Account.Purpose.FEE_RECEIVABLE), credit=note.amount, student=student,
                    description=invoice.control_number)])


# --- credit notes ----------------------------------------------------------------------------------------

@transaction.atomic
def credit_note_issue(*, invoice: Invoice, amount, reason: str, actor, category: FeeCategory | None = None,
                      request=None) -> CreditNote:
    """Take an amount off an invoice (a fee charged in error, a pupil who left mid-term): posted at once,
    Dr the category's income account (or the invoice's income accounts pro rata) / Cr fee receivables."""
    require_bookkeeper(actor)
    value = _positive(amount)
    reason = _reason(reason)
    invoice = _invoice_locked(invoice)
    _check_takes(invoice, value)
    if category is not None and not invoice.lines.filter(category=category).exists():
        raise ValidationError({"category": _("%(ref)s has no %(category)s line.") % {
            "ref": invoice.reference, "category": category.name}}, code="category_not_on_invoice")
    debits = _income_shares(invoice, value, category)
    today = timezone.localdate()
    note = CreditNote.objects.create(
        number=document_number(series="CN", day=today), kind=CreditNote.Kind.CREDIT_NOTE, invoice=invoice,
        category=category, amount=value, reason=reason, status=CreditNote.Status.PENDING, requested_by=actor)
    note.entry = _post(note, debits=debits, actor=actor, request=request)
    note.status, note.decided_by, note.decided_at = CreditNote.Status.APPROVED, actor, timezone.now()
    note.save(update_fields=["entry", "status", "decided_by", "decided_at"])
    _apply(invoice, value)
    audit_record(action="finance.credit_note_issue", actor=actor, target=note, request=request, detail={
        "number": note.number, "invoice": invoice.pk, "amount": str(value), "reason": reason,
        "category": getattr(category, "pk", None)})
    return note


# --- write-offs ------------------------------------------------------------------------------------------

@transaction.atomic
def write_off_request(*, invoice: Invoice, amount, reason: str, actor, request=None) -> CreditNote:
    """Ask to write off a debt the school will not collect; nothing is posted until a school admin who did
    not ask approves it."""
    require_bookkeeper(actor)
    value = _positive(amount)
    reason = _reason(reason)
    invoice = _invoice_locked(invoice)
    _check_takes(invoice, value)
    note = CreditNote.objects.create(
        number=document_number(series="WO", day=timezone.localdate()), kind=CreditNote.Kind.WRITE_OFF,
        invoice=invoice, amount=value, reason=reason, status=CreditNote.Status.PENDING, requested_by=actor)
    audit_record(action="finance.write_off_request", actor=actor, target=note, request=request, detail={
        "number": note.number, "invoice": invoice.pk, "amount": str(value), "reason": reason})
    return note


@transaction.atomic
def write_off_decide(*, credit_note: CreditNote, approve: bool, note: str, actor, request=None) -> CreditNote:
    """A school admin other than the requester approves a pending write-off (Dr bad debts / Cr fee
    receivables, applied to the invoice as a credit note is; the balance is checked again) or rejects it,
    saying why."""
    require_school_admin(actor)
    decision = (note or "").strip()
    if len(decision) > 300:
        raise ValidationError({"note": _("At most %(n)s characters.") % {"n": 300}}, code="too_long")
    credit_note = CreditNote.objects.select_for_update().get(pk=credit_note.pk)
    if credit_note.kind != CreditNote.Kind.WRITE_OFF or credit_note.status != CreditNote.Status.PENDING:
        raise ValidationError(_("%(number)s is not a write-off waiting for approval.") % {
            "number": credit_note.number}, code="wrong_status")
    if credit_note.requested_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("You asked for this write-off, so another school admin must decide it "
                                "(maker-checker)."), code="own_request")
    if not approve and not decision:
        raise ValidationError({"note": _("Say why the write-off is rejected.")}, code="reason_required")
    if approve:
        invoice = _invoice_locked(credit_note.invoice)
        _check_takes(invoice, credit_note.amount)
        credit_note.invoice = invoice
        credit_note.entry = _post(credit_note, actor=actor, request=request, debits=[
            (account_for(purpose=Account.Purpose.BAD_DEBT), credit_note.amount)])
        _apply(invoice, credit_note.amount)
    credit_note.status = CreditNote.Status.APPROVED if approve else CreditNote.Status.REJECTED
    credit_note.decided_by, credit_note.decided_at, credit_note.decision_note = actor, timezone.now(), decision
    credit_note.save(update_fields=["status", "entry", "decided_by", "decided_at", "decision_note"])
    audit_record(action="finance.write_off_approve" if approve else "finance.write_off_reject", actor=actor,
                 target=credit_note, request=request, detail={
                     "number": credit_note.number, "amount": str(credit_note.amount), "note": decision})
    return credit_note


# --- refunds ---------------------------------------------------------------------------------------------

def student_credit(student: Student) -> Decimal:
    """What the student's posted payments hold that is neither allocated nor refunded."""
    return sum((p.credit for p in Payment.objects.filter(
        student=student, status=Payment.Status.POSTED, allocated__lt=F("amount") - F("refunded"))), ZERO)


def _next_id(model) -> int:
    """An id for a row about to be written, so the entry posted first (a refund cannot exist without its
    entry) can name it as its source; the sequence never hands it out twice."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [model._meta.db_table])
        return cursor.fetchone()[0]


@transaction.atomic
def refund_pay(*, student: Student, amount, account: Account, reason: str, actor, reference: str = "",
               paid_on: datetime.date | None = None, request=None) -> Refund:
    """Pay back part or all of a student's credit from a cash, bank or wallet account, taking it from the
    payments that hold credit, oldest first: Dr fees received in advance / Cr that account."""
    require_bookkeeper(actor)
    value = _positive(amount)
    reason = _reason(reason)
    if (not isinstance(account, Account) or account.purpose not in PAID_FROM or account.is_group
            or not account.is_active):
        raise ValidationError({"account": _("Pay from an active cash, bank or mobile-money account.")},
                              code="bad_account")
    today = timezone.localdate()
    paid_on = paid_on or today
    if paid_on > today:
        raise ValidationError({"paid_on": _("A refund cannot be paid in the future.")}, code="future")
    reference = (reference or "").strip()
    if len(reference) > 80:
        raise ValidationError({"reference": _("At most %(n)s characters.") % {"n": 80}}, code="too_long")
    student = Student.objects.get(pk=student.pk)
    payments = list(Payment.objects.select_for_update()
                    .filter(student=student, status=Payment.Status.POSTED, allocated__lt=F("amount") - F("refunded"))
                    .order_by("received_on", "id"))
    credit = sum((p.credit for p in payments), ZERO)
    if value > credit:
        raise ValidationError({"amount": _("%(student)s has %(credit)s of credit; the refund cannot be more.") % {
            "student": student.full_name, "credit": f"{credit:,.2f}"}}, code="more_than_credit")
    refund = Refund(pk=_next_id(Refund), number=document_number(series="RF", day=paid_on), student=student, amount=value,
                    account=account, paid_on=paid_on, reason=reason, reference=reference, created_by=actor)
    parts, left = [], value
    for payment in payments:
        if left <= 0:
            break
        share = min(left, payment.credit)
        payment.refunded += share
        left -= share
        parts.append(RefundPart(refund=refund, payment=payment, amount=share))
    refund.entry = entry_post(
        date=paid_on, source=JournalEntry.Source.PAYMENT, source_object=refund, actor=actor, request=request,
        memo=_("Refund: %(student)s") % {"student": student.full_name}, lines=[
            Line(account=account_for(purpose=Account.Purpose.DEFERRED_INCOME), debit=value, student=student,
                 description=reason[:200]),
            Line(account=account, credit=value, student=student, description=reference or reason[:200])])
    refund.save(force_insert=True)
    RefundPart.objects.bulk_create(parts)
    Payment.objects.bulk_update([part.payment for part in parts], ["refunded"])
    audit_record(action="finance.refund_pay", actor=actor, target=refund, request=request, detail={
        "number": refund.number, "student": student.pk, "amount": str(value), "account": account.code,
        "reason": reason, "payments": [part.payment.pk for part in parts]})
    return refund
