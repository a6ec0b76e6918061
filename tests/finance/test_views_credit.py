"""The credit-note, write-off, refund and statement pages: who sees them, a credit note and a write-off
request from an invoice, the admin's decision (not on his own request), a refund of credit, the statement
as a page and a PDF, bounded queries, and school B seeing none of school A's rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import CreditNote, Invoice, Payment, Refund
from apps.finance.services import invoice_issue
from apps.finance.services_credit import credit_note_issue, write_off_request
from apps.finance.services_payments import payment_record
from apps.ledger.models import Account
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.finance.factories_invoices import fee_setup

DAY = datetime.date(2026, 1, 15)


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=2)
        invoice = invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a,
                                issued_on=datetime.date(2026, 1, 12))
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"), "teacher": UserFactory(role="teacher"),
                "parent": UserFactory(role="parent"), "invoice": invoice, **setup}


@pytest.mark.parametrize("role", ["admin", "accountant"])
def test_pages_for_bookkeepers(client, school_a, cast, role):
    invoice = cast["invoice"]
    console_login(client, school_a, cast[role])
    assert client.get(reverse("finance:credit-note-list")).status_code == 200
    page = client.get(reverse("finance:credit-note-new"), {"invoice": invoice.pk})
    assert page.status_code == 200 and "550,000.00" in page.content.decode()
    assert client.get(reverse("finance:refund-list")).status_code == 200
    assert client.get(reverse("finance:refund-new"), {"student": invoice.student_id}).status_code == 200
    statement = client.get(reverse("finance:student-statement", args=[invoice.student_id]))
    assert statement.status_code == 200 and invoice.control_number in statement.content.decode()
    guardian = cast["guardians"][0]
    assert client.get(reverse("finance:guardian-statement", args=[guardian.pk])).status_code == 200
    detail = client.get(reverse("finance:invoice-detail", args=[invoice.pk])).content.decode()
    assert reverse("finance:credit-note-new") + f"?invoice={invoice.pk}" in detail


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403(client, school_a, cast, role):
    invoice = cast["invoice"]
    console_login(client, school_a, cast[role])
    assert client.get(reverse("finance:credit-note-list")).status_code == 403
    assert client.post(reverse("finance:credit-note-new") + f"?invoice={invoice.pk}",
                       {"kind": "credit_note", "amount": "1000", "reason": "x"}).status_code == 403
    assert client.get(reverse("finance:student-statement", args=[invoice.student_id])).status_code == 403
    with schema_context(school_a.schema_name):
        assert not CreditNote.objects.exists()


def test_credit_note_from_the_invoice(client, school_a, cast):
    invoice = cast["invoice"]
    console_login(client, school_a, cast["accountant"])
    response = client.post(reverse("finance:credit-note-new") + f"?invoice={invoice.pk}",
                           {"kind": "credit_note", "amount": "50000", "reason": "Charged twice", "category": ""})
    with schema_context(school_a.schema_name):
        note = CreditNote.objects.get()
        assert response.status_code == 302 and response.url == reverse("finance:credit-note-detail", args=[note.pk])
        assert note.status == "approved" and Invoice.objects.get(pk=invoice.pk).credited == Decimal("50000.00")
    body = client.get(response.url).content.decode()
    assert note.number in body and "Charged twice" in body


def test_refused_credit_note_shows_the_error_and_writes_nothing(client, school_a, cast):
    invoice = cast["invoice"]
    console_login(client, school_a, cast["accountant"])
    response = client.post(reverse("finance:credit-note-new") + f"?invoice={invoice.pk}",
                           {"kind": "credit_note", "amount": "600000", "reason": "Too much"})
    assert response.status_code == 400 and "550,000.00 left to pay" in response.content.decode()
    with schema_context(school_a.schema_name):
        assert not CreditNote.objects.exists()


def test_write_off_requested_by_the_bursar_and_decided_by_the_admin(client, school_a, cast):
    invoice = cast["invoice"]
    console_login(client, school_a, cast["accountant"])
    client.post(reverse("finance:credit-note-new") + f"?invoice={invoice.pk}",
                {"kind": "write_off", "amount": "110000", "reason": "Family left the country"})
    with schema_context(school_a.schema_name):
        note = CreditNote.objects.get(kind="write_off")
    assert note.status == "pending"
    # the bursar cannot decide
    assert client.post(reverse("finance:credit-note-decide", args=[note.pk]),
                       {"decision": "approve"}).status_code == 403
    console_login(client, school_a, cast["admin"])
    listing = client.get(reverse("finance:credit-note-list")).content.decode()
    assert reverse("finance:credit-note-decide", args=[note.pk]) in listing
    response = client.post(reverse("finance:credit-note-decide", args=[note.pk]), {"decision": "approve", "note": ""})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        note.refresh_from_db()
        assert note.status == "approved" and note.entry is not None
        assert Invoice.objects.get(pk=invoice.pk).credited == Decimal("110000.00")


def test_the_admin_cannot_decide_his_own_write_off(client, school_a, cast):
    with schema_context(school_a.schema_name):
        note = write_off_request(invoice=cast["invoice"], amount="1000", reason="Bad debt", actor=cast["admin"])
    console_login(client, school_a, cast["admin"])
    response = client.post(reverse("finance:credit-note-decide", args=[note.pk]), {"decision": "approve"})
    assert response.status_code == 400 and "maker-checker" in response.content.decode()
    response = client.post(reverse("finance:credit-note-decide", args=[note.pk]), {"decision": "reject", "note": ""})
    assert response.status_code == 400
    with schema_context(school_a.schema_name):
        note.refresh_from_db()
        assert note.status == "pending"


def test_refund_of_credit(client, school_a, cast):
    invoice = cast["invoice"]
    with schema_context(school_a.schema_name):
        payment_record(student=invoice.student, amount="600000", channel="cash", actor=cast["admin"], received_on=DAY)
        cash = Account.objects.get(code="1110")
    console_login(client, school_a, cast["accountant"])
    page = client.get(reverse("finance:refund-new"), {"student": invoice.student_id}).content.decode()
    assert "50,000.00" in page
    url = reverse("finance:refund-new") + f"?student={invoice.student_id}"
    too_much = client.post(url, {"amount": "60000", "account": cash.pk, "paid_on": "2026-01-20", "reason": "Over"})
    assert too_much.status_code == 400
    response = client.post(url, {"amount": "50000", "account": cash.pk, "paid_on": "2026-01-20", "reason": "Over",
                                 "reference": "PV 12"})
    with schema_context(school_a.schema_name):
        refund = Refund.objects.get()
        assert Payment.objects.get().refunded == Decimal("50000.00")
    assert response.status_code == 302 and response.url == reverse("finance:refund-detail", args=[refund.pk])
    assert refund.number in client.get(reverse("finance:refund-list")).content.decode()
    assert "PV 12" in client.get(response.url).content.decode()


def test_statement_page_and_pdf(client, school_a, cast):
    invoice = cast["invoice"]
    with schema_context(school_a.schema_name):
        payment_record(student=invoice.student, amount="300000", channel="cash", actor=cast["admin"], received_on=DAY)
        credit_note_issue(invoice=invoice, amount="50000", reason="Sibling discount", actor=cast["admin"])
    console_login(client, school_a, cast["accountant"])
    url = reverse("finance:student-statement", args=[invoice.student_id])
    body = client.get(url, {"date_from": "2026-01-01"}).content.decode()
    assert "RCT-2026-000001" in body and "Sibling discount" in body and "200,000.00" in body
    pdf = client.get(url, {"date_from": "2026-01-01", "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_list_queries_bounded(client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for n in range(6):
            credit_note_issue(invoice=cast["invoice"], amount="1000", reason=f"Error {n}", actor=cast["admin"])
            write_off_request(invoice=cast["invoice"], amount="1000", reason=f"Debt {n}", actor=cast["accountant"])
    console_login(client, school_a, cast["admin"])
    with django_assert_max_num_queries(30):
        response = client.get(reverse("finance:credit-note-list"))
    body = response.content.decode()
    assert body.count("data-note=") == 12
    assert body.index("WO-") < body.index("CN-")  # pending write-offs first


def test_school_b_sees_none(client, school_a, school_b, cast, admin_b):
    with schema_context(school_a.schema_name):
        note = credit_note_issue(invoice=cast["invoice"], amount="1000", reason="Error", actor=cast["admin"])
    console_login(client, school_b, admin_b)
    body = client.get(reverse("finance:credit-note-list")).content.decode()
    assert note.number not in body
    assert client.get(reverse("finance:credit-note-detail", args=[note.pk])).status_code == 404
    assert client.get(reverse("finance:credit-note-new"), {"invoice": cast["invoice"].pk}).status_code == 404
    assert client.get(reverse("finance:student-statement", args=[cast["invoice"].student_id])).status_code == 404
