"""fees_dashboard: the figures of a built term (collected today / this week / this term net of a reversal,
invoiced, outstanding, collection rate, by class, aging, by channel, waiting counts), bounded queries,
bookkeepers only, and school B seeing none of school A's figures."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django_tenants.utils import schema_context

from apps.finance.selectors_dashboard import fees_dashboard
from tests.academics.factories import TermFactory
from tests.factories import UserFactory
from tests.finance.factories_fees_overview import TODAY, fees_scenario

pytestmark = pytest.mark.usefixtures("in_school_a")


@pytest.fixture
def scenario(admin_a):
    return fees_scenario(actor=admin_a)


def test_figures_of_a_term(admin_a, scenario):
    data = fees_dashboard(user=admin_a, term=scenario["term"], today=TODAY)

    collected = data["collected"]
    assert (collected["today"], collected["week"], collected["term"]) == (
        Decimal("50000"), Decimal("150000"), Decimal("450000"))
    totals = data["totals"]
    assert totals["invoiced"] == Decimal("2200000") and totals["paid"] == Decimal("450000")
    assert totals["outstanding"] == Decimal("1750000") and totals["count"] == 4
    assert totals["collection_rate"] == Decimal("20.5")

    by_class = {row["class_id"]: row for row in data["by_class"]}
    a, b = by_class[scenario["class_a"].pk], by_class[scenario["class_b"].pk]
    assert (a["invoiced"], a["paid"], a["balance"], a["rate"]) == (
        Decimal("1650000"), Decimal("450000"), Decimal("1200000"), Decimal("27.3"))
    assert (b["invoiced"], b["paid"], b["balance"], b["rate"]) == (
        Decimal("550000"), Decimal("0"), Decimal("550000"), Decimal("0.0"))

    aging = {bucket["key"]: (bucket["count"], bucket["amount"]) for bucket in data["aging"]}
    assert aging == {"not_due": (0, Decimal("0")), "d0_30": (4, Decimal("440000")),
                     "d31_60": (4, Decimal("635000")), "d61_90": (0, Decimal("0")),
                     "d90": (3, Decimal("675000"))}
    assert sum(amount for _count, amount in aging.values()) == totals["outstanding"]

    channels = {row["channel"]: (row["count"], row["amount"], row["share"]) for row in data["by_channel"]}
    assert channels == {"cash": (2, Decimal("350000"), Decimal("77.8")),
                        "mpesa": (1, Decimal("100000"), Decimal("22.2"))}
    assert [payment.amount for payment in data["recent"]][:2] == [Decimal("20000"), Decimal("50000")]
    assert data["waiting"] == {"lines": 0, "events": 1, "write_offs": 1}


def test_aging_moves_with_the_day(admin_a, scenario):
    early = fees_dashboard(user=admin_a, term=scenario["term"], today=datetime.date(2026, 1, 15))
    assert {b["key"]: b["count"] for b in early["aging"]}["not_due"] == 11  # 12 instalments, one fully paid


def test_another_term_has_its_own_figures(admin_a, scenario):
    other = TermFactory(year=scenario["term"].year, number=2, is_current=False,
                        starts_on=datetime.date(2026, 6, 20), ends_on=datetime.date(2026, 9, 1))
    data = fees_dashboard(user=admin_a, term=other, today=TODAY)
    assert data["totals"]["invoiced"] == 0 and data["totals"]["collection_rate"] is None
    assert data["by_class"] == [] and data["by_channel"] == [] and data["collected"]["term"] == 0
    assert data["collected"]["today"] == Decimal("50000")  # today is today whatever the term


def test_no_term(admin_a, scenario):
    data = fees_dashboard(user=admin_a, term=None, today=TODAY)
    assert data["totals"]["invoiced"] == 0 and data["collected"]["term"] == 0


def test_bounded_queries(admin_a, scenario, django_assert_max_num_queries):
    fees_scenario(actor=admin_a)  # twice the rows
    with django_assert_max_num_queries(20):
        data = fees_dashboard(user=admin_a, term=scenario["term"], today=TODAY)
        [payment.student.stream.school_class for payment in data["recent"]]


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_are_refused(scenario, role):
    with pytest.raises(PermissionDenied):
        fees_dashboard(user=UserFactory(role=role), term=scenario["term"], today=TODAY)


def test_school_b_sees_none_of_it(admin_a, admin_b, school_b, scenario):
    with schema_context(school_b.schema_name):
        data = fees_dashboard(user=admin_b, term=None, today=TODAY)
        assert data["collected"] == {"today": 0, "week": 0, "term": 0, "week_start": datetime.date(2026, 4, 20)}
        assert all(bucket["count"] == 0 for bucket in data["aging"]) and data["recent"] == []
        assert data["waiting"] == {"lines": 0, "events": 0, "write_offs": 0}
