"""Suppliers and expenses (bills and expense claims): entered, approved by a school admin who did not
enter them when above the school's threshold (maker-checker), rejected, or paid from a cash, bank or
wallet account. Approval and payment post their entries through `entry_post`; every service is audited
and runs in a transaction, refusing bad input with a ValidationError and writing nothing."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.phones import phone_normalise
from apps.accounts.roles import Role
from apps.audit.services import audit_record
from apps.ledger.charts import account_for
from apps.ledger.models import ZERO, Account, Expense, JournalEntry, LedgerSettings, Supplier
from apps.ledger.services import Line, entry_post
from apps.ledger.services import amount as parse_amount

MAX_RECEIPT_BYTES = 5 * 1024 * 1024
# what a receipt's first bytes must be; the name and the browser's content type are not trusted
RECEIPT_MAGIC = [
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"%PDF-", "pdf"),
]
PAYMENT_PURPOSES = (Account.Purpose.CASH, Account.Purpose.BANK, Account.Purpose.WALLET)
SUPPLIER_FIELDS = ("name", "contact_person", "phone", "email", "tin", "address", "is_active")


def _refusal(message: str, code: str) -> ValidationError:
    """A refusal that is not about one field; its code (not_admin, own_expense, wrong_status,
    already_paid) lets the API answer 403 or 409."""
    return ValidationError(message, code=code)


# --- suppliers ---------------------------------------------------------------------------------------------

def _clean_supplier(values: dict, *, supplier: Supplier | None = None) -> dict:
    cleaned = {}
    for field in SUPPLIER_FIELDS:
        if field not in values:
            continue
        value = values[field]
        if field == "is_active":
            cleaned[field] = bool(value)
            continue
        value = (value or "").strip()
        max_length = Supplier._meta.get_field(field).max_length
        if field == "name":
            if not value:
                raise ValidationError({"name": _("Give the supplier's name.")}, code="no_name")
            clash = Supplier.objects.filter(name__iexact=value)
            if supplier is not None:
                clash = clash.exclude(pk=supplier.pk)
            if clash.exists():
                raise ValidationError({"name": _("There is already a supplier called %(name)s.") % {"name": value}},
                                      code="name_taken")
        elif field == "phone":
            try:
                value = phone_normalise(value)
            except ValidationError as error:
                raise ValidationError({"phone": error.messages}, code="bad_phone") from None
        elif field == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError({"email": _("“%(value)s” is not an email address.") % {"value": value}},
                                      code="bad_email") from None
            value = value.lower()
        if len(value) > max_length:
            raise ValidationError({field: _("At most %(n)s characters.") % {"n": max_length}}, code="too_long")
        cleaned[field] = value
    return cleaned


@transaction.atomic
def supplier_create(*, name: str, actor, contact_person: str = "", phone: str = "", email: str = "",
                    tin: str = "", address: str = "", is_active: bool = True, request=None) -> Supplier:
    values = _clean_supplier({"name": name, "contact_person": contact_person, "phone": phone, "email": email,
                              "tin": tin, "address": address, "is_active": is_active})
    try:
        with transaction.atomic():
            supplier = Supplier.objects.create(**values)
    except IntegrityError:  # the same name entered at the same moment
        raise ValidationError({"name": _("There is already a supplier called %(name)s.") % {"name": values["name"]}},
                              code="name_taken") from None
    audit_record(action="ledger.supplier_create", actor=actor, target=supplier, detail={"name": supplier.name},
                 request=request)
    return supplier


@transaction.atomic
def supplier_update(*, supplier: Supplier, actor, request=None, **changes) -> Supplier:
    unknown = set(changes) - set(SUPPLIER_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown supplier fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
                              code="unknown_fields")
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    values = _clean_supplier(changes, supplier=supplier)
    before = {field: getattr(supplier, field) for field in values}
    for field, value in values.items():
        setattr(supplier, field, value)
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError:
        raise ValidationError({"name": _("There is already a supplier called %(name)s.") % {"name": supplier.name}},
                              code="name_taken") from None
    audit_record(action="ledger.supplier_update", actor=actor, target=supplier,
                 changes={k: [before[k], values[k]] for k in values if before[k] != values[k]}, request=request)
    return supplier


# --- settings ------------------------------------------------------------------------------------------------

@transaction.atomic
def ledger_settings_update(*, expense_approval_threshold, actor, request=None) -> LedgerSettings:
    """The amount above which an expense waits for a school admin's approval; school admins only."""
    if getattr(actor, "role", None) != Role.SCHOOL_ADMIN:
        raise _refusal(_("Only a school admin can change the approval threshold."), "not_admin")
    threshold = parse_amount(expense_approval_threshold, field="expense_approval_threshold")
    if threshold < 0:
        raise ValidationError({"expense_approval_threshold": _("The threshold cannot be negative.")},
                              code="negative")
    current = LedgerSettings.current()
    current = LedgerSettings.objects.select_for_update().get(pk=current.pk)
    before = current.expense_approval_threshold
    current.expense_approval_threshold = threshold
    current.save(update_fields=["expense_approval_threshold", "updated_at"])
    audit_record(action="ledger.settings_update", actor=actor, target=current,
                 changes={"expense_approval_threshold": [str(before), str(threshold)]}, request=request)
    return current


