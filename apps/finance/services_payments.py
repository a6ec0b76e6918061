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
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import Student
from apps.audit.services import audit_record
from apps.core.bulk import ids_next, rows_copy, rows_update
from apps.finance.models import (
    MANUAL_CHANNELS, ZERO, Allocation, Channel, Invoice, InvoiceInstallment, NumberSeries, Payment,
)
from apps.finance.selectors_payments import student_balances
from apps.ledger.charts import account_for
from apps.ledger.models import Account, JournalEntry
from apps.ledger.services import Entry, Line, amount as money_amount, entries_post_many, entry_post, entry_reverse

OPEN = (Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID)
# providers whose money lands in a mobile-money wallet; the others are banks
WALLET_CHANNELS = (Channel.MPESA, Channel.AIRTEL, Channel.TIGOPESA)


# --- numbering -------------------------------------------------------------------------------------------

def number_block(*, series: str, year: int, count: int) -> int:
    """The first of the next `count` numbers of a yearly document series, taken under a row lock: they
    are only used if the calling transaction commits, so numbers have no gaps."""
    NumberSeries.objects.get_or_create(series=series, year=year)
    row = NumberSeries.objects.select_for_update().get(series=series, year=year)
    first = row.last + 1
    row.last += count
    row.save(update_fields=["last"])
    return first


def number_next(*, series: str, year: int) -> int:
    return number_block(series=series, year=year, count=1)


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


def _open_invoices_locked(*, student: Student, sponsor=None) -> list[Invoice]:
    """The student's open invoices for this payer (the guardian's, or the sponsor's), locked, oldest
    first."""
    invoices = list(Invoice.objects.select_for_update().filter(student=student, status__in=OPEN, sponsor=sponsor)
                    .order_by("id"))
    invoices.sort(key=lambda i: (i.issued_on, i.pk))
    return invoices


def _unpaid_installments_locked(invoice_ids) -> dict[int, list[InvoiceInstallment]]:
    """invoice id -> its instalments not yet fully paid, locked, the earliest due first."""
    parts: dict[int, list[InvoiceInstallment]] = {}
    for part in InvoiceInstallment.objects.select_for_update().filter(invoice_id__in=invoice_ids,
                                                                      paid__lt=F("amount")).order_by("id"):
        parts.setdefault(part.invoice_id, []).append(part)
    for rows in parts.values():
        rows.sort(key=lambda part: (part.due_on, part.number))
    return parts


def _spread(*, payment: Payment, invoices: list[Invoice], parts: dict, available: Decimal,
            entry=None) -> list[Allocation]:
    """Spread `available` over the unpaid instalments (`parts`, by invoice id) of `invoices`, in their
    order, the earliest due first within an invoice. Changes the instalments' and invoices' paid and
    status in memory only; the caller writes them."""
    made = []
    for invoice in invoices:
        if available <= 0:
            break
        for part in parts.get(invoice.pk, ()):
            if available <= 0:
                break
            share = min(available, part.amount - part.paid, invoice.balance)
            if share <= 0:
                continue
            part.paid += share
            invoice.paid += share
            available -= share
            made.append(Allocation(payment=payment, invoice=invoice, installment=part, amount=share, entry=entry))
        invoice_status_refresh(invoice)
    return made


def _write_allocations(made: list[Allocation]) -> None:
    if made:
        for allocation, pk in zip(made, ids_next(Allocation, len(made))):
            allocation.pk = pk
        rows_copy(Allocation, made)
        rows_update(InvoiceInstallment, {a.installment for a in made}, ["paid"])
        rows_update(Invoice, {a.invoice for a in made}, ["paid", "status"])


def _allocate(*, payment: Payment, invoices: list[Invoice], available: Decimal, entry=None) -> list[Allocation]:
    """Spread `available` over the instalments of `invoices` (locked, in their order) and write it."""
    if available <= 0 or not invoices:
        return []
    made = _spread(payment=payment, invoices=invoices, parts=_unpaid_installments_locked([i.pk for i in invoices]),
                   available=available, entry=entry)
    _write_allocations(made)
    return made


# --- payments --------------------------------------------------------------------------------------------

