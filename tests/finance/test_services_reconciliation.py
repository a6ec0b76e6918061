"""Reconciliation services: a provider event matched exactly once; a statement reconciled set-based (exact
control numbers, narratives with slips, near misses, phone and amount, nothing, repeats of an event);
the console's confirm, assign, split, ignore and undo; the account summary; school B sees none of it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.finance import control_numbers
from apps.finance.models import MatchSuggestion, Payment, PaymentEvent, StatementLine
from apps.finance.services import invoice_issue
from apps.finance.services_payments import account_for_channel
from apps.finance.services_reconciliation import event_reconcile
from tests.finance.factories_invoices import fee_setup

pytestmark = pytest.mark.usefixtures("in_school_a")
DAY = datetime.date(2026, 1, 15)
PAID_AT = timezone.make_aware(datetime.datetime(2026, 1, 15, 10, 30))


@pytest.fixture
def setup(admin_a):
    return fee_setup(actor=admin_a, students=3)


@pytest.fixture
def invoices(admin_a, setup):
    return [invoice_issue(student=s, term=setup["term"], actor=admin_a, issued_on=datetime.date(2026, 1, 12))
            for s in setup["students"]]


def _event(reference="", amount="275000", phone="", txn="QX1", provider="mpesa"):
    return PaymentEvent.objects.create(provider=provider, transaction_id=txn, amount=Decimal(amount), reference=reference,
                                       payer_phone=phone, paid_at=PAID_AT, account=account_for_channel(provider))


def _slip(number: str) -> str:
    """The number with two neighbours swapped so that Luhn no longer holds."""
    for i in range(5, 11):
        if number[i] != number[i + 1]:
            return number[:i] + number[i + 1] + number[i] + number[i + 2:]
    raise AssertionError(number)


def test_event_with_a_control_number_is_recorded_once(admin_a, invoices):
    invoice = invoices[0]
    event = _event(reference=invoice.control_number[:4] + " " + invoice.control_number[4:])

    first = event_reconcile(event=event, actor=None)
    again = event_reconcile(event=event, actor=admin_a)

    assert first.status == again.status == PaymentEvent.Status.MATCHED
    assert first.match_rule == "control_number" and first.confidence == 100
    payment = Payment.objects.get(event=event)
    assert payment.student == invoice.student and payment.amount == Decimal("275000.00")
    assert payment.channel == "mpesa" and payment.reference == "QX1" and payment.received_on == DAY
    invoice.refresh_from_db()
    assert invoice.paid == Decimal("275000.00")


def test_event_with_a_student_reference_is_recorded(invoices):
    student = invoices[1].student
    event = _event(reference=control_numbers.student_reference(student.pk))

    event_reconcile(event=event)

    assert event.__class__.objects.get(pk=event.pk).status == PaymentEvent.Status.MATCHED
    assert Payment.objects.get(event=event).student == student


def test_event_with_a_slip_is_suggested_and_without_anything_unmatched(invoices):
    slipped = _event(reference=_slip(invoices[0].control_number), txn="QX2")
    nothing = _event(reference="school fees", txn="QX3")

    assert event_reconcile(event=slipped).status == PaymentEvent.Status.SUGGESTED
    assert event_reconcile(event=nothing).status == PaymentEvent.Status.UNMATCHED
    suggestion = MatchSuggestion.objects.get(event=slipped)
    assert suggestion.invoice == invoices[0] and suggestion.rule == "fuzzy_reference" and suggestion.confidence == 70
    assert not Payment.objects.exists()


def test_school_b_sees_no_reconciliation_rows(invoices, school_b):
    event_reconcile(event=_event(reference=invoices[0].control_number))
    with schema_context(school_b.schema_name):
        assert not PaymentEvent.objects.exists() and not Payment.objects.exists()
        assert not MatchSuggestion.objects.exists() and not StatementLine.objects.exists()
