"""Fees and invoices: fee categories (each with the income account it posts to), fee structures per class
and term with their items and instalment plan, the optional items a student takes, and invoices with their
lines and instalments. Every invoice carries a control number parents quote when they pay. Issuing and
voiding post to the ledger through `apps.ledger.services.entry_post` (apps.finance.services)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


def money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class FeeCategory(models.Model):
    """A kind of fee (tuition, boarding, transport, meals, examination, uniform...)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    income_account = models.ForeignKey("ledger.Account", verbose_name=_("income account"),
                                       on_delete=models.PROTECT, related_name="fee_categories")
    is_optional = models.BooleanField(_("optional"), default=False,
                                      help_text=_("Charged only to the students who take it (transport, boarding)."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "fee categories"

    def __str__(self):
        return self.name


class FeeStructure(models.Model):
    """What a class pays in a term: items by category, and the instalments they are due in."""

    term = models.ForeignKey("academics.Term", verbose_name=_("term"), on_delete=models.PROTECT,
                             related_name="fee_structures")
    school_class = models.ForeignKey("academics.SchoolClass", verbose_name=_("class"), on_delete=models.PROTECT,
                                     related_name="fee_structures")
    notes = models.CharField(_("notes"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term__starts_on", "school_class__level"]
        constraints = [models.UniqueConstraint(fields=["term", "school_class"], name="finance_structure_term_class")]

    def __str__(self):
        return f"{self.school_class} · {self.term}"


class FeeItem(models.Model):
    structure = models.ForeignKey(FeeStructure, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(FeeCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="items")
    label = models.CharField(_("label"), max_length=80, blank=True)  # "Route 2: Moshi town"
    amount = money(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    is_optional = models.BooleanField(_("optional"), default=False)

    class Meta:
        ordering = ["category__order", "category__name", "label"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_item_amount_positive"),
            models.UniqueConstraint(fields=["structure", "category", "label"], name="finance_item_unique"),
        ]

    def __str__(self):
        return f"{self.category}{f' ({self.label})' if self.label else ''}"


class Installment(models.Model):
    """A share of a structure's total, due on a date; a structure's instalments total 100 %."""

    structure = models.ForeignKey(FeeStructure, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField(_("number"))
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0.01"))])
    due_on = models.DateField(_("due on"))

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "number"], name="finance_installment_number"),
            models.CheckConstraint(condition=Q(percent__gt=0, percent__lte=100), name="finance_installment_percent"),
        ]


class StudentFeeOption(models.Model):
    """An optional item a student takes in a term (a transport route, boarding)."""

    student = models.ForeignKey("academics.Student", on_delete=models.CASCADE, related_name="fee_options")
    item = models.ForeignKey(FeeItem, on_delete=models.CASCADE, related_name="takers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["student", "item"], name="finance_option_unique")]


class Invoice(models.Model):
    """What a student owes for a term: lines by category, instalments with due dates, a control number."""

    class Status(models.TextChoices):
        ISSUED = "issued", _("Issued")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    student = models.ForeignKey("academics.Student", verbose_name=_("student"), on_delete=models.PROTECT,
                                related_name="invoices")
    term = models.ForeignKey("academics.Term", verbose_name=_("term"), on_delete=models.PROTECT,
                             related_name="invoices")
    structure = models.ForeignKey(FeeStructure, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="invoices")
    guardian = models.ForeignKey("academics.Guardian", verbose_name=_("payer"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="invoices")
    control_number = models.CharField(_("control number"), max_length=20, unique=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    total = money(_("total"), validators=[MinValueValidator(Decimal("0.01"))])
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ISSUED)
    issue_entry = models.OneToOneField("ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    void_entry = models.OneToOneField("ledger.JournalEntry", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    void_reason = models.CharField(_("reason"), max_length=300, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            # one live invoice per student and term (a void one may be replaced)
            models.UniqueConstraint(fields=["student", "term"], condition=~Q(status="void"),
                                    name="finance_invoice_one_live_per_term"),
            models.CheckConstraint(condition=Q(total__gt=0), name="finance_invoice_total_positive"),
        ]
        indexes = [models.Index(fields=["term", "status"], name="finance_invoice_term_status")]

    def __str__(self):
        return f"{self.reference} {self.student}"

    @property
    def reference(self) -> str:
        return f"INV-{self.pk:06d}" if self.pk else "INV-new"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    category = models.ForeignKey(FeeCategory, on_delete=models.PROTECT, related_name="invoice_lines")
    description = models.CharField(_("description"), max_length=120)
    amount = money(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="finance_line_amount_positive")]


class InvoiceInstallment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = money(_("amount"))

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["invoice", "number"], name="finance_invoice_installment")]
