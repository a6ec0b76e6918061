"""/api/v1/ledger/ accounts, entries and periods: bookkeepers only, the services' rules with the error
envelope and nothing written, reversal, periods, bounded queries and another school's isolation."""

import datetime

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.ledger.models import Account, JournalEntry, Period
from tests.conftest import tokens_in
from tests.factories import UserFactory
from tests.ledger.factories import account, post

TODAY = datetime.date.today()


@pytest.fixture
def accountant(school_a):
    with schema_context(school_a.schema_name):
        return UserFactory(role="accountant")


@pytest.fixture
def entry(school_a, accountant):
    with schema_context(school_a.schema_name):
        return post("5210", "1110", "1500.00", memo="Chalk", actor=accountant)


def _as(api_client, school, user):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    api_client.defaults["HTTP_HOST"] = school.primary_host
    return api_client


def _codes(school_a, *codes):
    with schema_context(school_a.schema_name):
        return [account(code).pk for code in codes]


def test_teachers_and_parents_get_403(api_client, school_a, entry):
    for role in ("teacher", "parent"):
        with schema_context(school_a.schema_name):
            user = UserFactory(role=role)
        client = _as(api_client, school_a, user)
        for url in (reverse("api:ledger-account-list"), reverse("api:ledger-entry-list"),
                    reverse("api:ledger-entry-detail", args=[entry.pk]), reverse("api:ledger-period-list")):
            assert client.get(url).status_code == 403
        assert client.post(reverse("api:ledger-entry-reverse", args=[entry.pk])).status_code == 403
    with schema_context(school_a.schema_name):
        assert JournalEntry.objects.count() == 1


def test_accounts_list_filter_create_update_delete(api_client, school_a, accountant, entry):
    client = _as(api_client, school_a, accountant)

    rows = client.get(reverse("api:ledger-account-list"), {"type": "income"}).json()
    assert rows and {row["type"] for row in rows} == {"income"}
    group = next(row for row in client.get(reverse("api:ledger-account-list")).json() if row["code"] == "5200")

    created = client.post(reverse("api:ledger-account-list"), {"code": "5285", "name": "Sports", "type": "expense",
                                                               "parent": group["id"]}, format="json")
    assert created.status_code == 201 and created.json()["parent"] == group["id"]
    bad = client.post(reverse("api:ledger-account-list"), {"code": "5285", "name": "Again", "type": "expense"},
                      format="json")
    assert bad.status_code == 400 and bad.json()["error"]["details"]["code"]

    url = reverse("api:ledger-account-detail", args=[created.json()["id"]])
    patched = client.patch(url, {"name": "Sports and games", "is_active": False}, format="json")
    assert patched.status_code == 200 and patched.json()["name"] == "Sports and games"
    assert patched.json()["is_active"] is False
    inactive = client.get(reverse("api:ledger-account-list"), {"active": "false"}).json()
    assert "5285" in {row["code"] for row in inactive}
    assert client.delete(url).status_code == 204

    materials = reverse("api:ledger-account-detail", args=_codes(school_a, "5210"))
    refused = client.delete(materials)
    assert refused.status_code == 409 and "has postings" in refused.json()["error"]["message"]
    with schema_context(school_a.schema_name):
        assert Account.objects.filter(code="5210").exists() and not Account.objects.filter(code="5285").exists()