@dataclass
class Received:
    """Money to record (payments_record_many records many at once): what payment_record takes for one,
    checked already."""

    student_id: int
    amount: Decimal
    channel: str
    account: Account
    received_on: datetime.date
    invoice_id: int | None = None  # the invoice the payer named (its control number), settled first
    sponsor_id: int | None = None
    guardian_id: int | None = None
    reference: str = ""
    payer_name: str = ""
    payer_phone: str = ""
    notes: str = ""
    event_id: int | None = None
    statement_line_id: int | None = None
    match_rule: str = ""
    confidence: int | None = None


def _receipt_numbers(received: list[Received]) -> list[str]:
    """A receipt number for each payment, in order, from its year's series (one lock per year)."""
    years: dict[int, int] = {}
    for item in received:
        years[item.received_on.year] = years.get(item.received_on.year, 0) + 1
    next_of = {year: number_block(series="RCT", year=year, count=count) for year, count in sorted(years.items())}
    numbers = []
    for item in received:
        year = item.received_on.year
        numbers.append(f"RCT-{year}-{next_of[year]:06d}")
        next_of[year] += 1
    return numbers


def _entry_for(payment: Payment, allocations: list[Allocation], student: Student, *, receivable: Account,
               advance: Account) -> Entry:
    """Dr the receiving account; Cr fee receivables for what was allocated, fees received in advance for
    the rest."""
    value, allocated = payment.amount, payment.allocated
    lines = [Line(account=payment.account, debit=value, student=student, description=payment.receipt_number)]
    if allocated:
        lines.append(Line(account=receivable, credit=allocated, student=student,
                          description=", ".join(sorted({a.invoice.control_number for a in allocations}))[:200]))
    if value - allocated:
        lines.append(Line(account=advance, credit=value - allocated, student=student, description=_("Credit")))
    memo = _("Receipt %(number)s: %(student)s (%(channel)s)") % {
        "number": payment.receipt_number, "student": student.full_name, "channel": Channel(payment.channel).label}
    return Entry(date=payment.received_on, memo=memo, lines=lines, source=JournalEntry.Source.PAYMENT,
                 source_object=payment)


