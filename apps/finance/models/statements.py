"""Bank and wallet statements: saved column maps for a bank's CSV/XLSX export, an imported statement
with its lines (deduplicated per account by the bank's transaction id or a hash of the line), and the
matches the reconciliation engine suggests between a line or payment event and a student's invoice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.finance.models.fees import Invoice, money


class StatementMapping(models.Model):
    """Which column of a bank's CSV/XLSX export holds what, saved once per bank and reused."""

    name = models.CharField(_("name"), max_length=80, unique=True)  # "CRDB SimBanking CSV"
    account = models.ForeignKey("ledger.Account", verbose_name=_("account"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="statement_mappings")
    # {"date": "Posting Date", "amount": "", "credit": "Credit", "debit": "Debit", "narrative": "Details",
    #  "reference": "Ref No", "payer_name": "", "payer_phone": "", "balance": "Balance"}
    columns = models.JSONField(default=dict)
    date_format = models.CharField(_("date format"), max_length=20, default="%d/%m/%Y")
    skip_rows = models.PositiveSmallIntegerField(_("rows before the header"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class Statement(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        MT940 = "mt940", "MT940"
        CAMT053 = "camt053", "CAMT.053"
        OFX = "ofx", "OFX"

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        IMPORTED = "imported", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    account = models.ForeignKey("ledger.Account", verbose_name=_("account"), on_delete=models.PROTECT,
                                related_name="statements")
    file = models.FileField(upload_to="statements/")
    filename = models.CharField(_("file"), max_length=200)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    mapping = models.ForeignKey(StatementMapping, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="statements")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEW)
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("to"), null=True, blank=True)
    opening_balance = money(_("opening balance"), null=True, blank=True)
    closing_balance = money(_("closing balance"), null=True, blank=True)
    # what the parser made of the file before import: counts, and rejected lines with their reasons
    line_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    rejected = models.JSONField(default=list)  # [{"line": 12, "reason": "...", "text": "..."}]
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.filename


class StatementLine(models.Model):
    class Status(models.TextChoices):
        UNMATCHED = "unmatched", _("Unmatched")
        SUGGESTED = "suggested", _("Waiting for confirmation")
        MATCHED = "matched", _("Matched")
        RECORDED = "recorded", _("Already recorded")  # the payment came in by notification first
        IGNORED = "ignored", _("Not a fee payment")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="statement_lines")
    line_number = models.PositiveIntegerField()
    date = models.DateField(_("date"))
    amount = money(_("amount"))  # money in is positive, money out negative
    narrative = models.CharField(_("narrative"), max_length=400, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=80, blank=True)
    payer_name = models.CharField(_("payer"), max_length=120, blank=True)
    payer_phone = models.CharField(_("payer's phone"), max_length=20, blank=True)
    balance = money(_("balance"), null=True, blank=True)
    dedupe_key = models.CharField(max_length=80)  # "ref:<bank reference>" or "hash:<sha256 of the line>"
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UNMATCHED)
    match_rule = models.CharField(_("matched by"), max_length=30, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence"), null=True, blank=True)
    payment_event = models.ForeignKey("finance.PaymentEvent", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="statement_lines")  # RECORDED: the event it repeats
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    matched_at = models.DateTimeField(null=True, blank=True)
    ignore_reason = models.CharField(_("reason set aside"), max_length=300, blank=True)  # IGNORED: why not fees

    class Meta:
        ordering = ["date", "line_number"]
        constraints = [models.UniqueConstraint(fields=["account", "dedupe_key"], name="finance_statement_line_once")]
        indexes = [models.Index(fields=["status"], name="finance_line_open",
                                condition=Q(status="unmatched") | Q(status="suggested"))]


class MatchSuggestion(models.Model):
    """A proposed match of a statement line or a payment event to an invoice, with the rule that found it
    and how sure it is (0-100). Sure matches are confirmed by the engine; the rest wait for the accountant."""

    class Rule(models.TextChoices):
        CONTROL_NUMBER = "control_number", _("Control number")
        STUDENT_REFERENCE = "student_reference", _("Student reference")
        NARRATIVE = "narrative", _("Reference in the narrative")
        FUZZY_REFERENCE = "fuzzy_reference", _("Reference with a typing slip")
        PHONE_AMOUNT = "phone_amount", _("Payer's phone and amount")
        MANUAL = "manual", _("Chosen by hand")

    class Status(models.TextChoices):
        OPEN = "open", _("Suggested")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")
        UNDONE = "undone", _("Undone")

    line = models.ForeignKey(StatementLine, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="suggestions")
    event = models.ForeignKey("finance.PaymentEvent", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="suggestions")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="match_suggestions")
    amount = money(_("amount"))
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    confidence = models.PositiveSmallIntegerField(_("confidence"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-confidence", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(line__isnull=False) ^ Q(event__isnull=False),
                                   name="finance_suggestion_line_or_event"),
            models.CheckConstraint(condition=Q(confidence__lte=100), name="finance_suggestion_confidence"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_suggestion_positive"),
        ]
        indexes = [models.Index(fields=["line"], name="finance_suggestion_line", condition=Q(status="open")),
                   models.Index(fields=["event"], name="finance_suggestion_event", condition=Q(status="open"))]
