"""The beancount export loads in the `beancount` package without errors, and its balances per account
are ours (the trial balance)."""

import datetime
from collections import defaultdict
from decimal import Decimal

from beancount import loader
from beancount.core import data as bdata

from apps.ledger import reports
from apps.ledger.beancount import account_name, journal_beancount
from apps.ledger.services import account_create, entry_reverse
from tests.ledger.factories import account
from tests.ledger.test_reports import books, d


def _balances(text: str) -> dict[str, Decimal]:
    entries, errors, options = loader.load_string(text)
    assert errors == [], [e.message for e in errors]
    assert options["operating_currency"] == ["TZS"]
    sums = defaultdict(Decimal)
    for entry in entries:
        if isinstance(entry, bdata.Transaction):
            for posting in entry.postings:
                sums[posting.account] += posting.units.number
    return sums


def test_export_loads_and_matches_the_trial_balance(in_school_a, admin_a):
    books()
    # an awkward name and a reversal
    odd = account_create(code="5299", name='Mixx "by" Yas (Tigo) — ada/ñ', type="expense", actor=admin_a,
                         parent=account("5200"))
    from tests.ledger.factories import post
    wrong = post("5299", "1110", "1234.56", date=d(3, 10), memo='Quote " and \\ backslash')
    entry_reverse(entry=wrong, actor=admin_a, date=d(3, 11))
    text = journal_beancount()
    assert 'option "operating_currency" "TZS"' in text
    assert f"^{wrong.reference}" in text
    sums = _balances(text)
    tb = reports.trial_balance(date_to=datetime.date.today())
    assert tb["rows"]
    for row in tb["rows"]:
        assert sums[account_name(row["account"])] == row["debit"] - row["credit"]
    assert sums[account_name(odd)] == 0
    assert account_name(account("1110")) == "Assets:A1110-Cash-on-hand"


def test_export_up_to_a_date(in_school_a):
    books()
    sums = _balances(journal_beancount(date_to=d(1, 31)))
    assert sums[account_name(account("1121"))] == Decimal("1000000")
    assert sums[account_name(account("4110"))] == Decimal("-300000")
    assert sums[account_name(account("5220"))] == 0


def test_empty_books_still_load(in_school_a):
    assert _balances(journal_beancount()) == {}
