"""/api/v1/payments/: record cash against an invoice (201, once with an Idempotency-Key), the list with
filters, one payment with what it settled, reversal with a reason, the receipt PDF, a student's balance with
open invoices; 400 envelopes for the services' refusals, 403 for teachers and parents, bounded queries,
student_balances in constant queries, and school B seeing none of school A's payments."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import Payment
from apps.finance.selectors_payments import student_balances
from apps.finance.services import invoice_issue
from apps.finance.services_payments import payment_record
from apps.ledger.models import JournalEntry
from tests.conftest import tokens_in
from tests.factories import UserFactory
from tests.finance.factories_invoices import fee_setup

DAY = datetime.date(2026, 1, 15)


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=3)
        invoice = invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a,
                                issued_on=datetime.date(2026, 1, 12))
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"),
                "teacher": UserFactory(role="teacher"), "parent": UserFactory(role="parent"), "invoice": invoice,
                **setup}


def _call(api_client, school, user, method, url, data=None, **headers):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    return getattr(api_client, method)(url, data, format="json", HTTP_HOST=school.primary_host, **headers)


def test_record_once_detail_list_and_balance(api_client, school_a, cast):
    invoice, student = cast["invoice"], cast["students"][0]
    url = reverse("api:payment-list")
    body = {"student": student.pk, "amount": "300000", "channel": "cash", "invoice": invoice.pk,
            "received_on": DAY.isoformat(), "payer_name": "Mama Amani"}
    created = _call(api_client, school_a, cast["accountant"], "post", url, body, HTTP_IDEMPOTENCY_KEY="pay-1")
    assert created.status_code == 201
    data = created.json()
    assert data["receipt_number"] == "RCT-2026-000001" and data["amount"] == "300000.00"
    assert data["allocated"] == "300000.00" and data["credit"] == "0.00" and data["status"] == "posted"
    assert data["balance_after"] == "250000.00"  # 550,000 invoiced, 300,000 paid
    assert [(a["control_number"], a["installment_number"], a["amount"]) for a in data["allocations"]] == [
        (invoice.control_number, 1, "275000.00"), (invoice.control_number, 2, "25000.00")]
    again = _call(api_client, school_a, cast["accountant"], "post", url, body, HTTP_IDEMPOTENCY_KEY="pay-1")
    assert again.status_code == 201 and again.json()["id"] == data["id"]
    with schema_context(school_a.schema_name):
        assert Payment.objects.count() == 1

    one = _call(api_client, school_a, cast["admin"], "get", reverse("api:payment-detail", args=[data["id"]]))
    assert one.status_code == 200 and one.json()["receipt_number"] == data["receipt_number"]

    _call(api_client, school_a, cast["admin"], "post", url, {"student": cast["students"][1].pk, "amount": "5000",
                                                             "channel": "cheque", "reference": "CHQ-9",
                                                             "received_on": DAY.isoformat()})
    listed = _call(api_client, school_a, cast["admin"], "get", url).json()["data"]
    assert len(listed) == 2
    only = _call(api_client, school_a, cast["admin"], "get", url, {"channel": "cheque"}).json()["data"]
    assert [row["reference"] for row in only] == ["CHQ-9"]
    only = _call(api_client, school_a, cast["admin"], "get", url, {"student": student.pk}).json()["data"]
    assert [row["id"] for row in only] == [data["id"]]
    only = _call(api_client, school_a, cast["admin"], "get", url, {"search": "RCT-2026-000001",
                                                                   "date_from": "2026-01-01"}).json()["data"]
    assert [row["id"] for row in only] == [data["id"]]
    bad = _call(api_client, school_a, cast["admin"], "get", url, {"channel": "gold"})
    assert bad.status_code == 400 and "channel" in bad.json()["error"]["details"]
    bad = _call(api_client, school_a, cast["admin"], "get", url, {"date_to": "15/01/2026"})
    assert bad.status_code == 400 and "date_to" in bad.json()["error"]["details"]

    balance = _call(api_client, school_a, cast["admin"], "get", reverse("api:student-balance", args=[student.pk]))
    assert balance.status_code == 200
    figures = balance.json()
    assert (figures["invoiced"], figures["paid"], figures["credited"], figures["credit"], figures["balance"]) == (
        "550000.00", "300000.00", "0.00", "0.00", "250000.00")
    assert [(i["control_number"], i["balance"]) for i in figures["open_invoices"]] == [
        (invoice.control_number, "250000.00")]

    receipt = _call(api_client, school_a, cast["admin"], "get", reverse("api:payment-receipt", args=[data["id"]]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_refusals_are_400_envelopes_and_write_nothing(api_client, school_a, cast):
    url = reverse("api:payment-list")
    student = cast["students"][0]
    with schema_context(school_a.schema_name):
        before = (Payment.objects.count(), JournalEntry.objects.count())
    cheque = _call(api_client, school_a, cast["admin"], "post", url,
                   {"student": student.pk, "amount": "1000", "channel": "cheque"})
    assert cheque.status_code == 400 and "reference" in cheque.json()["error"]["details"]
    zero = _call(api_client, school_a, cast["admin"], "post", url, {"student": student.pk, "amount": "0",
                                                                    "channel": "cash"})
    assert zero.status_code == 400 and "amount" in zero.json()["error"]["details"]
    wallet = _call(api_client, school_a, cast["admin"], "post", url, {"student": student.pk, "amount": "10",
                                                                      "channel": "mpesa"})
    assert wallet.status_code == 400 and "channel" in wallet.json()["error"]["details"]
    other = _call(api_client, school_a, cast["admin"], "post", url,
                  {"student": cast["students"][1].pk, "amount": "10", "channel": "cash", "invoice": cast["invoice"].pk})
    assert other.status_code == 400 and "invoice" in other.json()["error"]["details"]
    shape = _call(api_client, school_a, cast["admin"], "post", url, {"student": 999999})
    assert shape.status_code == 400 and {"student", "amount", "channel"} <= set(shape.json()["error"]["details"])
    with schema_context(school_a.schema_name):
        assert (Payment.objects.count(), JournalEntry.objects.count()) == before


def test_reverse(api_client, school_a, cast):
    with schema_context(school_a.schema_name):
        payment = payment_record(student=cast["students"][0], amount="300000", channel="cash", actor=cast["admin"],
                                 received_on=DAY, invoice=cast["invoice"])
    url = reverse("api:payment-reverse", args=[payment.pk])
    missing = _call(api_client, school_a, cast["accountant"], "post", url, {})
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["details"]
    done = _call(api_client, school_a, cast["accountant"], "post", url, {"reason": "Bounced"})
    assert done.status_code == 200
    assert done.json()["status"] == "reversed" and done.json()["reversal_reason"] == "Bounced"
    assert done.json()["reversal_entry"] and done.json()["allocated"] == "0.00"
    twice = _call(api_client, school_a, cast["accountant"], "post", url, {"reason": "Again"})
    assert twice.status_code == 400 and "already reversed" in str(twice.json()["error"])
    balance = _call(api_client, school_a, cast["admin"], "get",
                    reverse("api:student-balance", args=[cast["students"][0].pk])).json()
    assert balance["balance"] == "550000.00" and balance["paid"] == "0.00"


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403(api_client, school_a, cast, role):
    with schema_context(school_a.schema_name):
        payment = payment_record(student=cast["students"][0], amount="1000", channel="cash", actor=cast["admin"],
                                 received_on=DAY)
    user = cast[role]
    for name, args in [("api:payment-list", []), ("api:payment-detail", [payment.pk]),
                       ("api:payment-receipt", [payment.pk]), ("api:student-balance", [cast["students"][0].pk])]:
        assert _call(api_client, school_a, user, "get", reverse(name, args=args)).status_code == 403, name
    assert _call(api_client, school_a, user, "post", reverse("api:payment-list"),
                 {"student": cast["students"][0].pk, "amount": "5", "channel": "cash"}).status_code == 403
    assert _call(api_client, school_a, user, "post", reverse("api:payment-reverse", args=[payment.pk]),
                 {"reason": "x"}).status_code == 403
    with schema_context(school_a.schema_name):
        assert Payment.objects.count() == 1 and Payment.objects.get().status == Payment.Status.POSTED


def test_list_queries_bounded(api_client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        extra = fee_setup(actor=cast["admin"], level=2, students=8, term=cast["term"])
        for student in extra["students"]:
            payment_record(student=student, amount="1000", channel="cash", actor=cast["admin"], received_on=DAY)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school_a, cast['admin'])['access']}")
    with django_assert_max_num_queries(20):
        response = api_client.get(reverse("api:payment-list"), HTTP_HOST=school_a.primary_host)
    assert response.status_code == 200 and len(response.json()["data"]) == 8


def test_student_balances_in_constant_queries(school_a, cast, django_assert_num_queries):
    with schema_context(school_a.schema_name):
        extra = fee_setup(actor=cast["admin"], level=2, students=6, term=cast["term"])
        for student in extra["students"]:
            invoice_issue(student=student, term=cast["term"], actor=cast["admin"])
            payment_record(student=student, amount="600000", channel="cash", actor=cast["admin"], received_on=DAY)
        with django_assert_num_queries(4):  # two queries, each after its SET search_path
            balances = student_balances(extra["students"] + cast["students"])
    one = balances[extra["students"][0].pk]
    assert one == {"invoiced": Decimal("550000.00"), "paid": Decimal("600000.00"), "credited": Decimal("0"),
                   "credit": Decimal("50000.00"), "balance": Decimal("-50000.00")}
    assert balances[cast["students"][1].pk]["balance"] == 0
    assert balances[cast["students"][0].pk]["balance"] == Decimal("550000.00")


def test_school_b_sees_none(api_client, school_a, school_b, cast, admin_b):
    with schema_context(school_a.schema_name):
        payment = payment_record(student=cast["students"][0], amount="1000", channel="cash", actor=cast["admin"],
                                 received_on=DAY)
    listed = _call(api_client, school_b, admin_b, "get", reverse("api:payment-list"))
    assert listed.status_code == 200 and listed.json()["data"] == []
    for name, args in [("api:payment-detail", [payment.pk]), ("api:payment-receipt", [payment.pk]),
                       ("api:student-balance", [cast["students"][0].pk])]:
        assert _call(api_client, school_b, admin_b, "get", reverse(name, args=args)).status_code == 404, name
    assert _call(api_client, school_b, admin_b, "post", reverse("api:payment-reverse", args=[payment.pk]),
                 {"reason": "x"}).status_code == 404
    with schema_context(school_a.schema_name):
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.POSTED
