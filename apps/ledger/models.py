"""The school's books: chart of accounts, accounting periods, journal entries and their lines, suppliers,
expenses and budgets. Balance and immutability of posted entries are enforced by PostgreSQL triggers
(migration 0002); `apps.ledger.services.entry_post` is the only way entries are written."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.core.storage import SchoolFileStorage

ZERO = Decimal("0.00")


def money(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


class Account(models.Model):
    """An account of the chart. Group accounts hold other accounts and take no postings."""

    class Type(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        EQUITY = "equity", _("Equity")
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")

    class Purpose(models.TextChoices):
        # what other apps look an account up by (apps.ledger.chart.account_for)
        NONE = "", _("—")
        CASH = "cash", _("Cash")
        BANK = "bank", _("Bank account")
        WALLET = "wallet", _("Mobile-money wallet")
        FEE_RECEIVABLE = "fee_receivable", _("Fee receivables")
        FEE_INCOME = "fee_income", _("Fee income")
        FEE_DISCOUNT = "fee_discount", _("Fee discounts")
        BAD_DEBT = "bad_debt", _("Bad debts")
        DEFERRED_INCOME = "deferred_income", _("Deferred income")
        PAYROLL_EXPENSE = "payroll_expense", _("Payroll expense")
        SALARIES_PAYABLE = "salaries_payable", _("Salaries payable")
        STATUTORY = "statutory", _("Statutory liability")
        SUPPLIER_PAYABLE = "supplier_payable", _("Supplier payables")
        EXPENSE = "expense", _("Expense category")
        EQUITY = "equity", _("Equity")
        RETAINED_EARNINGS = "retained_earnings", _("Retained earnings")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    is_group = models.BooleanField(_("group"), default=False, help_text=_("Holds other accounts; takes no postings."))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, blank=True)
    provider = models.CharField(_("provider"), max_length=30, blank=True)  # "crdb", "mpesa", "paye"
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="ledger_account_code_not_blank")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def debit_normal(self) -> bool:
        return self.type in (self.Type.ASSET, self.Type.EXPENSE)


class Period(models.Model):
    """A calendar month of the books. Posting into a closed period is refused."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    starts_on = models.DateField(_("starts on"), unique=True)
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=6, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["-starts_on"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="ledger_period_dates")]

    def __str__(self):
        return date_format(self.starts_on, "F Y")  # the month's name in the reader's language

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class PeriodBalance(models.Model):
    """An account's debits and credits in a closed month, written when the month is closed (its lines
    cannot change any more) and removed when it is reopened: reports read closed months from here and
    only open months' lines (apps.ledger.reports.account_sums)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="balances")
    account = models.ForeignKey("ledger.Account", on_delete=models.PROTECT, related_name="period_balances")
    debit = money(_("debit"), default=ZERO)
    credit = money(_("credit"), default=ZERO)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "account"], name="ledger_period_balance_unique")]


class JournalEntry(models.Model):
    """A posted, balanced, immutable entry. Corrections are reversal entries."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        INVOICE = "invoice", _("Invoice")
        PAYMENT = "payment", _("Payment")
        PAYROLL = "payroll", _("Payroll")
        EXPENSE = "expense", _("Expense")
        REVERSAL = "reversal", _("Reversal")

    date = models.DateField(_("date"), db_index=True)
    memo = models.CharField(_("memo"), max_length=300)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    # the source document: "<app label>.<model>" and its id (an invoice, a payment, a payroll run, an expense)
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="entries")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    posted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "journal entries"
        indexes = [models.Index(fields=["source_type", "source_id"], name="ledger_entry_source")]

    def __str__(self):
        return f"{self.reference} {self.memo}"

    @property
    def reference(self) -> str:
        return f"JE-{self.pk:06d}" if self.pk else "JE-new"


class JournalLine(models.Model):
    """One side of an entry: an amount to the debit or the credit of an account, with an optional
    student, staff member or supplier it concerns. The entry's date is copied here so that reports
    aggregate lines by account and date from one index."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    date = models.DateField()
    debit = money(_("debit"), default=ZERO, validators=[MinValueValidator(ZERO)])
    credit = money(_("credit"), default=ZERO, validators=[MinValueValidator(ZERO)])
    description = models.CharField(_("description"), max_length=200, blank=True)
    student = models.ForeignKey("academics.Student", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="journal_lines")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="journal_lines")
    supplier = models.ForeignKey("ledger.Supplier", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="journal_lines")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gt=0, credit=0) | Q(credit__gt=0, debit=0)),
                name="ledger_line_one_side"),
        ]
        indexes = [
            models.Index(fields=["account", "date"], include=["debit", "credit"], name="ledger_line_account_date"),
            models.Index(fields=["date"], include=["account", "debit", "credit"], name="ledger_line_date"),
            models.Index(fields=["supplier"], name="ledger_line_supplier", condition=Q(supplier__isnull=False)),
            models.Index(fields=["student"], name="ledger_line_student", condition=Q(student__isnull=False)),
        ]


class Supplier(models.Model):
    name = models.CharField(_("name"), max_length=150)
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164
    email = models.EmailField(_("email"), blank=True)
    tin = models.CharField(_("TIN"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(models.functions.Lower("name"), name="ledger_supplier_name_unique")]

    def __str__(self):
        return self.name


class LedgerSettings(models.Model):
    """The school's accounting settings (one row)."""

    expense_approval_threshold = money(
        _("expense approval threshold"), default=Decimal("500000.00"), validators=[MinValueValidator(ZERO)],
        help_text=_("Expenses above this total need a school admin's approval (not the person who entered them)."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "ledger settings"

    @classmethod
    def current(cls) -> "LedgerSettings":
        return cls.objects.order_by("pk").first() or cls.objects.create()


def receipt_path(instance, filename):
    return f"expenses/receipts/{filename}"


class Expense(models.Model):
    """A bill or expense claim: entered, approved (posts the cost), paid (posts the payment)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved, not paid")
        PAID = "paid", _("Paid")
        REJECTED = "rejected", _("Rejected")

    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="expenses")
    category = models.ForeignKey(Account, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="expenses")
    description = models.CharField(_("description"), max_length=250)
    incurred_on = models.DateField(_("date"))
    amount = money(_("amount"), validators=[MinValueValidator(Decimal("0.01"))])
    tax = money(_("tax"), default=ZERO, validators=[MinValueValidator(ZERO)])
    reference = models.CharField(_("supplier's reference"), max_length=60, blank=True)
    receipt = models.FileField(_("receipt"), upload_to=receipt_path, storage=SchoolFileStorage(), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_entry = models.OneToOneField(JournalEntry, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    rejected_reason = models.CharField(_("reason"), max_length=300, blank=True)
    paid_from = models.ForeignKey(Account, verbose_name=_("paid from"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    payment_entry = models.OneToOneField(JournalEntry, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")

    class Meta:
        ordering = ["-incurred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0) & Q(tax__gte=0), name="ledger_expense_amounts"),
        ]

    def __str__(self):
        return f"EXP-{self.pk:05d} {self.description}" if self.pk else self.description

    @property
    def total(self) -> Decimal:
        return (self.amount or ZERO) + (self.tax or ZERO)


class BudgetLine(models.Model):
    """The year's budget for one income or expense account (calendar year)."""

    year = models.PositiveSmallIntegerField(_("year"))
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="budget_lines")
    amount = money(_("amount"), validators=[MinValueValidator(ZERO)])

    class Meta:
        ordering = ["year", "account__code"]
        constraints = [models.UniqueConstraint(fields=["year", "account"], name="ledger_budget_year_account")]
