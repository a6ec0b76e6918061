"""The fees overview and the fee reminders pages: bookkeepers only (403 for others, nothing queued), the
cards, tables and chart data of a built term, the term picker, links to the invoices by class, the
accountant's landing page, reminders counted then queued once a day, bounded queries, school B."""

import json
import re

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.communication.models import OutboxMessage
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.finance.factories_fees_overview import fees_scenario


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"), "teacher": UserFactory(role="teacher"),
                "parent": UserFactory(role="parent"), **fees_scenario(actor=admin_a)}


def _chart(body: str, name: str):
    found = re.search(rf'<script id="{name}-data" type="application/json">(.*?)</script>', body, re.S)
    return json.loads(found.group(1))


@pytest.mark.parametrize("role", ["admin", "accountant"])
def test_the_overview_for_bookkeepers(client, school_a, cast, role):
    console_login(client, school_a, cast[role])
    response = client.get(reverse("finance:dashboard"), {"term": cast["term"].pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "2,200,000.00" in body and "450,000.00" in body and "1,750,000.00" in body and "20.5 %" in body
    assert 'data-fees-chart="bar"' in body and 'data-fees-chart="doughnut"' in body
    assert [row[0] for row in _chart(body, "fees-aging")] == [
        "Not yet due", "0–30 days", "31–60 days", "61–90 days", "Over 90 days"]
    assert sum(value for _label, value in _chart(body, "fees-aging")) == 1750000.0  # aged as of the real today
    assert dict(_chart(body, "fees-channels")) == {"Cash": 350000.0, "M-Pesa": 100000.0}
    assert sorted(value for _label, value in _chart(body, "fees-classes")) == [550000.0, 1200000.0]
    invoices = reverse("finance:invoice-list")
    assert f'{invoices}?term={cast["term"].pk}&amp;school_class={cast["class_a"].pk}&amp;status=issued' in body
    assert reverse("finance:reminder-new") in body


def test_the_current_term_is_shown_without_choosing(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    body = client.get(reverse("finance:dashboard")).content.decode()
    assert "2,200,000.00" in body


def test_a_term_that_is_not_there_falls_back(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    assert client.get(reverse("finance:dashboard"), {"term": "99999"}).status_code == 200


def test_the_accountant_lands_next_to_the_overview(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    body = client.get(reverse("dashboards:home")).content.decode()
    assert 'data-testid="fees-overview"' in body and reverse("finance:dashboard") in body
    console_login(client, school_a, cast["teacher"])
    assert 'data-testid="fees-overview"' not in client.get(reverse("dashboards:home")).content.decode()


def test_bounded_queries(client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        fees_scenario(actor=cast["admin"])
    console_login(client, school_a, cast["accountant"])
    with django_assert_max_num_queries(60):
        assert client.get(reverse("finance:dashboard"), {"term": cast["term"].pk}).status_code == 200


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403_and_queue_nothing(client, school_a, cast, role):
    console_login(client, school_a, cast[role])
    assert client.get(reverse("finance:dashboard")).status_code == 403
    assert client.get(reverse("finance:reminder-new")).status_code == 403
    assert client.post(reverse("finance:reminder-new"), {"term": cast["term"].pk, "action": "queue"}).status_code == 403
    with schema_context(school_a.schema_name):
        assert not OutboxMessage.objects.exists()


def test_reminders_counted_then_queued_once_a_day(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    preview = client.get(reverse("finance:reminder-new"), {"term": cast["term"].pk})
    assert preview.status_code == 200 and "4 guardians would be reminded" in preview.content.decode()
    counted = client.post(reverse("finance:reminder-new"), {"term": cast["term"].pk, "school_class": cast["class_b"].pk,
                                                           "action": "preview"})
    assert "1 guardian would be reminded" in counted.content.decode()
    with schema_context(school_a.schema_name):
        assert not OutboxMessage.objects.exists()

    response = client.post(reverse("finance:reminder-new"), {"term": cast["term"].pk, "action": "queue"}, follow=True)
    assert "4 reminders queued. 0 guardians were already reminded today." in response.content.decode()
    again = client.post(reverse("finance:reminder-new"), {"term": cast["term"].pk, "action": "queue"}, follow=True)
    assert "0 reminders queued. 4 guardians were already reminded today." in again.content.decode()
    with schema_context(school_a.schema_name):
        assert OutboxMessage.objects.filter(kind="finance.fee_reminder").count() == 4


def test_bad_criteria_are_refused(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    response = client.post(reverse("finance:reminder-new"), {"term": cast["term"].pk, "min_balance": "-5",
                                                            "action": "queue"})
    assert response.status_code == 400
    assert client.post(reverse("finance:reminder-new"), {"action": "queue"}).status_code == 400
    with schema_context(school_a.schema_name):
        assert not OutboxMessage.objects.exists()


def test_school_b_sees_none_of_school_as_figures(client, school_b, admin_b, cast):
    console_login(client, school_b, admin_b)
    body = client.get(reverse("finance:dashboard")).content.decode()
    assert "2,200,000.00" not in body and "450,000.00" not in body
    assert "No payments yet." in body
