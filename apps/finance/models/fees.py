"""Fees and invoices: fee categories (each with the income account it posts to), fee structures per class
and term with their items and instalment plan, the optional items a student takes, and invoices with their
lines and instalments. Every invoice carries a control number parents quote when they pay. Issuing and
voiding post to the ledger through `apps.ledger.services.entry_post` (apps.finance.services)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
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
        PARTLY_PAID = "partly_paid", _("Partly paid")
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
    # a sponsor's invoice carries the categories the sponsor pays; the guardian's carries the rest
    sponsor = models.ForeignKey("finance.Sponsor", verbose_name=_("sponsor"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="invoices")
    control_number = models.CharField(_("control number"), max_length=20, unique=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    total = money(_("total"), validators=[MinValueValidator(Decimal("0.01"))])
    # kept by the payment, credit-note and write-off services under a row lock: what was allocated to the
    # invoice, and what credit notes and write-offs took off it; balance = total - paid - credited
    paid = money(_("paid"), default=ZERO)
    credited = money(_("credited"), default=ZERO)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ISSUED)
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
            # one live invoice per student, term and payer (a void one may be replaced)
            models.UniqueConstraint(fields=["student", "term", "sponsor"], condition=~Q(status="void"),
                                    nulls_distinct=False, name="finance_invoice_one_live_per_term"),
            models.CheckConstraint(condition=Q(total__gt=0), name="finance_invoice_total_positive"),
            models.CheckConstraint(condition=Q(paid__gte=0, credited__gte=0) & Q(paid__lte=F("total") - F("credited")),
                                   name="finance_invoice_not_overpaid"),
        ]
        indexes = [
            models.Index(fields=["term", "status"], name="finance_invoice_term_status"),
            # partial-index conditions here are written as alternatives (OR), not IN: PostgreSQL re-renders an IN
            # list differently when an index is created again from its definition, as a school's clone does
            models.Index(fields=["student", "issued_on"], name="finance_invoice_student",
                         condition=Q(status="issued") | Q(status="partly_paid")),
        ]

    def __str__(self):
        return f"{self.reference} {self.student}"

    @property
    def reference(self) -> str:
        return f"INV-{self.pk:06d}" if self.pk else "INV-new"

    @property
    def balance(self) -> Decimal:
        return ZERO if self.status == self.Status.VOID else self.total - self.paid - self.credited

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ISSUED, self.Status.PARTLY_PAID)


class InvoiceLine(models.Model):
    """A fee (positive), a discount or scholarship (negative, naming its rule) or a late fee (positive,
    added after issue by the nightly late-fee run)."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee")
        DISCOUNT = "discount", _("Discount")
        LATE_FEE = "late_fee", _("Late fee")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    category = models.ForeignKey(FeeCategory, on_delete=models.PROTECT, related_name="invoice_lines")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FEE)
    discount_rule = models.ForeignKey("finance.DiscountRule", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="invoice_lines")
    description = models.CharField(_("description"), max_length=120)
    amount = money(_("amount"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=(Q(kind="discount", amount__lt=0) | (~Q(kind="discount") & Q(amount__gt=0))),
                                   name="finance_line_amount_sign"),
        ]


class InvoiceInstallment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="installments")
    number = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    amount = money(_("amount"))
    paid = money(_("paid"), default=ZERO)  # allocations to it (and credit notes, which settle the latest first)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "number"], name="finance_invoice_installment"),
            models.CheckConstraint(condition=Q(paid__gte=0) & Q(paid__lte=F("amount")),
                                   name="finance_installment_not_overpaid"),
        ]

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid


