"""Money received and what it settled: payments (each with a receipt number from a gapless yearly series),
their allocations to invoice instalments, the credit a student carries when a payment is more than what
was owed, credit notes and write-offs that take an amount off an invoice, and refunds of credit. Written
only by apps.finance.services_payments and services_credit."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.finance.models.fees import ZERO, FeeCategory, Invoice, InvoiceInstallment, money


class Channel(models.TextChoices):
    """Where money came in: by hand at the school, or through a provider's notification or statement."""

    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    BANK_SLIP = "bank_slip", _("Bank deposit slip")
    MPESA = "mpesa", _("M-Pesa")
    AIRTEL = "airtel", _("Airtel Money")
    TIGOPESA = "tigopesa", _("Mixx by Yas (Tigo Pesa)")
    NMB = "nmb", _("NMB Bank")
    CRDB = "crdb", _("CRDB Bank")
    NBC = "nbc", _("NBC Bank")
    SANDBOX = "sandbox", _("Sandbox")


MANUAL_CHANNELS = (Channel.CASH, Channel.CHEQUE, Channel.BANK_SLIP)


class NumberSeries(models.Model):
    """The last number used in a document series for a year (receipts, credit notes, refunds). Taken
    under a row lock in the transaction that writes the document, so a rolled-back payment gives its
    number back and the series has no gaps."""

    series = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="finance_number_series_unique")]


class Payment(models.Model):
    """Money received for a student: posted Dr cash/bank/wallet, Cr fee receivables for what it settled
    and Cr fees received in advance for what is left (the student's credit)."""

    class Status(models.TextChoices):
        POSTED = "posted", _("Posted")
        REVERSED = "reversed", _("Reversed")

    receipt_number = models.CharField(_("receipt number"), max_length=20, unique=True)  # RCT-2026-000123
    student = models.ForeignKey("academics.Student", verbose_name=_("student"), on_delete=models.PROTECT,
                                related_name="payments")
    guardian = models.ForeignKey("academics.Guardian", verbose_name=_("payer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="payments")
    sponsor = models.ForeignKey("finance.Sponsor", verbose_name=_("sponsor"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="payments")
    received_on = models.DateField(_("received on"))
    amount = money(_("amount"))
    allocated = money(_("allocated"), default=ZERO)  # to invoices, now or later from credit
    # what the student still owed right after it (negative: credit held), as the receipt states it; later
    # invoices and payments do not change a receipt already given
    balance_after = models.DecimalField(_("balance after"), max_digits=14, decimal_places=2, null=True, blank=True)
    refunded = money(_("refunded"), default=ZERO)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    account = models.ForeignKey("ledger.Account", verbose_name=_("received into"), on_delete=models.PROTECT,
                                related_name="fee_payments")
    reference = models.CharField(_("reference"), max_length=80, blank=True)  # cheque/slip no., transaction id
    payer_name = models.CharField(_("paid by"), max_length=120, blank=True)
    payer_phone = models.CharField(_("payer's phone"), max_length=20, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    # where it came from when not entered by hand; one event makes at most one payment
    event = models.ForeignKey("finance.PaymentEvent", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="payments")
    statement_line = models.ForeignKey("finance.StatementLine", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="payments")
    match_rule = models.CharField(_("matched by"), max_length=30, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)  # 0-100
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.POSTED)
    entry = models.OneToOneField("ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    reversal_entry = models.OneToOneField("ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    reversal_reason = models.CharField(_("reason"), max_length=300, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    receipt_pdf = models.FileField(upload_to="receipts/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_payment_amount_positive"),
            models.CheckConstraint(condition=Q(allocated__gte=0, refunded__gte=0)
                                   & Q(allocated__lte=F("amount") - F("refunded")),
                                   name="finance_payment_not_overallocated"),
            # an event split across siblings makes one payment per student, never two for the same one
            models.UniqueConstraint(fields=["event", "student"], condition=Q(status="posted"),
                                    name="finance_payment_event_student"),
        ]
        indexes = [
            models.Index(fields=["student", "received_on"], name="finance_payment_student"),
            models.Index(fields=["received_on", "channel"], name="finance_payment_day_channel"),
            models.Index(fields=["student"], name="finance_payment_with_credit",
                         condition=Q(status="posted") & Q(allocated__lt=F("amount") - F("refunded"))),
        ]

    def __str__(self):
        return f"{self.receipt_number} {self.amount}"

    @property
    def credit(self) -> Decimal:
        """What of the payment is not allocated nor refunded: the student's credit."""
        return ZERO if self.status != self.Status.POSTED else self.amount - self.allocated - self.refunded


class Allocation(models.Model):
    """Part of a payment settling an instalment of an invoice. Made with the payment (posted in its entry)
    or later from the student's credit (its own entry: Dr fees received in advance / Cr fee receivables)."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    installment = models.ForeignKey(InvoiceInstallment, on_delete=models.PROTECT, related_name="allocations")
    amount = money(_("amount"))
    entry = models.ForeignKey("ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # null: posted in the payment's own entry
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(null=True, blank=True)  # set when its payment is reversed

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_allocation_positive")]
        indexes = [models.Index(fields=["invoice"], name="finance_allocation_invoice")]


class CreditNote(models.Model):
    """An amount taken off an invoice: a credit note (a fee charged in error, a pupil who left mid-term;
    posted at once, Dr the category's income / Cr fee receivables) or a write-off of a debt the school will
    not collect (waits for a school admin's approval, then Dr bad debts / Cr fee receivables)."""

    class Kind(models.TextChoices):
        CREDIT_NOTE = "credit_note", _("Credit note")
        WRITE_OFF = "write_off", _("Write-off")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    number = models.CharField(_("number"), max_length=20, unique=True)  # CN-2026-000001 / WO-2026-000001
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT,
                                related_name="credit_notes")
    category = models.ForeignKey(FeeCategory, verbose_name=_("category"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="credit_notes")
    amount = money(_("amount"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    entry = models.OneToOneField("ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_credit_note_positive"),
            models.CheckConstraint(condition=~Q(status="approved") | Q(entry__isnull=False),
                                   name="finance_credit_note_approved_posted"),
        ]

    def __str__(self):
        return self.number


class Refund(models.Model):
    """Credit paid back to the payer (Dr fees received in advance / Cr the account it is paid from),
    taken from the student's payments with credit, oldest first (RefundPart)."""

    number = models.CharField(_("number"), max_length=20, unique=True)  # RF-2026-000001
    student = models.ForeignKey("academics.Student", verbose_name=_("student"), on_delete=models.PROTECT,
                                related_name="refunds")
    amount = money(_("amount"))
    account = models.ForeignKey("ledger.Account", verbose_name=_("paid from"), on_delete=models.PROTECT,
                                related_name="fee_refunds")
    paid_on = models.DateField(_("paid on"))
    reason = models.CharField(_("reason"), max_length=300)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_refund_positive")]


class RefundPart(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, related_name="parts")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refund_parts")
    amount = money(_("amount"))

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_refund_part_positive")]
