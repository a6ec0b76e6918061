"""Closed months' balances (PeriodBalance): written when a month is closed, removed when it is reopened, and
every report reads closed months from them and gives exactly what summing the lines gives."""

import datetime

import pytest
from django_tenants.utils import schema_context

from apps.ledger import reports
from apps.ledger.models import Period, PeriodBalance
from apps.ledger.services import period_close, period_for, period_reopen
from tests.factories import UserFactory
from tests.ledger.factories import account, post
from tests.ledger.test_reports import books, d


def every_report() -> dict:
    """Each report over ranges that start and end inside months, cover whole months and go back to the
    beginning, as plain data to compare."""
    return {
        "tb all": reports.trial_balance(date_to=d(4, 30)),
        "tb mid": reports.trial_balance(date_from=d(1, 18), date_to=d(3, 10)),
        "tb feb": reports.trial_balance(date_from=d(2, 1), date_to=d(2, 28)),
        "gl": reports.general_ledger(account=account("1121"), date_from=d(3, 1), date_to=d(4, 30)),
        "gl mid": reports.general_ledger(account=account("1110"), date_from=d(2, 15), date_to=d(4, 30)),
        "is": reports.income_statement(date_from=d(3, 1), date_to=d(4, 30)),
        "is quarter": reports.income_statement(date_from=d(1, 1), date_to=d(3, 31)),
        "bs": reports.balance_sheet(at=d(4, 30)),
        "bs mid": reports.balance_sheet(at=d(2, 14)),
        "cash": reports.cash_book(date_from=d(2, 10), date_to=d(4, 30)),
        "budget": reports.budget_vs_actual(year=2026),
    }


@pytest.fixture
def admin(in_school_a):
    return UserFactory(role="school_admin")


def test_reports_are_the_same_whether_months_are_closed_or_open(in_school_a, admin):
    books()
    post("5220", "1110", "30000", date=d(4, 2), memo="Beans")
    post("1121", "1200", "250000", date=d(4, 28), memo="Fees paid at the bank")
    open_books = every_report()

    for month in (1, 2, 3):
        period_close(period=period_for(d(month, 1)), actor=admin)

    assert PeriodBalance.objects.filter(period__starts_on=d(2, 1), account=account("4110")).get().credit == 600000
    assert every_report() == open_books

    # a reopened month is read from its lines again, and what is posted into it counts
    february = Period.objects.get(starts_on=d(2, 1))
    period_reopen(period=february, reason="A bank charge was missed", actor=admin)
    assert not PeriodBalance.objects.filter(period=february).exists()
    post("5280", "1121", "1500", date=d(2, 27), memo="Bank charge")
    period_close(period=february, actor=admin)
    assert every_report() != open_books
    for month in (1, 2, 3):
        period_reopen(period=Period.objects.get(starts_on=d(month, 1)), reason="Check", actor=admin)
    reopened = every_report()
    for month in (1, 2, 3):
        period_close(period=Period.objects.get(starts_on=d(month, 1)), actor=admin)
    assert every_report() == reopened
    assert reopened["tb feb"]["totals"]["debit"] == open_books["tb feb"]["totals"]["debit"] + 1500


def test_a_closed_month_reads_its_balances_not_its_lines(in_school_a, admin, django_assert_max_num_queries):
    books()
    for month in (1, 2, 3):
        period_close(period=period_for(d(month, 1)), actor=admin)
    # the months' balances are what the reports add up: changing one shows through (the lines cannot change)
    PeriodBalance.objects.filter(period__starts_on=d(1, 1), account=account("1121")).update(debit=999)
    tb = {row["account"].code: row for row in reports.trial_balance(date_to=d(3, 31))["rows"]}
    assert tb["1121"]["debit"] == 999
    with django_assert_max_num_queries(8):  # periods, month balances, open lines, accounts (x2: search path)
        reports.trial_balance(date_to=d(3, 31))


def test_another_school_has_none_of_these_balances(in_school_a, admin, school_b):
    books()
    period_close(period=period_for(d(1, 1)), actor=admin)
    assert PeriodBalance.objects.exists()
    with schema_context(school_b.schema_name):
        assert not PeriodBalance.objects.exists()
        assert reports.trial_balance(date_to=d(3, 31))["rows"] == []


def test_a_month_closed_before_anything_was_posted_has_no_balances(in_school_a, admin):
    period = period_for(datetime.date(2026, 6, 1))
    period_close(period=period, actor=admin)
    assert not PeriodBalance.objects.filter(period=period).exists()
    assert reports.trial_balance(date_to=datetime.date(2026, 6, 30))["rows"] == []
