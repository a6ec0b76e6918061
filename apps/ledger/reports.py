"""The financial reports: trial balance, general ledger, income statement, balance sheet, cash book,
expense breakdown and budget vs actual. Every figure is aggregated by PostgreSQL: closed months from their
balances per account (PeriodBalance, summed when the month was closed), the rest by Sum over the
JournalLine (account, date) and (date) indexes (`account_sums`), window functions for running balances;
Python only arranges the few dozen account rows the database answers with."""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import DecimalField, F, Q, Sum, Value, Window
from django.db.models.functions import Coalesce, ExtractMonth

from apps.ledger.models import ZERO, Account, BudgetLine, JournalLine, Period, PeriodBalance

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


def _open_ranges(date_from: datetime.date, date_to: datetime.date, closed: list) -> list[tuple]:
    """[date_from, date_to] less the closed months inside it, as (first, last) day ranges."""
    ranges, start = [], date_from
    for _pk, starts_on, ends_on in sorted(closed, key=lambda p: p[1]):
        if starts_on > start:
            ranges.append((start, starts_on - datetime.timedelta(days=1)))
        start = max(start, ends_on + datetime.timedelta(days=1))
    if start <= date_to:
        ranges.append((start, date_to))
    return ranges


def account_sums(ranges: dict, *, where: Q = Q()) -> dict[str, dict[int, tuple[Decimal, Decimal]]]:
    """{label: {account id: (debits, credits)}} for each labelled date range (`{label: (date_from or None,
    date_to)}`), of the accounts matching `where` (lookups on `account` / `account_id` only: it filters
    both the lines and the month balances). Months closed inside a
    range are read from their PeriodBalance rows (summed when the month was closed); only the rest of
    the range is summed from the lines, through the (date) and (account, date) indexes. Three queries
    whatever the number of ranges and lines."""
    earliest = datetime.date(1900, 1, 1)
    ranges = {label: (date_from or earliest, date_to) for label, (date_from, date_to) in ranges.items()}
    low, high = min(r[0] for r in ranges.values()), max(r[1] for r in ranges.values())
    closed = list(Period.objects.filter(status=Period.Status.CLOSED, starts_on__gte=low, ends_on__lte=high)
                  .values_list("id", "starts_on", "ends_on"))
    balance_sums, line_sums, any_lines = {}, {}, Q()
    for label, (date_from, date_to) in ranges.items():
        inside = [p for p in closed if p[1] >= date_from and p[2] <= date_to]
        if inside:
            in_closed = Q(period_id__in=[p[0] for p in inside])
            balance_sums[f"{label}__d"] = Sum("debit", filter=in_closed)
            balance_sums[f"{label}__c"] = Sum("credit", filter=in_closed)
        open_ranges = _open_ranges(date_from, date_to, inside)
        if open_ranges:
            in_open = Q()
            for first, last in open_ranges:
                in_open |= Q(date__gte=first, date__lte=last)
            line_sums[f"{label}__d"] = Sum("debit", filter=in_open)
            line_sums[f"{label}__c"] = Sum("credit", filter=in_open)
            any_lines |= in_open
    result = {label: {} for label in ranges}

    def add(rows):
        for row in rows:
            for label in ranges:
                debit, credit = row.get(f"{label}__d"), row.get(f"{label}__c")
                if debit is None and credit is None:
                    continue
                before = result[label].get(row["account_id"], (ZERO, ZERO))
                result[label][row["account_id"]] = (before[0] + (debit or ZERO), before[1] + (credit or ZERO))

    if balance_sums:
        add(PeriodBalance.objects.filter(where, period_id__in=[p[0] for p in closed]).order_by()
            .values("account_id").annotate(**balance_sums))
    if line_sums:
        add(JournalLine.objects.filter(where & any_lines).order_by().values("account_id").annotate(**line_sums))
    return result


def previous_period(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The period of equal length just before [date_from, date_to]."""
    days = (date_to - date_from).days + 1
    previous_to = date_from - datetime.timedelta(days=1)
    return previous_to - datetime.timedelta(days=days - 1), previous_to


# --- trial balance -----------------------------------------------------------------------------------

def trial_balance(*, date_from: datetime.date | None = None, date_to: datetime.date) -> dict:
    """Debits, credits and balance of every posting account with movements in the range (all history up
    to `date_to` when no `date_from`). Four queries whatever the number of lines."""
    sums = account_sums({"range": (date_from, date_to)})["range"]
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
    before = account_sums({"before": (None, date_from - datetime.timedelta(days=1))},
                          where=Q(account_id=account.pk))["before"].get(account.pk, (ZERO, ZERO))
    opening = natural(account, *before)
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
    negative); with `compare`, the same for the previous period of equal length and the change. Both
    periods in the same aggregate queries (account_sums)."""
    previous_from, previous_to = previous_period(date_from, date_to)
    periods = {"current": (date_from, date_to), **({"previous": (previous_from, previous_to)} if compare else {})}
    found = account_sums(periods, where=Q(account__type__in=(Account.Type.INCOME, Account.Type.EXPENSE)))
    sums = {}
    for pk in set(found["current"]) | set(found.get("previous", {})):
        d, c = found["current"].get(pk, (ZERO, ZERO))
        pd, pc = found.get("previous", {}).get(pk, (ZERO, ZERO))
        sums[pk] = {"d": d, "c": c, "pd": pd, "pc": pc}
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
    sums = account_sums({"at": (None, at)})["at"]
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
    running balance per account (a window partitioned by account). Five queries; at most `limit`
    lines in all (`truncated` says when there were more)."""
    accounts = list(cash_accounts().filter(pk=account.pk) if account else cash_accounts())
    ids = [a.pk for a in accounts]
    found = account_sums({"opening": (None, date_from - datetime.timedelta(days=1)), "range": (date_from, date_to)},
                         where=Q(account_id__in=ids))
    opening, period = found["opening"], found["range"]
    in_range = JournalLine.objects.filter(account_id__in=ids, date__gte=date_from, date__lte=date_to)
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
    sums = account_sums({"year": (first, last)},
                        where=Q(account__type__in=(Account.Type.INCOME, Account.Type.EXPENSE)))["year"]
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