class DiscountRule(models.Model):
    """A standing reduction applied when invoices are issued: a sibling discount by birth order among a
    guardian's children, a staff child's discount, or a scholarship/bursary for one student; a percentage
    or a fixed amount, on some categories (none: all), between two dates."""

    class Kind(models.TextChoices):
        SIBLING = "sibling", _("Sibling discount")
        STAFF_CHILD = "staff_child", _("Staff child discount")
        SCHOLARSHIP = "scholarship", _("Scholarship or bursary")

    class ValueType(models.TextChoices):
        PERCENT = "percent", _("Percentage")
        FIXED = "fixed", _("Fixed amount")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    value_type = models.CharField(_("type"), max_length=8, choices=ValueType.choices, default=ValueType.PERCENT)
    value = money(_("value"), validators=[MinValueValidator(Decimal("0.01"))])
    # sibling: applies to the n-th child of a guardian (by date of birth, eldest first) and later ones
    from_child = models.PositiveSmallIntegerField(_("from the child number"), null=True, blank=True)
    student = models.ForeignKey("academics.Student", verbose_name=_("student"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="scholarships")
    categories = models.ManyToManyField(FeeCategory, verbose_name=_("categories"), blank=True,
                                        related_name="discount_rules")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="finance_discount_value_positive"),
            models.CheckConstraint(condition=~Q(value_type="percent") | Q(value__lte=100),
                                   name="finance_discount_percent_at_most_100"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="finance_discount_dates"),
            models.CheckConstraint(condition=~Q(kind="scholarship") | Q(student__isnull=False),
                                   name="finance_scholarship_has_student"),
        ]

    def __str__(self):
        return self.name


class Sponsor(models.Model):
    """A company, church, NGO or relative who pays some or all of a student's fees."""

    name = models.CharField(_("name"), max_length=120)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(models.functions.Lower("name"), name="finance_sponsor_name_unique")]

    def __str__(self):
        return self.name


class Sponsorship(models.Model):
    """A sponsor pays a share of a student's fees in some categories (none: all) between two dates."""

    sponsor = models.ForeignKey(Sponsor, verbose_name=_("sponsor"), on_delete=models.PROTECT,
                                related_name="sponsorships")
    student = models.ForeignKey("academics.Student", verbose_name=_("student"), on_delete=models.PROTECT,
                                related_name="sponsorships")
    categories = models.ManyToManyField(FeeCategory, verbose_name=_("categories"), blank=True,
                                        related_name="sponsorships")
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, default=Decimal("100"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gt=0, percent__lte=100), name="finance_sponsorship_percent"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="finance_sponsorship_dates"),
        ]


class LateFeeRule(models.Model):
    """A charge added to an instalment still unpaid N days after it fell due: a fixed amount or a
    percentage of what is unpaid, posted to the category's income account."""

    class ValueType(models.TextChoices):
        PERCENT = "percent", _("Percentage of the unpaid amount")
        FIXED = "fixed", _("Fixed amount")

    name = models.CharField(_("name"), max_length=80)
    days_after_due = models.PositiveSmallIntegerField(_("days after the due date"))
    value_type = models.CharField(_("type"), max_length=8, choices=ValueType.choices, default=ValueType.FIXED)
    value = money(_("value"), validators=[MinValueValidator(Decimal("0.01"))])
    category = models.ForeignKey(FeeCategory, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="late_fee_rules")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["days_after_due", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="finance_late_fee_value_positive"),
            models.CheckConstraint(condition=~Q(value_type="percent") | Q(value__lte=100),
                                   name="finance_late_fee_percent_at_most_100"),
        ]

    def __str__(self):
        return self.name


class LateFeeCharge(models.Model):
    """A late fee charged once per rule and instalment (the unique pair makes the nightly run idempotent)."""

    rule = models.ForeignKey(LateFeeRule, on_delete=models.PROTECT, related_name="charges")
    installment = models.ForeignKey(InvoiceInstallment, on_delete=models.PROTECT, related_name="late_fees")
    line = models.OneToOneField(InvoiceLine, on_delete=models.PROTECT, related_name="late_fee")
    amount = money(_("amount"))
    entry = models.OneToOneField("ledger.JournalEntry", on_delete=models.PROTECT, related_name="+")
    charged_on = models.DateField(_("charged on"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "installment"], name="finance_late_fee_once")]