def _record(received: list[Received], *, actor) -> list[Payment]:
    """Write checked payments (one or many): receipt numbers, allocations to the named invoice first,
    then the student's other open invoices for the same payer (oldest instalment first), the rest as
    credit, and one ledger entry each. Every invoice and instalment of the students is locked for it
    (invoices first, by id). The caller's transaction holds it all."""
    students = Student.objects.only("first_name", "middle_name", "last_name").in_bulk(
        {item.student_id for item in received})
    missing = {item.student_id for item in received} - set(students)
    if missing:
        raise ValidationError({"student": _("No such student.")}, code="no_student")
    numbers = _receipt_numbers(received)
    invoices = {i.pk: i for i in Invoice.objects.select_for_update().filter(student_id__in=students, status__in=OPEN)
                .order_by("id")}
    named = {item.invoice_id for item in received if item.invoice_id is not None}
    owners = {pk: (student_id, sponsor_id) for pk, student_id, sponsor_id in Invoice.objects.filter(
        pk__in=named - set(invoices)).values_list("pk", "student_id", "sponsor_id")} if named - set(invoices) else {}
    owners.update({pk: (i.student_id, i.sponsor_id) for pk, i in invoices.items() if pk in named})
    by_payer: dict[tuple, list[Invoice]] = {}
    for invoice in sorted(invoices.values(), key=lambda i: (i.issued_on, i.pk)):
        by_payer.setdefault((invoice.student_id, invoice.sponsor_id), []).append(invoice)
    parts = _unpaid_installments_locked(list(invoices))
    owed = {pk: row["balance"] for pk, row in student_balances(students).items()}
    books = {"receivable": account_for(purpose=Account.Purpose.FEE_RECEIVABLE),
             "advance": account_for(purpose=Account.Purpose.DEFERRED_INCOME)}
    payments, allocations, entries = [], [], []
    # ids first: each entry names its payment, and a posted entry cannot be changed afterwards
    for item, pk, number in zip(received, ids_next(Payment, len(received)), numbers):
        first = invoices.get(item.invoice_id)
        if owners.get(item.invoice_id, (item.student_id, item.sponsor_id)) != (item.student_id, item.sponsor_id):
            raise ValidationError({"invoice": _("That invoice is not %(student)s's.") % {
                "student": students[item.student_id].full_name}}, code="wrong_invoice")
        if first is not None and not first.is_open:
            first = None  # settled by an earlier payment of this batch: the money goes on, or to credit
        guardian_id = item.guardian_id
        if guardian_id is None and item.sponsor_id is None and first is not None:
            guardian_id = first.guardian_id
        payment = Payment(
            pk=pk, receipt_number=number, student_id=item.student_id, guardian_id=guardian_id,
            sponsor_id=item.sponsor_id, received_on=item.received_on, amount=item.amount, channel=item.channel,
            account=item.account, reference=item.reference, payer_name=item.payer_name,
            payer_phone=item.payer_phone, notes=item.notes, event_id=item.event_id,
            statement_line_id=item.statement_line_id, match_rule=item.match_rule[:30], confidence=item.confidence,
            created_by=actor if getattr(actor, "pk", None) else None)
        order = [first] if first is not None else []
        order += [i for i in by_payer.get((item.student_id, item.sponsor_id), ()) if i is not first and i.is_open]
        made = _spread(payment=payment, invoices=order, parts=parts, available=item.amount)
        payment.allocated = sum((a.amount for a in made), ZERO)
        owed[item.student_id] -= item.amount
        payment.balance_after = owed[item.student_id]
        entries.append(_entry_for(payment, made, students[item.student_id], **books))
        payments.append(payment)
        allocations += made
    for payment, entry in zip(payments, entries_post_many(entries, actor=actor)):
        payment.entry = entry
    rows_copy(Payment, payments)
    _write_allocations(allocations)
    return payments


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
    received_on = _received_on(received_on)
    reference = (reference or "").strip()[:80]
    if channel in (Channel.CHEQUE, Channel.BANK_SLIP) and not reference:
        raise ValidationError({"reference": _("Give the cheque or deposit slip number.")}, code="reference_required")
    payment = _record([Received(
        student_id=student.pk, amount=value, channel=channel, account=_receiving_account(account, channel),
        received_on=received_on, invoice_id=getattr(invoice, "pk", None), sponsor_id=getattr(sponsor, "pk", None),
        guardian_id=getattr(guardian, "pk", None), reference=reference, payer_name=(payer_name or "").strip()[:120],
        payer_phone=(payer_phone or "")[:20], notes=(notes or "").strip()[:300], event_id=getattr(event, "pk", None),
        statement_line_id=getattr(statement_line, "pk", None), match_rule=match_rule,
        confidence=confidence)], actor=actor)[0]
    audit_record(action="finance.payment_record", actor=actor, target=payment, request=request, detail={
        "receipt": payment.receipt_number, "student": student.pk, "amount": str(value), "channel": channel,
        "allocated": str(payment.allocated), "reference": reference})
    _receipt_render_later([payment.pk])
    return payment


@transaction.atomic
def payments_record_many(received: list[Received], *, actor, target=None) -> list[Payment]:
    """Record many payments at once (a bank statement's sure matches), each exactly as payment_record
    would, with one insert per table instead of one round of queries per payment and one audit event
    for the batch (naming every receipt). Refused as a whole when any one is refused: the caller then
    records them one by one to find it."""
    if not received:
        return []
    accounts: dict[int, Account] = {}
    for item in received:
        item.amount = money_amount(item.amount)
        if item.amount <= 0:
            raise ValidationError({"amount": _("The amount must be more than zero.")}, code="not_positive")
        if item.channel not in Channel.values:
            raise ValidationError({"channel": _("Choose how the money was paid.")}, code="bad_channel")
        item.received_on = _received_on(item.received_on)
        if item.account.pk not in accounts:
            accounts[item.account.pk] = _receiving_account(item.account, item.channel)
    payments = _record(received, actor=actor)
    audit_record(action="finance.payments_record_many", actor=actor, target=target, detail={
        "count": len(payments), "amount": str(sum((p.amount for p in payments), ZERO)),
        "allocated": str(sum((p.allocated for p in payments), ZERO)),
        "receipts": [p.receipt_number for p in payments]})
    _receipt_render_later([p.pk for p in payments])
    return payments


def _received_on(day: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    day = day or today
    if day > today:
        raise ValidationError({"received_on": _("A payment cannot be received in the future.")}, code="future")
    return day


def _receipt_render_later(payment_ids: list[int]) -> None:
    """Receipt PDFs are made by a worker once the payments are committed (apps.finance.receipts)."""
    def enqueue():
        from apps.finance.receipts import receipt_render_enqueue

        receipt_render_enqueue(payment_ids)

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
