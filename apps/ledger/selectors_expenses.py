"""Reading suppliers and expenses for bookkeepers: filtered lists with what they show joined in, totals,
the entries an expense posted, and the accounts forms offer."""

import datetime

from django.db.models import Count, Q, QuerySet, Sum

from apps.ledger.access import get_for_bookkeeper, keeps_books
from apps.ledger.models import ZERO, Account, Expense, JournalLine, Supplier
from apps.ledger.services_expenses import PAYMENT_PURPOSES


def suppliers_for_user(*, user, search: str = "", active: bool | None = None) -> QuerySet[Supplier]:
    if not keeps_books(user):
        return Supplier.objects.none()
    suppliers = Supplier.objects.annotate(expense_count=Count("expenses"))
    if search:
        suppliers = suppliers.filter(Q(name__icontains=search) | Q(tin__icontains=search) |
                                     Q(phone__icontains=search) | Q(email__icontains=search))
    if active is not None:
        suppliers = suppliers.filter(is_active=active)
    return suppliers.order_by("name")


def supplier_get_for_user(*, user, pk) -> Supplier:
    return get_for_bookkeeper(Supplier.objects.all(), user=user, pk=pk)


def expenses_for_user(*, user, status: str = "", category: Account | None = None, supplier: Supplier | None = None,
                      month: datetime.date | None = None) -> QuerySet[Expense]:
    """Expenses newest first; `month` is any day of the month wanted (by the expense's date)."""
    if not keeps_books(user):
        return Expense.objects.none()
    expenses = Expense.objects.select_related("supplier", "category", "created_by", "paid_from")
    if status:
        expenses = expenses.filter(status=status)
    if category is not None:
        expenses = expenses.filter(category=category)
    if supplier is not None:
        expenses = expenses.filter(supplier=supplier)
    if month is not None:
        expenses = expenses.filter(incurred_on__year=month.year, incurred_on__month=month.month)
    return expenses.order_by("-incurred_on", "-id")


def expense_get_for_user(*, user, pk) -> Expense:
    return get_for_bookkeeper(
        Expense.objects.select_related("supplier", "category", "created_by", "approved_by", "paid_by", "paid_from",
                                       "approval_entry", "payment_entry"), user=user, pk=pk)


def expense_totals(expenses: QuerySet[Expense]) -> dict:
    """Count and sums of a list (amount, tax, total), and what is still owed (approved, not paid)."""
    sums = expenses.order_by().aggregate(
        count=Count("id"), sum_amount=Sum("amount"), sum_tax=Sum("tax"),
        owed_amount=Sum("amount", filter=Q(status=Expense.Status.APPROVED)),
        owed_tax=Sum("tax", filter=Q(status=Expense.Status.APPROVED)))
    amount, tax = sums["sum_amount"] or ZERO, sums["sum_tax"] or ZERO
    return {"count": sums["count"], "amount": amount, "tax": tax, "total": amount + tax,
            "owed": (sums["owed_amount"] or ZERO) + (sums["owed_tax"] or ZERO)}


def expense_lines(expense: Expense) -> list[JournalLine]:
    """The lines of the entries the expense posted (its approval, then its payment)."""
    entries = [pk for pk in (expense.approval_entry_id, expense.payment_entry_id) if pk]
    if not entries:
        return []
    return list(JournalLine.objects.filter(entry_id__in=entries).select_related("account", "entry", "supplier")
                .order_by("entry__date", "entry_id", "id"))


def expense_categories() -> QuerySet[Account]:
    return Account.objects.filter(type=Account.Type.EXPENSE, is_group=False, is_active=True).order_by("code")


def payment_accounts() -> QuerySet[Account]:
    return Account.objects.filter(purpose__in=PAYMENT_PURPOSES, is_group=False, is_active=True).order_by("code")
