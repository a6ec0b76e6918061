"""The financial reports: trial balance, general ledger, income statement, balance sheet, cash book,
expense breakdown and budget vs actual. Every figure is aggregated by PostgreSQL (Sum over the
JournalLine (account, date) and (date) indexes, window functions for running balances); Python only
arranges the few dozen account rows the database answers with."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value, Window
from django.db.models.functions import Coalesce, ExtractMonth

from apps.ledger.models import ZERO, Account, BudgetLine, JournalLine

MONEY = DecimalField(max_digits=16, decimal_places=2)
CASH_PURPOSES = (Account.Purpose.CASH, Account.Purpose.BANK, Account.Purpose.WALLET)
GENERAL_LEDGER_LIMIT = 500
CASH_BOOK_LIMIT = 2000


def natural(account: Account, debit: Decimal, credit: Decimal) -> Decimal:
    """A balance in the account's own sign: debit-normal for assets and expenses, credit-normal otherwise."""
    return debit - credit if account.debit_normal else credit - debit


def _posting_accounts(*types, postings_only: bool = False) -> dict[int, Account]:
    """Accounts by id, in code order. Reports that start from sums take group accounts too, so that a
    line on one (there should be none) still counts and the totals still agree."""
    accounts = Account.objects.select_related("parent").order_by("code")
    if postings_only:
        accounts = accounts.filter(is_group=False)
    if types:
        accounts = accounts.filter(type__in=types)
    return {a.pk: a for a in accounts}


def _sums_by_account(lines) -> dict[int, tuple[Decimal, Decimal]]:
    """{account id: (debits, credits)} of `lines`, one GROUP BY query."""
    rows = lines.order_by().values("account_id").annotate(d=Sum("debit"), c=Sum("credit"))
    return {row["account_id"]: (row["d"] or ZERO, row["c"] or ZERO) for row in rows}


def previous_period(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period of equal length just before [date_from, date_to]."""
    days = (date_to - date_from).days + 1
    previous_to = date_from - datetime.timedelta(days=1)
    return previous_to - datetime.timedelta(days=days - 1), previous_to


# --- trial balance -----------------------------------------------------------------------------------

def trial_balance(*, date_from: datetime.date | None = None, date_to: datetime.date) -> dict:
    """Debits, credits and balance of every posting account with movements in the range (all history up
    to `date_to` when no `date_from`). Two queries whatever the number of lines."""
    lines = JournalLine.objects.filter(date__lte=date_to)
    if date_from:
        lines = lines.filter(date__gte=date_from)
    sums = _sums_by_account(lines)
    accounts = _posting_accounts()
    rows = []
    totals = {"debit": ZERO, "credit": ZERO, "balance_debit": ZERO, "balance_credit": ZERO}
    for pk, account in accounts.items():
        if pk not in sums:
            continue
        debit, credit = sums[pk]
        net = debit - credit
        row = {"account": account, "debit": debit, "credit": credit, "balance": natural(account, debit, credit),
               "balance_debit": net if net > 0 else ZERO, "balance_credit": -net if net < 0 else ZERO}
        rows.append(row)
        for key in totals:
            totals[key] += row[key]
    totals["balanced"] = totals["debit"] == totals["credit"]
    return {"date_from": date_from, "date_to": date_to, "rows": rows, "totals": totals}


# --- general ledger ----------------------------------------------------------------------------------

def general_ledger(*, account: Account, date_from: datetime.date, date_to: datetime.date,
                   limit: int = GENERAL_LEDGER_LIMIT, offset: int = 0) -> dict:
    """One account's lines in the range with the running balance (a window over the whole range, so a
    page further on still carries the balance of the ones before), the opening and closing balances.
    At most `limit` lines from `offset`; `count` says how many there are."""
    sign = 1 if account.debit_normal else -1
    before = JournalLine.objects.filter(account=account, date__lt=date_from).aggregate(
        d=Coalesce(Sum("debit"), ZERO, output_field=MONEY), c=Coalesce(Sum("credit"), ZERO, output_field=MONEY))
    opening = natural(account, before["d"], before["c"])
    in_range = JournalLine.objects.filter(account=account, date__gte=date_from, date__lte=date_to)
    period = in_range.aggregate(d=Coalesce(Sum("debit"), ZERO, output_field=MONEY),
                                c=Coalesce(Sum("credit"), ZERO, output_field=MONEY), n=Sum(Value(1)))
    movement = (F("debit") - F("credit")) * Value(sign)
    lines = list(
        in_range.order_by("date", "entry_id", "id")
        .annotate(running=Window(Sum(movement), order_by=[F("date").asc(), F("entry_id").asc(), F("id").asc()],
                                 output_field=MONEY))
        .values("id", "date", "entry_id", "entry__memo", "entry__source", "description", "debit", "credit",
                "running")[offset:offset + limit])
    for line in lines:
        line["reference"] = f"JE-{line['entry_id']:06d}"
        line["memo"] = line.pop("entry__memo")
        line["source"] = line.pop("entry__source")
        line["balance"] = opening + line.pop("running")
    debits, credits = period["d"], period["c"]
    return {"account": account, "date_from": date_from, "date_to": date_to, "opening": opening, "lines": lines,
            "debit": debits, "credit": credits, "closing": opening + natural(account, debits, credits),
            "count": period["n"] or 0, "offset": offset, "limit": limit}


# --- income statement --------------------------------------------------------------------------------

def _grouped(rows: list[dict], keys: tuple[str, ...]) -> list[dict]:
    """Rows under their parent group account, with the group's subtotals of `keys`."""
    groups: dict = {}
    for row in rows:
        parent = row["account"].parent
        group = groups.setdefault(parent.pk if parent else None, {
            "group": parent, "rows": [], **{key: ZERO for key in keys}})
        group["rows"].append(row)
        for key in keys:
            group[key] += row[key]
    return sorted(groups.values(), key=lambda g: g["group"].code if g["group"] else "")


