"""Receiving money: recording a payment (by hand, or from a provider's event or a statement line) with a
receipt number from a gapless yearly series, allocating it to the student's oldest unpaid instalments
(the invoice it names first), carrying what is left as the student's credit, applying that credit to a
later invoice, and reversing a payment recorded in error. Every step posts its ledger entry:

    payment          Dr cash/bank/wallet         Cr fee receivables (allocated) + fees received in advance (rest)
    credit applied   Dr fees received in advance  Cr fee receivables
    reversal         the entries above, reversed

Services run in a transaction, lock the invoices and instalments they change (invoices first, by id, so
two payments for one family wait for each other instead of deadlocking), and refuse bad input with a
ValidationError that says what is wrong, writing nothing."""

import datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import Student
from apps.audit.services import audit_record
from apps.finance.models import (
    MANUAL_CHANNELS, ZERO, Allocation, Channel, Invoice, InvoiceInstallment, NumberSeries, Payment,
)
from apps.ledger.charts import account_for
from apps.ledger.models import Account, JournalEntry
from apps.ledger.services import Line, amount as money_amount, entry_post, entry_reverse

OPEN = (Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID)
# providers whose money lands in a mobile-money wallet; the others are banks
WALLET_CHANNELS = (Channel.MPESA, Channel.AIRTEL, Channel.TIGOPESA)


# --- numbering -------------------------------------------------------------------------------------------

