"""The financial reports on a small posted scenario: trial balance, general ledger with running balance,
income statement with the previous period, balance sheet, cash book, expense breakdown, budget vs actual;
set-based queries (a bounded number whatever the number of lines) and school B seeing none of A's lines."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.ledger import reports
from apps.ledger.models import BudgetLine
from apps.ledger.services_budget import budget_set
from tests.ledger.factories import account, post

D = Decimal


def d(month, day):
    return datetime.date(2026, month, day)


def books():
    """Capital in the bank, fees invoiced in January and February, one paid by M-Pesa, cash drawn,
    teaching materials paid in cash, food bought on credit in March."""
    post("1121", "3100", "1000000", date=d(1, 15), memo="Capital")
    post("1200", "4110", "300000", date=d(1, 20), memo="January fees")
    post("1110", "1121", "200000", date=d(2, 5), memo="Cash drawn")
    post("1200", "4110", "600000", date=d(2, 10), memo="February fees")
    post("1131", "1200", "400000", date=d(2, 20), memo="Fees paid by M-Pesa")
    post("5210", "1110", "50000", date=d(2, 25), memo="Chalk and books")
    post("5220", "2100", "120000", date=d(3, 3), memo="Maize flour")


@pytest.fixture
def scenario(in_school_a):
    books()


def by_code(rows, key="account"):
    return {row[key].code: row for row in rows}


def test_trial_balance(scenario):
    tb = reports.trial_balance(date_to=d(3, 31))
    rows = by_code(tb["rows"])
    assert rows["1121"]["debit"] == D("1000000") and rows["1121"]["credit"] == D("200000")
    assert rows["1121"]["balance"] == D("800000") and rows["1121"]["balance_debit"] == D("800000")
    assert rows["3100"]["balance"] == D("1000000") and rows["3100"]["balance_credit"] == D("1000000")
    assert rows["1110"]["balance"] == D("150000")
    assert rows["4110"]["balance"] == D("900000")
    assert "1122" not in rows  # no movement, no row
    assert tb["totals"]["debit"] == tb["totals"]["credit"] == D("2670000")
    assert tb["totals"]["balance_debit"] == tb["totals"]["balance_credit"]
    assert tb["totals"]["balanced"]
    # a range: February only
    feb = by_code(reports.trial_balance(date_from=d(2, 1), date_to=d(2, 28))["rows"])
    assert feb["4110"]["credit"] == D("600000") and "3100" not in feb


def test_general_ledger_running_balance(scenario):
    gl = reports.general_ledger(account=account("1200"), date_from=d(2, 1), date_to=d(3, 31))
    assert gl["opening"] == D("300000")
    assert [line["balance"] for line in gl["lines"]] == [D("900000"), D("500000")]
    assert [line["memo"] for line in gl["lines"]] == ["February fees", "Fees paid by M-Pesa"]
    assert gl["lines"][0]["reference"].startswith("JE-")
    assert gl["closing"] == D("500000") and gl["count"] == 2
    # a page further on carries the balance of the lines before it
    second = reports.general_ledger(account=account("1200"), date_from=d(2, 1), date_to=d(3, 31), limit=1, offset=1)
    assert [line["balance"] for line in second["lines"]] == [D("500000")]
    # a credit-normal account runs in its own sign
    income = reports.general_ledger(account=account("4110"), date_from=d(1, 1), date_to=d(12, 31))
    assert [line["balance"] for line in income["lines"]] == [D("300000"), D("900000")]


def test_income_statement_with_previous_period(scenario):
    pl = reports.income_statement(date_from=d(2, 1), date_to=d(2, 28))
    assert (pl["previous_from"], pl["previous_to"]) == (d(1, 4), d(1, 31))
    income = by_code(pl["income"]["rows"])
    assert income["4110"]["amount"] == D("600000") and income["4110"]["previous"] == D("300000")
    assert income["4110"]["change"] == D("300000") and income["4110"]["change_pct"] == D("100.0")
    assert pl["income"]["groups"][0]["group"].code == "4100"
    assert pl["expense"]["total"] == D("50000") and pl["expense"]["previous"] == 0
    assert pl["net"] == {"amount": D("550000"), "previous": D("300000"), "change": D("250000"),
                         "change_pct": D("83.3")}
    assert "5220" not in by_code(pl["expense"]["rows"])  # March


def test_balance_sheet_balances(scenario):
    bs = reports.balance_sheet(at=d(3, 31))
    assert bs["assets"]["total"] == D("1850000")
    assert bs["liabilities"]["total"] == D("120000")
    assert bs["surplus"] == D("730000")
    assert bs["equity"]["total"] == D("1730000")
    assert bs["liabilities_and_equity"] == bs["assets"]["total"] and bs["balanced"]
    earlier = reports.balance_sheet(at=d(1, 31))
    assert earlier["assets"]["total"] == D("1300000") and earlier["surplus"] == D("300000") and earlier["balanced"]


def test_cash_book(scenario):
    book = reports.cash_book(date_from=d(2, 1), date_to=d(2, 28))
    accounts = {b["account"].code: b for b in book["accounts"]}
    assert set(accounts) == {"1110", "1121", "1131"}
    assert [line["balance"] for line in accounts["1110"]["lines"]] == [D("200000"), D("150000")]
    assert accounts["1121"]["opening"] == D("1000000") and accounts["1121"]["closing"] == D("800000")
    assert accounts["1131"]["closing"] == D("400000")
    assert book["totals"]["closing"] == D("1350000") and not book["truncated"]
    one = reports.cash_book(date_from=d(2, 1), date_to=d(2, 28), account=account("1131"))
    assert [b["account"].code for b in one["accounts"]] == ["1131"]


def test_expense_breakdown(scenario):
    data = reports.expense_breakdown(year=2026)
    rows = by_code(data["categories"])
    assert rows["5210"]["months"][1] == D("50000") and rows["5220"]["months"][2] == D("120000")
    assert data["month_totals"][1] == D("50000") and data["total"] == D("170000")
    assert reports.expense_breakdown(year=2025)["categories"] == []


def test_budget_vs_actual(scenario, admin_a):
    budget_set(year=2026, account=account("5210"), amount="100000", actor=admin_a)
    budget_set(year=2026, account=account("4110"), amount="1000000", actor=admin_a)
    data = reports.budget_vs_actual(year=2026)
    expense, income = by_code(data["expense"]["rows"]), by_code(data["income"]["rows"])
    assert expense["5210"]["actual"] == D("50000") and expense["5210"]["variance"] == D("-50000")
    assert expense["5210"]["pct"] == D("50.0") and expense["5210"]["favourable"]
    assert income["4110"]["pct"] == D("90.0") and not income["4110"]["favourable"]
    assert expense["5220"]["budget"] == 0 and expense["5220"]["pct"] is None
    assert data["income"]["budget"] == D("1000000") and data["expense"]["actual"] == D("170000")


def test_budget_set_refuses_bad_input(in_school_a, admin_a):
    budget_set(year=2026, account=account("5210"), amount="10", actor=admin_a)
    budget_set(year=2026, account=account("5210"), amount="25.50", actor=admin_a)
    assert BudgetLine.objects.get(year=2026, account=account("5210")).amount == D("25.50")
    for kwargs in ({"account": account("1110")}, {"account": account("5200")}, {"amount": "-5"},
                   {"amount": "abc"}, {"year": 1800}):
        with pytest.raises(ValidationError):
            budget_set(**{"year": 2026, "account": account("5220"), "amount": "1", "actor": admin_a, **kwargs})
    assert BudgetLine.objects.count() == 1


def test_reports_take_a_bounded_number_of_queries(in_school_a, django_assert_max_num_queries):
    books()
    for i in range(30):
        post("1110", "4900", str(100 + i), date=d(2, 1 + i % 28))
    calls = [
        lambda: reports.trial_balance(date_to=d(3, 31)),
        lambda: reports.general_ledger(account=account("1110"), date_from=d(1, 1), date_to=d(3, 31)),
        lambda: reports.income_statement(date_from=d(2, 1), date_to=d(2, 28)),
        lambda: reports.balance_sheet(at=d(3, 31)),
        lambda: reports.cash_book(date_from=d(2, 1), date_to=d(2, 28)),
        lambda: reports.expense_breakdown(year=2026),
        lambda: reports.budget_vs_actual(year=2026),
    ]
    # at most five queries each (django-tenants sets the search path before each: ten statements): the
    # closed months, their balances (none here), the rest of the lines, the accounts, the report's own rows
    for call in calls:
        with django_assert_max_num_queries(10):
            call()


def test_school_b_sees_none_of_school_a(school_a, school_b):
    with schema_context(school_a.schema_name):
        books()
    with schema_context(school_b.schema_name):
        assert reports.trial_balance(date_to=d(12, 31))["rows"] == []
        assert reports.balance_sheet(at=d(12, 31))["assets"]["total"] == 0
        assert reports.cash_book(date_from=d(1, 1), date_to=d(12, 31))["accounts"] == []
