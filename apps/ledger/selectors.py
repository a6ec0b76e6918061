"""Reading the books for a bookkeeper: the chart of accounts (as a tree, with balances), journal entries
with their filters, and accounting periods. Nobody but school admins and accountants sees any of it."""

import datetime
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from apps.ledger.access import keeps_books
from apps.ledger.models import ZERO, Account, JournalEntry, JournalLine, Period


def accounts_for_user(*, user, type: str = "", active: bool | None = None, postable: bool = False) -> QuerySet:
    """The chart's accounts, by code. `postable`: active accounts that take postings (not groups)."""
    if not keeps_books(user):
        return Account.objects.none()
    accounts = Account.objects.select_related("parent").order_by("code")
    if type:
        accounts = accounts.filter(type=type)
    if active is not None:
        accounts = accounts.filter(is_active=active)
    if postable:
        accounts = accounts.filter(is_group=False, is_active=True)
    return accounts


def account_tree(*, user, with_balances: bool = True) -> list[Account]:
    """Every account in tree order (each group followed by what it holds), each with `depth` and, when
    asked, `balance`: debits minus credits (credits minus debits for credit-normal types), groups
    summing what they hold. Two queries whatever the chart's size; balances are summed in SQL."""
    accounts = list(accounts_for_user(user=user))
    sums = {}
    if with_balances and accounts:
        sums = {row["account"]: (row["debit"], row["credit"]) for row in JournalLine.objects.values("account")
                .annotate(debit=Sum("debit"), credit=Sum("credit")).order_by()}
    children: dict[int | None, list[Account]] = {}
    by_pk = {account.pk: account for account in accounts}
    for account in accounts:
        parent = account.parent_id if account.parent_id in by_pk else None
        children.setdefault(parent, []).append(account)
    ordered: list[Account] = []

    def walk(parent, depth):
        total = ZERO
        for account in children.get(parent, []):
            account.depth = depth
            account.has_children = account.pk in children
            ordered.append(account)
            debit, credit = sums.get(account.pk, (ZERO, ZERO))
            own = (debit - credit) if account.debit_normal else (credit - debit)
            account.balance = own + walk(account.pk, depth + 1)
            total += account.balance  # an account sits under a group of its own type
        return total

    walk(None, 0)
    return ordered


def _line_total():
    return Coalesce(Subquery(JournalLine.objects.filter(entry=OuterRef("pk")).order_by().values("entry")
                             .annotate(total=Sum("debit")).values("total")[:1]), ZERO)


def entries_for_user(*, user, date_from: datetime.date | None = None, date_to: datetime.date | None = None,
                     account: Account | int | None = None, source: str = "", text: str = "") -> QuerySet:
    """Journal entries newest first, each with `total` (its debits), its period, who posted it and the
    entry it reverses / its reversal. `account`: entries with a line on that account; `text`: in the memo."""
    if not keeps_books(user):
        return JournalEntry.objects.none()
    entries = JournalEntry.objects.select_related("period", "posted_by", "reverses", "reversed_by") \
        .annotate(total=_line_total()).order_by("-date", "-id")
    if date_from:
        entries = entries.filter(date__gte=date_from)
    if date_to:
        entries = entries.filter(date__lte=date_to)
    if account:
        entries = entries.filter(Exists(JournalLine.objects.filter(entry=OuterRef("pk"), account=account)))
    if source:
        entries = entries.filter(source=source)
    if text:
        entries = entries.filter(Q(memo__icontains=text.strip()))
    return entries


def entry_with_lines(queryset: QuerySet) -> QuerySet:
    """The same entries with their lines (account, student, staff, supplier) prefetched."""
    return queryset.prefetch_related(Prefetch("lines", queryset=JournalLine.objects.select_related(
        "account", "student", "staff", "supplier").order_by("id")))


def periods_for_user(*, user) -> QuerySet:
    """Accounting months, newest first, each with `entries_count`."""
    if not keeps_books(user):
        return Period.objects.none()
    return Period.objects.select_related("closed_by").annotate(entries_count=Count("entries")).order_by("-starts_on")