def number_next(*, series: str, year: int) -> int:
    """The next number of a yearly document series, taken under a row lock: it is only used if the
    calling transaction commits, so numbers have no gaps."""
    NumberSeries.objects.get_or_create(series=series, year=year)
    row = NumberSeries.objects.select_for_update().get(series=series, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def document_number(*, series: str, day: datetime.date) -> str:
    """"RCT-2026-000123": the series, the year and the next number in it."""
    return f"{series}-{day.year}-{number_next(series=series, year=day.year):06d}"


# --- accounts --------------------------------------------------------------------------------------------

def account_for_channel(channel: str) -> Account:
    """Where money received through a channel lands: the cash account, or the provider's bank account or
    wallet in the chart. Cheques and deposit slips go to the school's first bank account unless the
    person entering them chooses one."""
    try:
        if channel == Channel.CASH:
            return account_for(purpose=Account.Purpose.CASH)
        if channel in (Channel.CHEQUE, Channel.BANK_SLIP):
            return account_for(purpose=Account.Purpose.BANK)
        if channel == Channel.SANDBOX:
            return account_for(purpose=Account.Purpose.WALLET, provider=Channel.MPESA)
        purpose = Account.Purpose.WALLET if channel in WALLET_CHANNELS else Account.Purpose.BANK
        return account_for(purpose=purpose, provider=channel)
    except ImproperlyConfigured:
        raise ValidationError(_("The chart of accounts has no account for %(channel)s; add one under Accounts.") % {
            "channel": Channel(channel).label}, code="no_account") from None


def _receiving_account(account: Account | None, channel: str) -> Account:
    if account is None:
        return account_for_channel(channel)
    if account.is_group or not account.is_active or account.purpose not in (
            Account.Purpose.CASH, Account.Purpose.BANK, Account.Purpose.WALLET):
        raise ValidationError({"account": _("Money is received into an active cash, bank or mobile-money "
                                            "account.")}, code="bad_account")
    return account


# --- allocation ------------------------------------------------------------------------------------------

def invoice_status_refresh(invoice: Invoice) -> None:
    """Set an invoice's status from what is paid and credited on it (the caller saves it)."""
    if invoice.status == Invoice.Status.VOID:
        return
    if invoice.paid + invoice.credited >= invoice.total:
        invoice.status = Invoice.Status.PAID
    elif invoice.paid > 0 or invoice.credited > 0:
        invoice.status = Invoice.Status.PARTLY_PAID
    else:
        invoice.status = Invoice.Status.ISSUED


def _open_invoices_locked(*, student: Student, sponsor=None, first: Invoice | None = None) -> list[Invoice]:
    """The student's open invoices for this payer (the guardian's, or the sponsor's), locked, the named
    invoice first and then the oldest first."""
    invoices = list(Invoice.objects.select_for_update().filter(student=student, status__in=OPEN, sponsor=sponsor)
                    .order_by("id"))
    invoices.sort(key=lambda i: (first is None or i.pk != first.pk, i.issued_on, i.pk))
    return invoices


def _allocate(*, payment: Payment, invoices: list[Invoice], available: Decimal, entry=None) -> list[Allocation]:
    """Spread `available` over the instalments of `invoices` (in their order; within one invoice the
    earliest due first), updating instalments and invoices. Returns the allocations made."""
    if available <= 0 or not invoices:
        return []
    by_invoice = {i.pk: i for i in invoices}
    installments = list(InvoiceInstallment.objects.select_for_update()
                        .filter(invoice__in=invoices, paid__lt=F("amount")).order_by("id"))
    order = {i.pk: n for n, i in enumerate(invoices)}
    installments.sort(key=lambda part: (order[part.invoice_id], part.due_on, part.number))
    made = []
    for part in installments:
        if available <= 0:
            break
        invoice = by_invoice[part.invoice_id]
        share = min(available, part.amount - part.paid, invoice.balance)
        if share <= 0:
            continue
        part.paid += share
        invoice.paid += share
        available -= share
        made.append(Allocation(payment=payment, invoice=invoice, installment=part, amount=share, entry=entry))
    if made:
        Allocation.objects.bulk_create(made)
        InvoiceInstallment.objects.bulk_update({a.installment for a in made}, ["paid"])
        touched = {a.invoice for a in made}
        for invoice in touched:
            invoice_status_refresh(invoice)
        Invoice.objects.bulk_update(touched, ["paid", "status"])
    return made


# --- payments --------------------------------------------------------------------------------------------

@transaction.atomic
def payment_record(*, student: Student, amount, channel: str, actor, received_on: datetime.date | None = None,
                   account: Account | None = None, invoice: Invoice | None = None, reference: str = "",
                   payer_name: str = "", payer_phone: str = "", notes: str = "", guardian=None, sponsor=None,
                   event=None, statement_line=None, match_rule: str = "", confidence: int | None = None,
                   request=None) -> Payment:
    """Record money received for a student and give it a receipt number. It settles the named invoice
    first (the control number the payer quoted), then the student's other open invoices for the same
    payer, oldest instalment first; what is left is the student's credit, applied to the next invoice."""
    value = money_amount(amount)
    if value <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")}, code="not_positive")
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose how the money was paid.")}, code="bad_channel")
    if event is None and statement_line is None and channel not in MANUAL_CHANNELS:
        raise ValidationError({"channel": _("Mobile-money and bank payments come in through their notifications "
                                            "or statements; record cash, cheques and deposit slips here.")},
                              code="not_manual")
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": _("A payment cannot be received in the future.")}, code="future")
    reference = (reference or "").strip()[:80]
    if channel in (Channel.CHEQUE, Channel.BANK_SLIP) and not reference:
        raise ValidationError({"reference": _("Give the cheque or deposit slip number.")}, code="reference_required")
    student = Student.objects.select_related("stream").get(pk=student.pk)
    if invoice is not None and (invoice.student_id != student.pk or invoice.sponsor_id != getattr(sponsor, "pk", None)):
        raise ValidationError({"invoice": _("That invoice is not %(student)s's.") % {"student": student.full_name}},
                              code="wrong_invoice")
    if invoice is not None and not Invoice.objects.filter(pk=invoice.pk, status__in=OPEN).exists():
        invoice = None  # already settled or void: the money goes to the student's other invoices, or credit
    account = _receiving_account(account, channel)
    if guardian is None and sponsor is None and invoice is not None:
        guardian = invoice.guardian
    payment = Payment.objects.create(
        receipt_number=document_number(series="RCT", day=received_on), student=student, guardian=guardian,
        sponsor=sponsor, received_on=received_on, amount=value, channel=channel, account=account,
        reference=reference, payer_name=(payer_name or "").strip()[:120], payer_phone=(payer_phone or "")[:20],
        notes=(notes or "").strip()[:300], event=event, statement_line=statement_line,
        match_rule=match_rule[:30], confidence=confidence, created_by=actor)
    invoices = _open_invoices_locked(student=student, sponsor=sponsor, first=invoice)
    allocations = _allocate(payment=payment, invoices=invoices, available=value)
    allocated = sum((a.amount for a in allocations), ZERO)
    payment.allocated = allocated
    lines = [Line(account=account, debit=value, student=student, description=payment.receipt_number)]
    if allocated:
        lines.append(Line(account=account_for(purpose=Account.Purpose.FEE_RECEIVABLE), credit=allocated,
                          student=student, description=", ".join(sorted({a.invoice.control_number
                                                                        for a in allocations}))[:200]))
    if value - allocated:
        lines.append(Line(account=account_for(purpose=Account.Purpose.DEFERRED_INCOME), credit=value - allocated,
                          student=student, description=_("Credit")))
    payment.entry = entry_post(
        date=received_on, memo=_("Receipt %(number)s: %(student)s (%(channel)s)") % {
            "number": payment.receipt_number, "student": student.full_name, "channel": Channel(channel).label},
        source=JournalEntry.Source.PAYMENT, source_object=payment, actor=actor, request=request, lines=lines)
    payment.save(update_fields=["allocated", "entry"])
    audit_record(action="finance.payment_record", actor=actor, target=payment, request=request, detail={
        "receipt": payment.receipt_number, "student": student.pk, "amount": str(value), "channel": channel,
        "allocated": str(allocated), "reference": reference})
    _receipt_render_later(payment)
    return payment


def _receipt_render_later(payment: Payment) -> None:
    """The receipt PDF is made by a worker once the payment is committed (apps.finance.receipts)."""
    def enqueue():
        from apps.finance.receipts import receipt_render_enqueue

        receipt_render_enqueue(payment.pk)

    transaction.on_commit(enqueue, robust=True)


@transaction.atomic
def credit_apply(*, student: Student, actor, sponsor=None, request=None) -> list[Allocation]:
    """Apply the student's credit (what earlier payments left over, oldest first) to the student's open
    invoices for that payer, oldest instalment first; posts Dr fees received in advance / Cr fee
    receivables. Does nothing when there is no credit or nothing open."""
    payments = list(Payment.objects.select_for_update()
                    .filter(student=student, sponsor=sponsor, status=Payment.Status.POSTED,
                            allocated__lt=F("amount") - F("refunded")).order_by("received_on", "id"))
    if not payments:
        return []
    invoices = _open_invoices_locked(student=student, sponsor=sponsor)
    if not invoices:
        return []
    made = []
    for payment in payments:
        allocations = _allocate(payment=payment, invoices=[i for i in invoices if i.is_open], available=payment.credit)
        if allocations:
            payment.allocated += sum((a.amount for a in allocations), ZERO)
            made += allocations
    if not made:
        return []
    total = sum((a.amount for a in made), ZERO)
    entry = entry_post(
        date=timezone.localdate(), memo=_("Credit applied: %(student)s") % {"student": student.full_name},
        source=JournalEntry.Source.PAYMENT, source_object=made[0].payment, actor=actor, request=request, lines=[
            Line(account=account_for(purpose=Account.Purpose.DEFERRED_INCOME), debit=total, student=student,
                 description=_("Credit")),
            Line(account=account_for(purpose=Account.Purpose.FEE_RECEIVABLE), credit=total, student=student,
                 description=", ".join(sorted({a.invoice.control_number for a in made}))[:200])])
    Allocation.objects.filter(pk__in=[a.pk for a in made]).update(entry=entry)
    Payment.objects.bulk_update([p for p in payments if p.allocated], ["allocated"])
    audit_record(action="finance.credit_apply", actor=actor, target=student, request=request,
                 detail={"amount": str(total), "invoices": sorted({a.invoice_id for a in made})})
    return made


@transaction.atomic
def payment_reverse(*, payment: Payment, reason: str, actor, request=None) -> Payment:
    """Undo a payment recorded in error (the wrong student, a bounced cheque, a mistaken match): its entry
    and the entries of credit applied from it are reversed, what it settled is owed again, and the
    statement line or event it came from waits to be matched again. The receipt number stays used."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is reversed.")}, code="reason_required")
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != Payment.Status.POSTED:
        raise ValidationError(_("Receipt %(number)s is already reversed.") % {"number": payment.receipt_number},
                              code="already_reversed")
    if payment.refunded:
        raise ValidationError(_("Part of receipt %(number)s was refunded; it cannot be reversed.") % {
            "number": payment.receipt_number}, code="refunded")
    allocations = list(payment.allocations.filter(reversed_at__isnull=True).select_related("entry"))
    invoices = {i.pk: i for i in Invoice.objects.select_for_update().filter(
        pk__in={a.invoice_id for a in allocations}).order_by("id")}
    parts = {p.pk: p for p in InvoiceInstallment.objects.select_for_update().filter(
        pk__in={a.installment_id for a in allocations}).order_by("id")}
    now = timezone.now()
    for allocation in allocations:
        parts[allocation.installment_id].paid -= allocation.amount
        invoices[allocation.invoice_id].paid -= allocation.amount
    for invoice in invoices.values():
        invoice_status_refresh(invoice)
    InvoiceInstallment.objects.bulk_update(parts.values(), ["paid"])
    Invoice.objects.bulk_update(invoices.values(), ["paid", "status"])
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).update(reversed_at=now)
    memo = _("Reversal of %(number)s: %(reason)s") % {"number": payment.receipt_number, "reason": reason[:200]}
    # credit applied later has its own entry, shared by every allocation of that application: reverse the
    # part of it that came from this payment
    later = {}
    for allocation in allocations:
        if allocation.entry_id:
            later[allocation.entry_id] = later.get(allocation.entry_id, ZERO) + allocation.amount
    if later:
        total = sum(later.values(), ZERO)
        entry_post(date=timezone.localdate(), memo=memo, source=JournalEntry.Source.PAYMENT, source_object=payment,
                   actor=actor, request=request, lines=[
                       Line(account=account_for(purpose=Account.Purpose.FEE_RECEIVABLE), debit=total,
                            student=payment.student, description=payment.receipt_number),
                       Line(account=account_for(purpose=Account.Purpose.DEFERRED_INCOME), credit=total,
                            student=payment.student, description=payment.receipt_number)])
    payment.reversal_entry = entry_reverse(entry=payment.entry, actor=actor, request=request, memo=memo)
    payment.status, payment.reversal_reason = Payment.Status.REVERSED, reason[:300]
    payment.reversed_at, payment.reversed_by, payment.allocated = now, actor, ZERO
    payment.save(update_fields=["reversal_entry", "status", "reversal_reason", "reversed_at", "reversed_by",
                                "allocated"])
    audit_record(action="finance.payment_reverse", actor=actor, target=payment, request=request,
                 detail={"receipt": payment.receipt_number, "amount": str(payment.amount), "reason": reason[:300]})
    return payment