# --- receipts ------------------------------------------------------------------------------------------------

def receipt_check(file) -> str:
    """The receipt's kind ("jpg", "png" or "pdf") from its first bytes; refuses files over 5 MB and any
    other kind, whatever the file is called."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    if size > MAX_RECEIPT_BYTES:
        raise ValidationError({"receipt": _("The receipt is larger than 5 MB; scan it smaller or photograph it "
                                            "again.")}, code="receipt_too_large")
    if size == 0:
        raise ValidationError({"receipt": _("The receipt file is empty.")}, code="receipt_empty")
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for magic, kind in RECEIPT_MAGIC:
        if head.startswith(magic):
            return kind
    raise ValidationError({"receipt": _("A receipt must be a JPEG or PNG photo or a PDF.")}, code="receipt_type")


# --- expenses ------------------------------------------------------------------------------------------------

def _check_category(category) -> Account:
    if (not isinstance(category, Account) or category.type != Account.Type.EXPENSE or category.is_group
            or not category.is_active):
        raise ValidationError({"category": _("Choose an active expense account (not a group) as the category.")},
                              code="bad_category")
    return category


def _memo(expense: Expense, what: str) -> str:
    supplier = f" ({expense.supplier.name})" if expense.supplier_id else ""
    return f"{what}: EXP-{expense.pk:05d} {expense.description}{supplier}"


def _post_approval(*, expense: Expense, actor, request=None) -> JournalEntry:
    # Tax is part of the school's cost: schools are not VAT-registered and cannot reclaim input tax, so the
    # whole total (amount + tax) is debited to the category; there is no VAT receivable line.
    total = expense.total
    payables = account_for(purpose=Account.Purpose.SUPPLIER_PAYABLE)
    return entry_post(
        date=expense.incurred_on, memo=_memo(expense, _("Expense")), actor=actor,
        source=JournalEntry.Source.EXPENSE, source_object=expense, request=request,
        lines=[Line(account=expense.category, debit=total, description=expense.description[:200],
                    supplier=expense.supplier),
               Line(account=payables, credit=total, description=expense.reference or expense.description[:200],
                    supplier=expense.supplier)])


@transaction.atomic
def expense_create(*, category: Account, description: str, incurred_on: datetime.date, amount, actor,
                   supplier: Supplier | None = None, tax=ZERO, reference: str = "", receipt=None,
                   request=None) -> Expense:
    """Enter a bill or claim. At or below the school's approval threshold (total = amount + tax) it is
    approved at once and its cost posted; above it, it waits for a school admin who did not enter it."""
    _check_category(category)
    if supplier is not None and not isinstance(supplier, Supplier):
        raise ValidationError({"supplier": _("Unknown supplier.")}, code="bad_supplier")
    if supplier is not None and not supplier.is_active:
        raise ValidationError({"supplier": _("%(supplier)s is inactive.") % {"supplier": supplier}},
                              code="inactive_supplier")
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Say what the expense is for.")}, code="no_description")
    if len(description) > 250:
        raise ValidationError({"description": _("At most 250 characters.")}, code="too_long")
    if not isinstance(incurred_on, datetime.date):
        raise ValidationError({"incurred_on": _("Give the date of the expense.")}, code="no_date")
    if incurred_on > timezone.localdate():
        raise ValidationError({"incurred_on": _("The date cannot be in the future.")}, code="future_date")
    value = parse_amount(amount, field="amount")
    if value <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")}, code="not_positive")
    tax_value = parse_amount(tax, field="tax")
    if tax_value < 0:
        raise ValidationError({"tax": _("Tax cannot be negative.")}, code="negative")
    reference = (reference or "").strip()
    if len(reference) > 60:
        raise ValidationError({"reference": _("At most 60 characters.")}, code="too_long")
    kind = receipt_check(receipt) if receipt else None

    threshold = LedgerSettings.current().expense_approval_threshold
    expense = Expense.objects.create(
        supplier=supplier, category=category, description=description, incurred_on=incurred_on, amount=value,
        tax=tax_value, reference=reference, created_by=actor, status=Expense.Status.PENDING)
    automatic = expense.total <= threshold
    if automatic:
        expense.approval_entry = _post_approval(expense=expense, actor=actor, request=request)
        expense.status, expense.approved_at = Expense.Status.APPROVED, timezone.now()
        expense.save(update_fields=["approval_entry", "status", "approved_at"])
    if kind:
        # saved last: a refused expense leaves no file behind
        expense.receipt.save(f"{uuid.uuid4().hex}.{kind}", receipt, save=False)
        expense.save(update_fields=["receipt"])
    audit_record(action="ledger.expense_create", actor=actor, target=expense, request=request, detail={
        "description": description, "total": str(expense.total), "category": category.code,
        "supplier": supplier.pk if supplier else None, "approved_automatically": automatic,
        "threshold": str(threshold)})
    return expense


def _locked(expense: Expense) -> Expense:
    return Expense.objects.select_for_update(of=("self",)).select_related("supplier", "category").get(pk=expense.pk)


def _require_checker(expense: Expense, actor, verb: str) -> None:
    if getattr(actor, "role", None) != Role.SCHOOL_ADMIN:
        raise _refusal(_("Only a school admin can %(verb)s an expense above the approval threshold.") % {"verb": verb},
                       "not_admin")
    if expense.created_by_id == getattr(actor, "pk", None):
        raise _refusal(_("You entered this expense, so someone else must %(verb)s it (maker-checker).") % {
            "verb": verb}, "own_expense")


def _require_status(expense: Expense, status: str) -> None:
    if expense.status != status:
        raise _refusal(_("EXP-%(pk)05d is %(status)s: it cannot be changed that way.") % {
            "pk": expense.pk, "status": expense.get_status_display().lower()}, "wrong_status")


@transaction.atomic
def expense_approve(*, expense: Expense, actor, request=None) -> Expense:
    """A school admin other than its maker approves a pending expense: its cost is posted."""
    expense = _locked(expense)
    _require_status(expense, Expense.Status.PENDING)
    _require_checker(expense, actor, _("approve"))
    expense.approval_entry = _post_approval(expense=expense, actor=actor, request=request)
    expense.status, expense.approved_by, expense.approved_at = Expense.Status.APPROVED, actor, timezone.now()
    expense.save(update_fields=["approval_entry", "status", "approved_by", "approved_at"])
    audit_record(action="ledger.expense_approve", actor=actor, target=expense, request=request,
                 detail={"total": str(expense.total), "entry": expense.approval_entry.pk})
    return expense


@transaction.atomic
def expense_reject(*, expense: Expense, reason: str, actor, request=None) -> Expense:
    """A school admin other than its maker turns a pending expense down, saying why; nothing is posted."""
    expense = _locked(expense)
    _require_status(expense, Expense.Status.PENDING)
    _require_checker(expense, actor, _("reject"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the expense is rejected.")}, code="reason_required")
    expense.status, expense.rejected_reason = Expense.Status.REJECTED, reason[:300]
    expense.approved_by, expense.approved_at = actor, timezone.now()  # who decided, and when
    expense.save(update_fields=["status", "rejected_reason", "approved_by", "approved_at"])
    audit_record(action="ledger.expense_reject", actor=actor, target=expense, request=request,
                 detail={"reason": expense.rejected_reason})
    return expense


def _check_paid_from(account) -> Account:
    if (not isinstance(account, Account) or account.purpose not in PAYMENT_PURPOSES or account.is_group
            or not account.is_active):
        raise ValidationError({"paid_from": _("Pay from an active cash, bank or mobile-money account.")},
                              code="bad_paid_from")
    return account


@transaction.atomic
def expense_pay(*, expense: Expense, paid_from: Account, paid_on: datetime.date, actor, reference: str = "",
                request=None) -> Expense:
    """Pay an approved expense from a cash, bank or wallet account: Dr supplier payables / Cr that account."""
    _check_paid_from(paid_from)
    if not isinstance(paid_on, datetime.date):
        raise ValidationError({"paid_on": _("Give the date of the payment.")}, code="no_date")
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The payment date cannot be in the future.")}, code="future_date")
    reference = (reference or "").strip()
    if len(reference) > 60:
        raise ValidationError({"reference": _("At most 60 characters.")}, code="too_long")
    expense = _locked(expense)
    if paid_on < expense.incurred_on:
        raise ValidationError({"paid_on": _("The payment cannot be dated before the expense (%(date)s).") % {
            "date": expense.incurred_on.isoformat()}}, code="paid_before_incurred")
    if expense.status == Expense.Status.PAID:
        raise _refusal(_("EXP-%(pk)05d has already been paid.") % {"pk": expense.pk}, "already_paid")
    _require_status(expense, Expense.Status.APPROVED)
    total = expense.total
    payables = account_for(purpose=Account.Purpose.SUPPLIER_PAYABLE)
    expense.payment_entry = entry_post(
        date=paid_on, memo=_memo(expense, _("Payment")), actor=actor, source=JournalEntry.Source.EXPENSE,
        source_object=expense, request=request,
        lines=[Line(account=payables, debit=total, description=reference or expense.description[:200],
                    supplier=expense.supplier),
               Line(account=paid_from, credit=total, description=reference or expense.description[:200],
                    supplier=expense.supplier)])
    expense.status, expense.paid_from, expense.paid_on, expense.paid_by = Expense.Status.PAID, paid_from, paid_on, actor
    expense.payment_reference = reference
    expense.save(update_fields=["payment_entry", "status", "paid_from", "paid_on", "paid_by", "payment_reference"])
    audit_record(action="ledger.expense_pay", actor=actor, target=expense, request=request, detail={
        "total": str(total), "paid_from": paid_from.code, "paid_on": paid_on.isoformat(), "reference": reference,
        "entry": expense.payment_entry.pk})
    return expense


def may_decide(expense: Expense, user) -> bool:
    """Whether `user` may approve or reject `expense` now (for showing the buttons; the services decide)."""
    return (expense.status == Expense.Status.PENDING and getattr(user, "role", None) == Role.SCHOOL_ADMIN
            and expense.created_by_id != user.pk)

