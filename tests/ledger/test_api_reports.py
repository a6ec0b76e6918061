"""The reports API: shapes with decimal strings, dates validated (400 in the envelope), the beancount
export as text, bookkeepers only (teachers 403), bounded queries, and school B seeing none of A's lines."""

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from tests.conftest import tokens_in
from tests.factories import UserFactory
from tests.ledger.factories import post
from tests.ledger.test_reports import books, d

URLS = {
    "tb": "api:ledger-report-trial-balance",
    "pl": "api:ledger-report-income-statement",
    "bs": "api:ledger-report-balance-sheet",
    "bean": "api:ledger-export-beancount",
}


@pytest.fixture
def accountant_a(school_a):
    with schema_context(school_a.schema_name):
        return UserFactory(role="accountant")


@pytest.fixture
def posted(school_a):
    with schema_context(school_a.schema_name):
        books()


def _get(api_client, school, user, name, query=""):
    token = tokens_in(school, user)["access"]
    return api_client.get(reverse(URLS[name]) + query, HTTP_HOST=school.primary_host,
                          HTTP_AUTHORIZATION=f"Bearer {token}")


def test_trial_balance(api_client, school_a, accountant_a, posted):
    response = _get(api_client, school_a, accountant_a, "tb", "?to=2026-03-31")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["date_from"] is None and body["date_to"] == "2026-03-31"
    rows = {row["account"]["code"]: row for row in body["rows"]}
    assert rows["1121"] == {"account": rows["1121"]["account"], "debit": "1000000.00", "credit": "200000.00",
                            "balance": "800000.00", "balance_debit": "800000.00", "balance_credit": "0.00"}
    assert rows["1121"]["account"]["name"] == "CRDB Bank" and rows["1121"]["account"]["type"] == "asset"
    assert body["totals"] == {"debit": "2670000.00", "credit": "2670000.00", "balance_debit": "2020000.00",
                              "balance_credit": "2020000.00", "balanced": True}
    february = _get(api_client, school_a, accountant_a, "tb", "?from=2026-02-01&to=2026-02-28").json()
    assert "3100" not in {row["account"]["code"] for row in february["rows"]}


def test_income_statement(api_client, school_a, admin_a, posted):
    body = _get(api_client, school_a, admin_a, "pl", "?from=2026-02-01&to=2026-02-28").json()
    assert (body["previous_from"], body["previous_to"]) == ("2026-01-04", "2026-01-31")
    assert body["net"] == {"amount": "550000.00", "previous": "300000.00", "change": "250000.00",
                           "change_pct": "83.3"}
    group = body["income"]["groups"][0]
    assert group["group"]["code"] == "4100" and group["rows"][0]["amount"] == "600000.00"
    assert body["expense"]["total"] == "50000.00" and body["expense"]["change_pct"] is None


def test_balance_sheet(api_client, school_a, admin_a, posted):
    body = _get(api_client, school_a, admin_a, "bs", "?at=2026-03-31").json()
    assert body["assets"]["total"] == "1850000.00" == body["liabilities_and_equity"]
    assert body["surplus"] == "730000.00" and body["equity"]["total"] == "1730000.00" and body["balanced"]


def test_beancount_export(api_client, school_a, admin_a, posted):
    response = _get(api_client, school_a, admin_a, "bean")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert 'option "operating_currency" "TZS"' in response.content.decode()
    text_only = api_client.get(reverse(URLS["bean"]) + "?to=2026-01-31", HTTP_HOST=school_a.primary_host,
                               HTTP_ACCEPT="text/plain",
                               HTTP_AUTHORIZATION=f"Bearer {tokens_in(school_a, admin_a)['access']}")
    assert text_only.status_code == 200 and '"Maize flour"' not in text_only.content.decode()


@pytest.mark.parametrize(("name", "query", "field"), [
    ("tb", "?to=2026-02-30", "to"), ("tb", "?from=yesterday", "from"),
    ("tb", "?from=2026-03-01&to=2026-02-01", "from"), ("pl", "?from=2026-13-01", "from"),
    ("pl", "?from=2026-03-01&to=2026-02-01", "from"), ("bs", "?at=31-03-2026", "at"), ("bean", "?to=x", "to"),
])
def test_bad_dates_are_400_in_the_envelope(api_client, school_a, admin_a, name, query, field):
    response = _get(api_client, school_a, admin_a, name, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["details"]


def test_teachers_get_403(api_client, school_a, teacher_a, posted):
    for name in URLS:
        response = _get(api_client, school_a, teacher_a, name)
        assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_bounded_queries(api_client, school_a, admin_a, posted, django_assert_max_num_queries):
    queries = {"tb": "?to=2026-12-31", "pl": "?from=2026-02-01&to=2026-02-28", "bs": "?at=2026-12-31", "bean": ""}
    counts = {}
    for name, query in queries.items():
        with django_assert_max_num_queries(30) as captured:
            assert _get(api_client, school_a, admin_a, name, query).status_code == 200
        counts[name] = len(captured)
    with schema_context(school_a.schema_name):
        for i in range(40):
            post("1131", "4110", str(500 + i), date=d(2, 1 + i % 28))
    for name, query in queries.items():
        with django_assert_max_num_queries(counts[name]):
            _get(api_client, school_a, admin_a, name, query)


def test_school_b_sees_none_of_school_a(api_client, school_a, school_b, admin_b, posted):
    assert _get(api_client, school_b, admin_b, "tb", "?to=2026-12-31").json()["rows"] == []
    assert _get(api_client, school_b, admin_b, "bs", "?at=2026-12-31").json()["assets"]["total"] == "0.00"
    assert '"Capital"' not in _get(api_client, school_b, admin_b, "bean").content.decode()