def _change(current: Decimal, previous: Decimal) -> tuple[Decimal, Decimal | None]:
    change = current - previous
    pct = (change * 100 / abs(previous)).quantize(Decimal("0.1")) if previous else None
    return change, pct


def income_statement(*, date_from: datetime.date, date_to: datetime.date, compare: bool = True) -> dict:
    """Income and expense per account under their groups, with totals and the net surplus (deficit when
    negative); with `compare`, the same for the previous period of equal length and the change. One
    aggregate query over both periods."""
    previous_from, previous_to = previous_period(date_from, date_to)
    start = previous_from if compare else date_from
    current = Q(date__gte=date_from)
    rows = (JournalLine.objects.filter(date__gte=start, date__lte=date_to,
                                       account__type__in=(Account.Type.INCOME, Account.Type.EXPENSE))
            .order_by().values("account_id")
            .annotate(d=Coalesce(Sum("debit", filter=current), ZERO, output_field=MONEY),
                      c=Coalesce(Sum("credit", filter=current), ZERO, output_field=MONEY),
                      pd=Coalesce(Sum("debit", filter=~current), ZERO, output_field=MONEY),
                      pc=Coalesce(Sum("credit", filter=~current), ZERO, output_field=MONEY)))
    sums = {row["account_id"]: row for row in rows}
    accounts = _posting_accounts(Account.Type.INCOME, Account.Type.EXPENSE)
    sections = {}
    for type_ in (Account.Type.INCOME, Account.Type.EXPENSE):
        section_rows = []
        for pk, account in accounts.items():
            if account.type != type_ or pk not in sums:
                continue
            s = sums[pk]
            amount, previous = natural(account, s["d"], s["c"]), natural(account, s["pd"], s["pc"])
            if not amount and not previous and not (s["d"] or s["pd"]):
                continue
            change, pct = _change(amount, previous)
            section_rows.append({"account": account, "amount": amount, "previous": previous, "change": change,
                                 "change_pct": pct})
        total = sum((r["amount"] for r in section_rows), ZERO)
        previous_total = sum((r["previous"] for r in section_rows), ZERO)
        change, pct = _change(total, previous_total)
        sections[type_] = {"groups": _grouped(section_rows, ("amount", "previous", "change")), "rows": section_rows,
                           "total": total, "previous": previous_total, "change": change, "change_pct": pct}
    net = sections["income"]["total"] - sections["expense"]["total"]
    previous_net = sections["income"]["previous"] - sections["expense"]["previous"]
    change, pct = _change(net, previous_net)
    return {"date_from": date_from, "date_to": date_to, "compare": compare,
            "previous_from": previous_from if compare else None, "previous_to": previous_to if compare else None,
            "income": sections["income"], "expense": sections["expense"],
            "net": {"amount": net, "previous": previous_net, "change": change, "change_pct": pct}}


