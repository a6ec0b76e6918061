"""Receipts (PDF) for payments: what a receipt shows (the school's name and logo from its profile, as on
report cards; the receipt number, date, student, payer, channel and reference; the amount in figures and in
English words; what it settled, invoice by invoice and instalment by instalment; the credit it carried and
the student's balance after it; a REVERSED stamp once reversed), rendered with WeasyPrint and stored on the
payment. A worker renders it once the payment is committed (`render_receipt_task`); the download renders it
on the spot when the worker has not yet.

A stored receipt's file name says whether it was made before or after a reversal, so a payment reversed
after its receipt was made gets a new one (stamped) the next time anyone asks for it."""

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.finance.models import ZERO, Payment

logger = logging.getLogger(__name__)

# --- amounts in words (English, Tanzanian shillings) ------------------------------------------------------

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_SCALES = [(10 ** 12, "trillion"), (10 ** 9, "billion"), (10 ** 6, "million"), (1000, "thousand")]


def _below_thousand(n: int) -> str:
    words = []
    if n >= 100:
        words.append(f"{_ONES[n // 100]} hundred")
        n %= 100
        if n:
            words.append("and")
    if n >= 20:
        words.append(_TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    elif n or not words:
        words.append(_ONES[n])
    return " ".join(words)


def number_in_words(n: int) -> str:
    """A whole number in English words, the British way: 1250 -> "one thousand two hundred and fifty"."""
    if n < 0:
        return "minus " + number_in_words(-n)
    if n < 1000:
        return _below_thousand(n)
    words = []
    for size, name in _SCALES:
        if n >= size:
            words.append(f"{number_in_words(n // size)} {name}")
            n %= size
    if n:
        words.append(("and " if n < 100 else "") + _below_thousand(n))
    return " ".join(words)


def amount_in_words(amount) -> str:
    """An amount of shillings in words, as written on a receipt: "Three hundred thousand shillings only";
    cents when there are any: "Ten shillings and fifty cents only"."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shillings, cents = int(value), int((value - int(value)) * 100)
    text = f"{number_in_words(shillings)} {'shilling' if shillings == 1 else 'shillings'}"
    if cents:
        text += f" and {number_in_words(cents)} {'cent' if cents == 1 else 'cents'}"
    return text[:1].upper() + text[1:] + " only"


# --- what a receipt shows --------------------------------------------------------------------------------

def receipt_filename(payment: Payment) -> str:
    """receipts/RCT-2026-000123.pdf, or ...-reversed.pdf for the stamped receipt of a reversed payment."""
    suffix = "-reversed" if payment.status == Payment.Status.REVERSED else ""
    return f"receipts/{payment.receipt_number}{suffix}.pdf"


def receipt_is_current(payment: Payment) -> bool:
    """Whether the stored receipt is the one for the payment as it is now (made, and stamped if reversed)."""
    return bool(payment.receipt_pdf and payment.receipt_pdf.name
                and payment.receipt_pdf.name.rsplit("/", 1)[-1] == receipt_filename(payment).rsplit("/", 1)[-1])


def receipt_context(payment: Payment) -> dict:
    from apps.finance.documents import letterhead
    from apps.finance.selectors_payments import student_balances

    payment = (Payment.objects.select_related("student__stream__school_class", "guardian__user", "sponsor",
                                              "account", "created_by")
               .get(pk=payment.pk))
    allocations = list(payment.allocations.select_related("invoice", "installment").order_by("id"))
    reversed_ = payment.status == Payment.Status.REVERSED
    settled = [a for a in allocations if a.reversed_at is None or reversed_]
    settled_total = sum((a.amount for a in settled), ZERO)
    balance = student_balances([payment.student])[payment.student_id]["balance"]
    if payment.balance_after is not None and not reversed_:
        balance = payment.balance_after  # as it stood when the money came in, however often it is printed
    payer = payment.payer_name or (str(payment.sponsor) if payment.sponsor_id else "") or \
        (str(payment.guardian) if payment.guardian_id else "")
    return {
        "payment": payment, "student": payment.student, "allocations": settled,
        "settled_total": settled_total,
        "credit_carried": payment.amount - settled_total - payment.refunded if not reversed_ else ZERO,
        "balance": balance, "payer": payer, "reversed": reversed_,
        "words": amount_in_words(payment.amount), **letterhead(),
        "currency": getattr(getattr(connection, "tenant", None), "currency", "") or "TZS",
        "printed": timezone.localtime(),
    }


def receipt_html(payment: Payment) -> str:
    return render_to_string("finance/payments/receipt_pdf.html", receipt_context(payment))


def receipt_render(*, payment: Payment) -> bytes:
    """The receipt of a payment as a PDF (A5), rendered now and stored on the payment (replacing a receipt
    made before the payment was reversed)."""
    from weasyprint import HTML

    from apps.results.report_cards import FONTS_DIR

    pdf = HTML(string=receipt_html(payment), base_url=str(FONTS_DIR)).write_pdf()
    name = receipt_filename(payment)
    old = payment.receipt_pdf.name if payment.receipt_pdf else ""
    if default_storage.exists(name):
        default_storage.delete(name)
    payment.receipt_pdf.name = default_storage.save(name, ContentFile(pdf))
    Payment.objects.filter(pk=payment.pk).update(receipt_pdf=payment.receipt_pdf.name)
    if old and old != payment.receipt_pdf.name and default_storage.exists(old):
        default_storage.delete(old)
    return pdf


def receipt_pdf_bytes(payment: Payment) -> bytes:
    """The receipt to hand out: the stored one when it is current, else rendered (and stored) now."""
    if receipt_is_current(payment):
        try:
            with payment.receipt_pdf.open("rb") as handle:
                return handle.read()
        except OSError:
            logger.warning("receipt %s: stored file missing; rendering again", payment.receipt_number)
    return receipt_render(payment=payment)


def receipt_render_enqueue(payment_id: int | list[int]) -> None:
    """Queue the rendering of a payment's receipt, or of many payments' receipts as one task (called once
    the payments, or a reversal, are committed)."""
    from apps.finance.tasks_receipts import render_receipt_task, render_receipts_task

    if isinstance(payment_id, int):
        render_receipt_task.delay(payment_id)
    elif len(payment_id) == 1:
        render_receipt_task.delay(payment_id[0])
    elif payment_id:
        render_receipts_task.delay(list(payment_id))


def receipt_render_if_needed(*, payment_id: int) -> bool:
    """The task's body: render and store the receipt unless the current one is stored already. Returns
    whether it rendered."""
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None or receipt_is_current(payment):
        return False
    receipt_render(payment=payment)
    return True


def receipt_download_name(payment: Payment) -> str:
    return f"{_('receipt')}-{payment.receipt_number}.pdf"