def test_post_a_manual_entry_and_reverse_it(api_client, school_a, admin_a):
    client = _as(api_client, school_a, admin_a)
    materials, cash = _codes(school_a, "5210", "1110")

    response = client.post(reverse("api:ledger-entry-list"), {"date": TODAY.isoformat(), "memo": "Chalk", "lines": [
        {"account": materials, "debit": "2500.00", "description": "Chalk"},
        {"account": cash, "credit": "2500.00"}]}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["reference"] == f"JE-{body['id']:06d}" and body["total"] == "2500.00" and len(body["lines"]) == 2
    detail = client.get(reverse("api:ledger-entry-detail", args=[body["id"]])).json()
    assert detail["lines"][0]["account_code"] == "5210"

    reversal = client.post(reverse("api:ledger-entry-reverse", args=[body["id"]]), {"memo": "Duplicate"},
                           format="json")
    assert reversal.status_code == 201 and reversal.json()["reverses"] == body["id"]
    assert reversal.json()["source"] == "reversal"
    assert client.get(reverse("api:ledger-entry-detail", args=[body["id"]])).json()["reversed_by"] == \
        reversal.json()["id"]
    again = client.post(reverse("api:ledger-entry-reverse", args=[body["id"]]), {}, format="json")
    assert again.status_code == 400 and "already been reversed" in again.json()["error"]["message"]


@pytest.mark.parametrize("lines, expected", [
    (lambda m, c: [{"account": m, "debit": "10.00"}, {"account": c, "credit": "9.00"}], "must be equal"),
    (lambda m, c: [{"account": m, "debit": "10.00"}], "at least two lines"),
    (lambda m, c: [{"account": m, "debit": "10.001"}, {"account": c, "credit": "10.001"}], "decimal places"),
    (lambda m, c: [{"account": m, "debit": "-5"}, {"account": c, "credit": "-5"}], "greater than or equal"),
    (lambda m, c: [], "lines"),
])
def test_bad_entries_get_the_envelope_and_write_nothing(api_client, school_a, accountant, lines, expected):
    client = _as(api_client, school_a, accountant)
    materials, cash = _codes(school_a, "5210", "1110")

    response = client.post(reverse("api:ledger-entry-list"), {"date": TODAY.isoformat(), "memo": "Bad",
                                                              "lines": lines(materials, cash)}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and expected in str(error)
    with schema_context(school_a.schema_name):
        assert JournalEntry.objects.count() == 0


def test_entry_filters_and_bounded_queries(api_client, school_a, accountant, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for n in range(25):
            post("5210", "1110", f"{n + 1}.00", actor=accountant)
        old = post("1121", "4110", "99.00", actor=accountant, date=TODAY - datetime.timedelta(days=45))
    client = _as(api_client, school_a, accountant)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("api:ledger-entry-list"))
    assert response.json()["meta"]["count"] == 26
    bank = _codes(school_a, "1121")[0]
    assert [row["id"] for row in client.get(reverse("api:ledger-entry-list"), {"account": bank}).json()["data"]] \
        == [old.pk]
    to = (TODAY - datetime.timedelta(days=40)).isoformat()
    assert client.get(reverse("api:ledger-entry-list"), {"to": to}).json()["meta"]["count"] == 1
    assert client.get(reverse("api:ledger-entry-list"), {"source": "reversal"}).json()["meta"]["count"] == 0
    assert client.get(reverse("api:ledger-entry-list"), {"from": "nope"}).status_code == 400


def test_periods_close_and_reopen(api_client, school_a, admin_a, accountant, entry):
    client = _as(api_client, school_a, accountant)
    rows = client.get(reverse("api:ledger-period-list")).json()["data"]
    assert rows[0]["id"] == entry.period_id and rows[0]["entries_count"] == 1

    closed = client.post(reverse("api:ledger-period-close", args=[entry.period_id]))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.post(reverse("api:ledger-period-reopen", args=[entry.period_id]),
                       {"reason": "Missed"}, format="json").status_code == 403
    materials, cash = _codes(school_a, "5210", "1110")
    refused = client.post(reverse("api:ledger-entry-list"), {"date": TODAY.isoformat(), "memo": "Late", "lines": [
        {"account": materials, "debit": "1.00"}, {"account": cash, "credit": "1.00"}]}, format="json")
    assert refused.status_code == 400 and "is closed" in refused.json()["error"]["message"]

    admin = _as(api_client, school_a, admin_a)
    no_reason = admin.post(reverse("api:ledger-period-reopen", args=[entry.period_id]), {}, format="json")
    assert no_reason.status_code == 400
    reopened = admin.post(reverse("api:ledger-period-reopen", args=[entry.period_id]), {"reason": "Missed"},
                          format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    with schema_context(school_a.schema_name):
        assert not Period.objects.get(pk=entry.period_id).is_closed


def test_another_school_sees_none_of_it(api_client, school_a, school_b, admin_b, entry):
    with schema_context(school_a.schema_name):
        only_a = Account.objects.create(code="9999", name="Alpha only", type="expense")
    client = _as(api_client, school_b, admin_b)

    assert client.get(reverse("api:ledger-entry-list")).json()["meta"]["count"] == 0
    assert client.get(reverse("api:ledger-entry-detail", args=[entry.pk])).status_code == 404
    assert client.post(reverse("api:ledger-entry-reverse", args=[entry.pk]), {}, format="json").status_code == 404
    assert client.get(reverse("api:ledger-period-list")).json()["meta"]["count"] == 0
    assert client.post(reverse("api:ledger-period-close", args=[entry.period_id])).status_code == 404
    assert "9999" not in {row["code"] for row in client.get(reverse("api:ledger-account-list")).json()}
    assert client.get(reverse("api:ledger-account-detail", args=[only_a.pk])).status_code == 404
    assert client.delete(reverse("api:ledger-account-detail", args=[only_a.pk])).status_code == 404
    with schema_context(school_a.schema_name):
        assert not JournalEntry.objects.filter(reverses=entry).exists()
        assert not Period.objects.get(pk=entry.period_id).is_closed
        assert Account.objects.filter(pk=only_a.pk).exists()