# --- balance sheet -----------------------------------------------------------------------------------

def balance_sheet(*, at: datetime.date) -> dict:
    """Assets, liabilities and equity at `at`. Income and expense not yet closed to retained earnings
    show inside equity as the current surplus, so that assets = liabilities + equity."""
    sums = _sums_by_account(JournalLine.objects.filter(date__lte=at))
    accounts = _posting_accounts()
    sections = {Account.Type.ASSET: [], Account.Type.LIABILITY: [], Account.Type.EQUITY: []}
    surplus = ZERO
    for pk, (debit, credit) in sums.items():
        account = accounts.get(pk)
        if account is None:
            continue
        if account.type in (Account.Type.INCOME, Account.Type.EXPENSE):
            surplus += credit - debit
            continue
        balance = natural(account, debit, credit)
        if balance or debit:
            sections[account.type].append({"account": account, "amount": balance})
    result = {"at": at, "surplus": surplus}
    for type_, key in ((Account.Type.ASSET, "assets"), (Account.Type.LIABILITY, "liabilities"),
                       (Account.Type.EQUITY, "equity")):
        rows = sorted(sections[type_], key=lambda r: r["account"].code)
        total = sum((r["amount"] for r in rows), ZERO)
        result[key] = {"groups": _grouped(rows, ("amount",)), "rows": rows, "total": total}
    result["equity"]["total"] += surplus
    result["liabilities_and_equity"] = result["liabilities"]["total"] + result["equity"]["total"]
    result["balanced"] = result["assets"]["total"] == result["liabilities_and_equity"]
    return result


# --- cash book ---------------------------------------------------------------------------------------

def cash_accounts():
    return Account.objects.filter(is_group=False, purpose__in=CASH_PURPOSES).order_by("code")


def cash_book(*, date_from: datetime.date, date_to: datetime.date, account: Account | None = None,
              limit: int = CASH_BOOK_LIMIT) -> dict:
    """Money in and out of the cash, bank and wallet accounts (or the one `account`) in the range, with a
    running balance per account (a window partitioned by account). Three queries; at most `limit`
    lines in all (`truncated` says when there were more)."""
    accounts = list(cash_accounts().filter(pk=account.pk) if account else cash_accounts())
    ids = [a.pk for a in accounts]
    opening = _sums_by_account(JournalLine.objects.filter(account_id__in=ids, date__lt=date_from))
    in_range = JournalLine.objects.filter(account_id__in=ids, date__gte=date_from, date__lte=date_to)
    period = _sums_by_account(in_range)
    order = [F("date").asc(), F("entry_id").asc(), F("id").asc()]
    lines = list(
        in_range.order_by("account_id", "date", "entry_id", "id")
        .annotate(running=Window(Sum(F("debit") - F("credit")), partition_by=[F("account_id")], order_by=order,
                                 output_field=MONEY))
        .values("id", "account_id", "date", "entry_id", "entry__memo", "description", "debit", "credit",
                "running")[:limit + 1])
    truncated = len(lines) > limit
    by_account = defaultdict(list)
    for line in lines[:limit]:
        by_account[line["account_id"]].append(line)
    books = []
    totals = {"opening": ZERO, "debit": ZERO, "credit": ZERO, "closing": ZERO}
    for acc in accounts:
        d0, c0 = opening.get(acc.pk, (ZERO, ZERO))
        d, c = period.get(acc.pk, (ZERO, ZERO))
        start = d0 - c0
        rows = by_account.get(acc.pk, [])
        for line in rows:
            line["reference"] = f"JE-{line['entry_id']:06d}"
            line["memo"] = line.pop("entry__memo")
            line["balance"] = start + line.pop("running")
        book = {"account": acc, "opening": start, "debit": d, "credit": c, "closing": start + d - c, "lines": rows}
        if account is None and not rows and not start and not d and not c:
            continue
        books.append(book)
        for key in totals:
            totals[key] += book[key]
    return {"date_from": date_from, "date_to": date_to, "account": account, "accounts": books, "totals": totals,
            "truncated": truncated}


