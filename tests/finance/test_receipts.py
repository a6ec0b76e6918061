"""Receipts: amounts in English words, the receipt's content (school, number, student, payer, what it settled,
credit, balance), the PDF rendered and stored, the task idempotent and routed to the pdf queue, a REVERSED
stamp after a reversal, the enqueue on commit; school B has none of school A's receipts."""

import datetime
import re
import zlib
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from apps.finance import receipts
from apps.finance.models import Payment
from apps.finance.services import invoice_issue
from apps.finance.services_payments import (
    Received, account_for_channel, payment_record, payment_reverse, payments_record_many,
)
from apps.finance.tasks_receipts import render_receipt_task, render_receipts_task
from tests.finance.factories_invoices import fee_setup

DAY = datetime.date(2026, 1, 15)


@pytest.fixture
def paid(in_school_a, admin_a):
    setup = fee_setup(actor=admin_a, students=1)
    invoice = invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a,
                            issued_on=datetime.date(2026, 1, 12))
    payment = payment_record(student=invoice.student, amount="300000", channel="cash", actor=admin_a,
                             received_on=DAY, invoice=invoice, payer_name="Mama Amani", payer_phone="+255712000111")
    return {"invoice": invoice, "payment": payment, **setup}


@pytest.mark.parametrize("amount, words", [
    ("0", "Zero shillings only"),
    ("1", "One shilling only"),
    ("15", "Fifteen shillings only"),
    ("105", "One hundred and five shillings only"),
    ("300000", "Three hundred thousand shillings only"),
    ("1250", "One thousand two hundred and fifty shillings only"),
    ("1000050", "One million and fifty shillings only"),
    ("2345678.50", "Two million three hundred and forty-five thousand six hundred and seventy-eight shillings "
                   "and fifty cents only"),
    ("10.01", "Ten shillings and one cent only"),
])
def test_amount_in_words(amount, words):
    assert receipts.amount_in_words(Decimal(amount)) == words


def _text_of(pdf: bytes) -> bytes:
    """The PDF's streams inflated (WeasyPrint compresses them; its metadata, the title with the receipt
    number, is in an object stream)."""
    chunks = [pdf]
    for match in re.finditer(rb"[^d]stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            chunks.append(zlib.decompress(pdf[match.end():end]))
        except zlib.error:
            pass
    return b"".join(chunks)


def test_receipt_shows_what_was_paid_and_settled(paid):
    payment, invoice = paid["payment"], paid["invoice"]
    html = receipts.receipt_html(payment)
    student = invoice.student
    for text in [payment.receipt_number, student.full_name, student.admission_number, "Mama Amani", "Cash",
                 "300,000.00", "Three hundred thousand shillings only", invoice.control_number,
                 "275,000.00", "25,000.00", "250,000.00", paid["school_class"].name]:
        assert text in html, text
    assert "REVERSED" not in html


def test_the_balance_after_stays_as_it_was_when_the_money_came_in(paid, admin_a):
    payment = paid["payment"]
    assert payment.balance_after == Decimal("250000.00")
    later = payment_record(student=payment.student, amount="100000", channel="cash", actor=admin_a,
                           received_on=DAY)
    assert later.balance_after == Decimal("150000.00")

    html = receipts.receipt_html(Payment.objects.get(pk=payment.pk))  # printed again after the second payment
    assert re.search(r"Balance after this payment</td><td[^>]*>250,000.00", html)
    assert "150,000.00" not in html


def test_render_stores_the_pdf_and_the_task_is_idempotent(paid):
    payment = paid["payment"]
    assert not payment.receipt_pdf
    assert render_receipt_task.run(payment.pk) is True
    payment.refresh_from_db()
    assert payment.receipt_pdf.name.endswith(f"{payment.receipt_number}.pdf")
    with payment.receipt_pdf.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    text = _text_of(pdf)
    assert f"(Receipt {payment.receipt_number})".encode() in text
    assert render_receipt_task.run(payment.pk) is False  # the current receipt is stored: nothing to do
    assert receipts.receipt_pdf_bytes(payment) == pdf
    assert render_receipt_task.run(999999) is False
    assert render_receipt_task.name.split(".")[-1].startswith("render_")  # routed to the pdf queue


def test_a_reversed_payment_gets_a_stamped_receipt(paid, admin_a):
    payment = paid["payment"]
    receipts.receipt_render(payment=payment)
    payment_reverse(payment=payment, reason="Wrong student", actor=admin_a)
    payment.refresh_from_db()
    assert not receipts.receipt_is_current(payment)
    assert "REVERSED" in receipts.receipt_html(payment) and "Wrong student" in receipts.receipt_html(payment)
    assert render_receipt_task.run(payment.pk) is True
    payment.refresh_from_db()
    assert payment.receipt_pdf.name.endswith("-reversed.pdf") and receipts.receipt_is_current(payment)


def test_the_receipt_is_queued_when_the_payment_commits(in_school_a, admin_a, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(render_receipt_task, "delay", lambda pk: queued.append(pk))
    setup = fee_setup(actor=admin_a, students=1)
    with django_capture_on_commit_callbacks(execute=True):
        payment = payment_record(student=setup["students"][0], amount="5000", channel="cash", actor=admin_a,
                                 received_on=DAY)
    assert queued == [payment.pk]


def test_a_batch_of_payments_queues_one_task_that_renders_each_receipt(in_school_a, admin_a, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(render_receipts_task, "delay", lambda pks: queued.append(pks))
    setup = fee_setup(actor=admin_a, students=2)
    with django_capture_on_commit_callbacks(execute=True):
        payments = payments_record_many([
            Received(student_id=student.pk, amount=Decimal("5000"), channel="crdb",
                     account=account_for_channel("crdb"), received_on=DAY) for student in setup["students"]],
            actor=admin_a)
    assert queued == [[p.pk for p in payments]]

    assert render_receipts_task.run(queued[0]) == 2
    assert all(Payment.objects.get(pk=p.pk).receipt_pdf for p in payments)
    assert render_receipts_task.run(queued[0]) == 0  # stored already
    assert render_receipts_task.name.split(".")[-1].startswith("render_")  # routed to the pdf queue


def test_overpayment_receipt_shows_the_credit_carried(in_school_a, admin_a):
    setup = fee_setup(actor=admin_a, students=1)
    invoice = invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a)
    payment = payment_record(student=invoice.student, amount="600000", channel="cheque", reference="000777",
                             actor=admin_a, received_on=DAY)
    html = receipts.receipt_html(payment)
    assert "Credit carried" in html and "50,000.00" in html and "000777" in html and "Cheque" in html
    assert "-50,000.00" in html  # the balance after: the school holds credit


def test_school_b_has_none_of_school_as_receipts(paid, school_b):
    receipts.receipt_render(payment=paid["payment"])
    with schema_context(school_b.schema_name):
        assert not Payment.objects.filter(receipt_number=paid["payment"].receipt_number).exists()
        assert receipts.receipt_render_if_needed(payment_id=paid["payment"].pk) is False
