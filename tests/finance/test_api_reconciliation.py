"""/api/v1/reconciliation/suggestions/: the list with filters, confirming and rejecting (the same services as
the console; refusals are 400 envelopes that write nothing), 403 for others, bounded queries, school B."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import MatchSuggestion, Payment, PaymentEvent
from apps.finance.services import invoice_issue
from apps.finance.services_payments import account_for_channel
from apps.finance.services_reconciliation import event_reconcile
from django.utils import timezone
from tests.conftest import tokens_in
from tests.factories import UserFactory
from tests.finance.factories_invoices import fee_setup


def _slip(number: str) -> str:
    for i in range(5, 11):
        if number[i] != number[i + 1]:
            return number[:i] + number[i + 1] + number[i] + number[i + 2:]
    raise AssertionError(number)


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=2)
        invoices = [invoice_issue(student=s, term=setup["term"], actor=admin_a, issued_on=datetime.date(2026, 1, 12))
                    for s in setup["students"]]
        events = []
        for n, invoice in enumerate(invoices):
            event = PaymentEvent.objects.create(
                provider="mpesa", transaction_id=f"T{n}", amount=Decimal("50000"), reference=_slip(invoice.control_number),
                paid_at=timezone.make_aware(datetime.datetime(2026, 1, 15, 9)), account=account_for_channel("mpesa"))
            events.append(event_reconcile(event=event))
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"), "teacher": UserFactory(role="teacher"),
                "invoices": invoices, "events": events}


def _call(api_client, school, user, method, url, data=None):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    return getattr(api_client, method)(url, data, format="json", HTTP_HOST=school.primary_host)


def test_list_filters_confirm_and_refusal(api_client, school_a, cast, django_assert_max_num_queries):
    url = reverse("api:reconciliation-suggestion-list")
    with django_assert_max_num_queries(20):
        listed = _call(api_client, school_a, cast["accountant"], "get", url)
    assert listed.status_code == 200
    rows = listed.json()["data"]
    assert len(rows) == 2 and rows[0]["rule"] == "fuzzy_reference" and rows[0]["confidence"] == 70
    assert {r["control_number"] for r in rows} == {i.control_number for i in cast["invoices"]}
    assert rows[0]["source"]["kind"] == "event"
    by_event = _call(api_client, school_a, cast["accountant"], "get", url, {"event": cast["events"][1].pk}).json()
    assert len(by_event["data"]) == 1
    bad = _call(api_client, school_a, cast["accountant"], "get", url, {"rule": "nope"})
    assert bad.status_code == 400 and "error" in bad.json()

    with schema_context(school_a.schema_name):
        suggestion = MatchSuggestion.objects.get(event=cast["events"][0])
    confirmed = _call(api_client, school_a, cast["accountant"], "post",
                      reverse("api:reconciliation-suggestion-confirm", args=[suggestion.pk]))
    assert confirmed.status_code == 200 and confirmed.json()["receipt_number"] == "RCT-2026-000001"
    assert confirmed.json()["suggestion"]["status"] == "confirmed"
    again = _call(api_client, school_a, cast["accountant"], "post",
                  reverse("api:reconciliation-suggestion-confirm", args=[suggestion.pk]))
    assert again.status_code == 400 and again.json()["error"]["code"]
    with schema_context(school_a.schema_name):
        assert Payment.objects.count() == 1
        assert PaymentEvent.objects.get(pk=cast["events"][0].pk).status == "matched"


def test_reject(api_client, school_a, cast):
    with schema_context(school_a.schema_name):
        suggestion = MatchSuggestion.objects.get(event=cast["events"][1])
    response = _call(api_client, school_a, cast["admin"], "post",
                     reverse("api:reconciliation-suggestion-reject", args=[suggestion.pk]))
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    with schema_context(school_a.schema_name):
        assert PaymentEvent.objects.get(pk=cast["events"][1].pk).status == "unmatched"


def test_others_get_403_and_nothing_changes(api_client, school_a, cast):
    with schema_context(school_a.schema_name):
        suggestion = MatchSuggestion.objects.first()
    assert _call(api_client, school_a, cast["teacher"], "get",
                 reverse("api:reconciliation-suggestion-list")).status_code == 403
    assert _call(api_client, school_a, cast["teacher"], "post",
                 reverse("api:reconciliation-suggestion-confirm", args=[suggestion.pk])).status_code == 403
    with schema_context(school_a.schema_name):
        assert not Payment.objects.exists() and MatchSuggestion.objects.get(pk=suggestion.pk).status == "open"


def test_school_b_sees_none(api_client, school_b, cast):
    with schema_context(school_b.schema_name):
        admin_b = UserFactory(role="school_admin")
        assert not MatchSuggestion.objects.exists()
    suggestion_pk = cast["events"][0].pk
    listed = _call(api_client, school_b, admin_b, "get", reverse("api:reconciliation-suggestion-list")).json()
    assert listed["data"] == []
    assert _call(api_client, school_b, admin_b, "post",
                 reverse("api:reconciliation-suggestion-confirm", args=[suggestion_pk])).status_code == 404
