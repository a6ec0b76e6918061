"""The payment pages: who sees them, recording cash against an invoice (started from the invoice), a cheque
without its number refused, finding a student and the HTMX panel of open invoices and balance, the list's
search, filters, totals and CSV, the payment's page and receipt, reversal with a reason, the invoice page's
payments, bounded queries, and school B seeing none of school A's payments."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import Invoice, Payment
from apps.finance.services import invoice_issue
from apps.finance.services_payments import payment_record
from tests.conftest import console_login
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


def _pay(school, cast, amount="300000", index=0, **kwargs):
    with schema_context(school.schema_name):
        kwargs.setdefault("channel", "cash")
        return payment_record(student=cast["students"][index], amount=amount, actor=cast["admin"],
                              received_on=DAY, **kwargs)


def test_record_cash_from_an_invoice(client, school_a, cast):
    invoice = cast["invoice"]
    console_login(client, school_a, cast["accountant"])
    detail = client.get(reverse("finance:invoice-detail", args=[invoice.pk])).content.decode()
    new_url = reverse("finance:payment-new") + f"?invoice={invoice.pk}"
    assert new_url in detail and "No payments yet." in detail

    page = client.get(new_url).content.decode()
    assert invoice.control_number in page and invoice.student.full_name in page and "550,000.00" in page
    assert f'value="{invoice.student.pk}"' in page and str(invoice.guardian) in page

    response = client.post(reverse("finance:payment-new"), {
        "student": invoice.student.pk, "invoice": invoice.pk, "amount": "300,000", "received_on": DAY.isoformat(),
        "channel": "cash", "payer_name": "Mama Amani"})
    with schema_context(school_a.schema_name):
        payment = Payment.objects.get()
        invoice.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("finance:payment-detail", args=[payment.pk])
    assert payment.amount == Decimal("300000.00") and payment.created_by == cast["accountant"]
    assert invoice.status == Invoice.Status.PARTLY_PAID

    body = client.get(response.url).content.decode()
    assert payment.receipt_number in body and reverse("finance:payment-receipt", args=[payment.pk]) in body
    assert reverse("ledger:entry-detail", args=[payment.entry_id]) in body and "250,000.00" in body

    detail = client.get(reverse("finance:invoice-detail", args=[invoice.pk])).content.decode()
    assert payment.receipt_number in detail and "Partly paid" in detail
    assert reverse("finance:payment-receipt", args=[payment.pk]) in detail
    listed = client.get(reverse("finance:invoice-list")).content.decode()
    assert "300,000.00" in listed and "250,000.00" in listed  # paid and balance columns

    receipt = client.get(reverse("finance:payment-receipt", args=[payment.pk]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    with schema_context(school_a.schema_name):
        assert Payment.objects.get(pk=payment.pk).receipt_pdf  # stored while at it


def test_refusals_write_nothing(client, school_a, cast):
    student = cast["students"][0]
    console_login(client, school_a, cast["admin"])
    url = reverse("finance:payment-new")
    base = {"student": student.pk, "amount": "1000", "received_on": DAY.isoformat(), "channel": "cheque"}
    response = client.post(url, base)
    assert response.status_code == 400 and "Give the cheque or deposit slip number." in response.content.decode()
    response = client.post(url, {**base, "channel": "cash", "amount": "0"})
    assert response.status_code == 400 and "more than zero" in response.content.decode()
    response = client.post(url, {**base, "channel": "mpesa", "reference": "X"})
    assert response.status_code == 400
    response = client.post(url, {**base, "student": "", "channel": "cash"})
    assert response.status_code == 400 and "Choose the student first." in response.content.decode()
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {**base, "channel": "cash", "received_on": future})
    assert response.status_code == 400 and "future" in response.content.decode()
    with schema_context(school_a.schema_name):
        other = invoice_issue(student=cast["students"][1], term=cast["term"], actor=cast["admin"])
    response = client.post(url, {**base, "channel": "cash", "invoice": other.pk})
    assert response.status_code == 400
    with schema_context(school_a.schema_name):
        assert not Payment.objects.exists()


def test_find_a_student_and_the_htmx_panel(client, school_a, cast):
    student = cast["students"][0]
    console_login(client, school_a, cast["admin"])
    url = reverse("finance:payment-new")
    found = client.get(url, {"find": student.admission_number}, HTTP_HX_REQUEST="true")
    body = found.content.decode()
    assert found.status_code == 200 and 'id="student-matches"' in body and "<html" not in body
    assert f"?student={student.pk}" in body and student.full_name in body

    panel = client.get(url, {"student": student.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="payment-area"' in panel and "<html" not in panel
    assert cast["invoice"].control_number in panel and "550,000.00" in panel and "data-balance" in panel

    full = client.get(url, {"find": "zzzz-nobody"}).content.decode()
    assert "No student matches." in full and "Find the student first." in full


def test_list_search_filters_totals_and_csv(client, school_a, cast):
    cash = _pay(school_a, cast, "300000", 0)
    cheque = _pay(school_a, cast, "50000", 1, channel="cheque", reference="CHQ-4471")
    console_login(client, school_a, cast["admin"])
    url = reverse("finance:payment-list")
    body = client.get(url).content.decode()
    assert cash.receipt_number in body and cheque.receipt_number in body and "TZS 350,000.00" in body
    only = client.get(url, {"q": "CHQ-4471"}).content.decode()
    assert cheque.receipt_number in only and cash.receipt_number not in only
    only = client.get(url, {"channel": "cash"}).content.decode()
    assert cash.receipt_number in only and cheque.receipt_number not in only
    none = client.get(url, {"date_from": "2026-02-01"}).content.decode()
    assert "No payments match." in none
    by_name = client.get(url, {"q": cast["students"][1].last_name}).content.decode()
    assert cheque.receipt_number in by_name
    export = client.get(url, {"format": "csv", "channel": "cheque"})
    assert export["Content-Type"].startswith("text/csv")
    text = export.content.decode("utf-8-sig")
    assert cheque.receipt_number in text and "CHQ-4471" in text and cash.receipt_number not in text


def test_reverse_with_a_reason(client, school_a, cast):
    payment = _pay(school_a, cast, "300000", 0, invoice=cast["invoice"])
    console_login(client, school_a, cast["accountant"])
    page = client.get(reverse("finance:payment-detail", args=[payment.pk])).content.decode()
    assert re.search(r"data-balance-after>250,000.00<", page)  # 550,000 invoiced, 300,000 paid
    url = reverse("finance:payment-reverse", args=[payment.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    with schema_context(school_a.schema_name):
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.POSTED
    done = client.post(url, {"reason": "Wrong student"})
    assert done.status_code == 302
    with schema_context(school_a.schema_name):
        payment.refresh_from_db()
        assert payment.status == Payment.Status.REVERSED
        assert Invoice.objects.get(pk=cast["invoice"].pk).status == Invoice.Status.ISSUED
    body = client.get(reverse("finance:payment-detail", args=[payment.pk])).content.decode()
    assert "Wrong student" in body and "Reverse this payment" not in body
    again = client.post(url, {"reason": "again"})
    assert again.status_code == 400 and "already reversed" in again.content.decode()


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403(client, school_a, cast, role):
    payment = _pay(school_a, cast)
    console_login(client, school_a, cast[role])
    for name, args in [("finance:payment-list", []), ("finance:payment-new", []),
                       ("finance:payment-detail", [payment.pk]), ("finance:payment-receipt", [payment.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("finance:payment-new"), {"student": cast["students"][0].pk, "amount": "5",
                                                        "channel": "cash",
                                                        "received_on": DAY.isoformat()}).status_code == 403
    assert client.post(reverse("finance:payment-reverse", args=[payment.pk]), {"reason": "x"}).status_code == 403
    with schema_context(school_a.schema_name):
        assert Payment.objects.count() == 1 and Payment.objects.get().status == Payment.Status.POSTED


def test_list_queries_bounded(client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        extra = fee_setup(actor=cast["admin"], level=2, students=8, term=cast["term"])
    for student in extra["students"]:
        with schema_context(school_a.schema_name):
            payment_record(student=student, amount="1000", channel="cash", actor=cast["admin"], received_on=DAY)
    console_login(client, school_a, cast["admin"])
    with django_assert_max_num_queries(30):
        response = client.get(reverse("finance:payment-list"))
    assert response.status_code == 200 and response.content.decode().count("RCT-2026-") >= 8


def test_school_b_sees_none(client, school_a, school_b, cast, admin_b):
    payment = _pay(school_a, cast)
    console_login(client, school_b, admin_b)
    body = client.get(reverse("finance:payment-list")).content.decode()
    assert payment.receipt_number not in body and "No payments match." in body
    for name in ("finance:payment-detail", "finance:payment-receipt"):
        assert client.get(reverse(name, args=[payment.pk])).status_code == 404
    assert client.post(reverse("finance:payment-reverse", args=[payment.pk]), {"reason": "x"}).status_code == 404
    with schema_context(school_a.schema_name):
        assert Payment.objects.get(pk=payment.pk).status == Payment.Status.POSTED
