"""What payment providers send: every notification that passed its signature check, stored raw before
anything else (InboundEvent); the attempts that failed it, stored without their body (WebhookRejection);
and the one normalised PaymentEvent per provider transaction that the matching works on. A provider's
transaction id is unique, so replays and concurrent deliveries of one payment make one event."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField
from apps.finance.models.fees import money
from apps.finance.models.payments import Channel


class PaymentChannel(models.Model):
    """How a school is paid through one provider: whether notifications are accepted, the shared secret
    their signatures are checked with, the account the money lands in, and what parents are told
    (paybill or merchant number, bank account, instructions naming the control number)."""

    provider = models.CharField(_("provider"), max_length=10, choices=Channel.choices, unique=True)
    is_enabled = models.BooleanField(_("accept notifications"), default=False)
    account = models.ForeignKey("ledger.Account", verbose_name=_("received into"), on_delete=models.PROTECT,
                                related_name="payment_channels")
    business_number = models.CharField(_("paybill, merchant or account number"), max_length=40, blank=True)
    account_name = models.CharField(_("account name"), max_length=120, blank=True)
    secret = EncryptedTextField(_("signing secret"), blank=True)
    # shown to parents; {control_number}, {amount} and {business_number} are filled in
    instructions = models.TextField(_("how to pay"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "provider"]

    def __str__(self):
        return self.get_provider_display()


class InboundEvent(models.Model):
    """A provider's notification as it arrived (verified), kept whatever becomes of it."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSED = "processed", _("Processed")
        DUPLICATE = "duplicate", _("Duplicate")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    provider = models.CharField(_("provider"), max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    headers = models.JSONField(default=dict)  # the headers that matter to the provider, secrets removed
    body = models.TextField()
    body_sha256 = models.CharField(max_length=64)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    error = models.CharField(_("error"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status"], name="finance_inbound_pending",
                                condition=Q(status="received") | Q(status="failed"))]


class WebhookRejection(models.Model):
    """A notification refused (bad or missing signature, unknown provider, malformed): who, when, why;
    never its body."""

    provider = models.CharField(_("provider"), max_length=20)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    status_code = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-received_at", "-id"]


class PaymentEvent(models.Model):
    """One payment as a provider reported it, normalised: matched to a student's invoices it becomes a
    Payment (or several, when split across siblings); unmatched, it waits in the reconciliation console."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        MATCHED = "matched", _("Matched")
        SUGGESTED = "suggested", _("Waiting for confirmation")
        UNMATCHED = "unmatched", _("Unmatched")
        IGNORED = "ignored", _("Ignored")

    provider = models.CharField(_("provider"), max_length=10, choices=Channel.choices)
    transaction_id = models.CharField(_("transaction id"), max_length=80)
    raw = models.ForeignKey(InboundEvent, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="payment_events")
    amount = money(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default="TZS")
    payer_phone = models.CharField(_("payer's phone"), max_length=20, blank=True)  # E.164
    payer_name = models.CharField(_("payer's name"), max_length=120, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True)  # as the payer typed it
    paid_at = models.DateTimeField(_("paid at"))
    account = models.ForeignKey("ledger.Account", verbose_name=_("received into"), on_delete=models.PROTECT,
                                related_name="payment_events")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    match_rule = models.CharField(_("matched by"), max_length=30, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    ignore_reason = models.CharField(_("reason set aside"), max_length=300, blank=True)  # IGNORED: why not fees

    class Meta:
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "transaction_id"], name="finance_payment_event_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_payment_event_positive"),
        ]
        indexes = [models.Index(fields=["status"], name="finance_event_open",
                                condition=Q(status="new") | Q(status="suggested") | Q(status="unmatched"))]

    def __str__(self):
        return f"{self.get_provider_display()} {self.transaction_id}"