# --- expense breakdown -------------------------------------------------------------------------------

def expense_breakdown(*, year: int) -> dict:
    """Expense per category (expense account) and month of `year`: one GROUP BY query."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    rows = (JournalLine.objects.filter(date__gte=first, date__lte=last, account__type=Account.Type.EXPENSE)
            .order_by().annotate(month=ExtractMonth("date")).values("account_id", "month")
            .annotate(total=Sum(F("debit") - F("credit"), output_field=MONEY)))
    cells = defaultdict(lambda: [ZERO] * 12)
    for row in rows:
        cells[row["account_id"]][row["month"] - 1] += row["total"] or ZERO
    accounts = _posting_accounts(Account.Type.EXPENSE)
    categories = []
    for pk, account in accounts.items():
        if pk in cells:
            months = cells[pk]
            categories.append({"account": account, "months": months, "total": sum(months, ZERO)})
    month_totals = [sum((c["months"][m] for c in categories), ZERO) for m in range(12)]
    return {"year": year, "months": [datetime.date(year, m, 1) for m in range(1, 13)], "categories": categories,
            "month_totals": month_totals, "total": sum(month_totals, ZERO)}


# --- budget vs actual --------------------------------------------------------------------------------

def budget_vs_actual(*, year: int) -> dict:
    """Per income and expense account: the year's budget, the actual, the variance (actual − budget) and
    the share of the budget used; `favourable` is more income or less expense than budgeted."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    sums = _sums_by_account(JournalLine.objects.filter(
        date__gte=first, date__lte=last, account__type__in=(Account.Type.INCOME, Account.Type.EXPENSE)))
    budgets = dict(BudgetLine.objects.filter(year=year).values_list("account_id", "amount"))
    accounts = _posting_accounts(Account.Type.INCOME, Account.Type.EXPENSE, postings_only=True)
    sections = {}
    for type_ in (Account.Type.INCOME, Account.Type.EXPENSE):
        rows = []
        for pk, account in accounts.items():
            if account.type != type_ or (pk not in sums and pk not in budgets and not account.is_active):
                continue
            debit, credit = sums.get(pk, (ZERO, ZERO))
            actual, budget = natural(account, debit, credit), budgets.get(pk, ZERO)
            rows.append(_variance_row(type_=type_, account=account, budget=budget, actual=actual))
        budget = sum((r["budget"] for r in rows), ZERO)
        actual = sum((r["actual"] for r in rows), ZERO)
        sections[type_] = {"rows": rows, **_variance_row(type_=type_, account=None, budget=budget, actual=actual)}
        sections[type_].pop("account")
    return {"year": year, "income": sections["income"], "expense": sections["expense"]}


def _variance_row(*, type_: str, account, budget: Decimal, actual: Decimal) -> dict:
    variance = actual - budget
    is_income = type_ == Account.Type.INCOME
    return {"account": account, "budget": budget, "actual": actual, "variance": variance,
            "pct": (actual * 100 / budget).quantize(Decimal("0.1")) if budget else None,
            "favourable": variance >= 0 if is_income else variance <= 0}

