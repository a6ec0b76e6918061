"""A term of fees for the overview, the reminders and the parent portal: class A (3 students) and class B
(1 student) invoiced 550,000 each (instalments 275,000 due 20 Jan, 165,000 due 2 Mar, 110,000 due 13 Apr
2026); payments: 300,000 cash on 10 Feb (student A0), 100,000 M-Pesa on 20 Apr (A1), 50,000 cash on 22 Apr
(A2) and 20,000 cash on 22 Apr reversed (A2). As of 22 Apr 2026 (a Wednesday)."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from apps.finance.models import CreditNote, PaymentEvent
from apps.finance.services import invoice_issue
from apps.finance.services_payments import account_for_channel, payment_record, payment_reverse
from tests.finance.factories_invoices import fee_setup

TODAY = datetime.date(2026, 4, 22)


def mpesa_payment(*, student, amount, actor, received_on, transaction_id, invoice=None):
    event = PaymentEvent.objects.create(
        provider="mpesa", transaction_id=transaction_id, amount=Decimal(amount), payer_phone="+255754000001",
        paid_at=timezone.make_aware(datetime.datetime.combine(received_on, datetime.time(10))),
        account=account_for_channel("mpesa"), status=PaymentEvent.Status.MATCHED)
    return payment_record(student=student, amount=amount, channel="mpesa", actor=actor, received_on=received_on,
                          event=event, invoice=invoice)


def fees_scenario(*, actor) -> dict:
    a = fee_setup(actor=actor, level=1, students=3)
    b = fee_setup(actor=actor, level=2, students=1, term=a["term"])
    term = a["term"]
    invoices = [invoice_issue(student=student, term=term, actor=actor, issued_on=datetime.date(2026, 1, 12))
                for student in a["students"] + b["students"]]
    s0, s1, s2 = a["students"]
    payment_record(student=s0, amount="300000", channel="cash", actor=actor, received_on=datetime.date(2026, 2, 10))
    mpesa_payment(student=s1, amount="100000", actor=actor, received_on=datetime.date(2026, 4, 20),
                  transaction_id=f"QWE{uuid.uuid4().hex[:8]}")
    payment_record(student=s2, amount="50000", channel="cash", actor=actor, received_on=TODAY)
    wrong = payment_record(student=s2, amount="20000", channel="cash", actor=actor, received_on=TODAY)
    payment_reverse(payment=wrong, reason="Entered twice", actor=actor)
    # waiting for the accountant: one provider payment not matched, one write-off to approve
    PaymentEvent.objects.create(provider="airtel", transaction_id=f"AIR-{uuid.uuid4().hex[:8]}", amount=Decimal("5000"),
                                paid_at=timezone.now(), account=account_for_channel("airtel"),
                                status=PaymentEvent.Status.UNMATCHED)
    CreditNote.objects.create(number=f"WO-{uuid.uuid4().hex[:8]}", kind=CreditNote.Kind.WRITE_OFF, invoice=invoices[3],
                              amount=Decimal("1000"), reason="Hardship", requested_by=actor)
    return {"term": term, "a": a, "b": b, "invoices": invoices, "class_a": a["school_class"],
            "class_b": b["school_class"]}
