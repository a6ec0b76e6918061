"""fee_reminders_queue: one outbox message per guardian naming each child who owes (balance, next due date,
control number), a second run the same day queues nothing new, the class, overdue and minimum-balance
filters, guardians without a phone counted, bookkeepers only, audited; school B queues nothing of A's."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.communication.models import OutboxMessage
from apps.finance.services import invoice_issue
from apps.finance.services_reminders import KIND, fee_reminder_targets, fee_reminders_queue
from tests.academics.factories import StudentGuardianFactory
from tests.factories import UserFactory
from tests.finance.factories_fees_overview import TODAY, fees_scenario

pytestmark = pytest.mark.usefixtures("in_school_a")


@pytest.fixture
def scenario(admin_a):
    return fees_scenario(actor=admin_a)


def _phones(scenario):
    for guardian in scenario["a"]["guardians"] + scenario["b"]["guardians"]:
        if not guardian.phone:
            guardian.phone = f"+2557130000{guardian.pk:02d}"[-13:]
            guardian.save(update_fields=["phone"])


def test_one_message_per_guardian_naming_each_child(admin_a, scenario):
    _phones(scenario)
    counts = fee_reminders_queue(actor=admin_a, term=scenario["term"], today=TODAY)

    assert counts["guardians"] == 4 and counts["queued"] == 4 and counts["already"] == 0
    assert counts["children"] == 4 and counts["balance"] == Decimal("1750000")
    first = scenario["invoices"][0]
    message = OutboxMessage.objects.get(kind=KIND, recipient=first.guardian.user)
    assert message.to == first.guardian.phone
    assert first.student.full_name in message.body and first.control_number in message.body
    assert "TZS 250,000" in message.body and "2 Mar 2026" in message.body  # the next unpaid instalment
    assert AuditEvent.objects.filter(action="finance.fee_reminders_queue").count() == 1


def test_a_guardian_of_two_children_gets_one_message(admin_a, scenario):
    _phones(scenario)
    guardian = scenario["a"]["guardians"][0]
    second_child = scenario["a"]["students"][1]
    second_child.guardian_links.all().delete()
    StudentGuardianFactory(student=second_child, guardian=guardian, is_primary=True)
    from apps.finance.models import Invoice
    Invoice.objects.filter(student=second_child).update(guardian=guardian)

    counts = fee_reminders_queue(actor=admin_a, term=scenario["term"], today=TODAY)
    assert counts["guardians"] == 3 and counts["children"] == 4
    body = OutboxMessage.objects.get(recipient=guardian.user).body
    assert scenario["a"]["students"][0].full_name in body and second_child.full_name in body


def test_a_second_run_the_same_day_queues_nothing_new(admin_a, scenario):
    _phones(scenario)
    fee_reminders_queue(actor=admin_a, term=scenario["term"], today=TODAY)
    again = fee_reminders_queue(actor=admin_a, term=scenario["term"], today=TODAY)
    assert again["queued"] == 0 and again["already"] == 4
    assert OutboxMessage.objects.filter(kind=KIND).count() == 4
    next_day = fee_reminders_queue(actor=admin_a, term=scenario["term"], today=TODAY + datetime.timedelta(days=1))
    assert next_day["queued"] == 4


def test_filters(admin_a, scenario):
    assert len(fee_reminder_targets(term=scenario["term"], school_class=scenario["class_b"], today=TODAY)) == 1
    # 1,250,000 owed by A2... every child owes at least 450,000: A0 250,000, A1 450,000, A2 500,000, B 550,000
    assert len(fee_reminder_targets(term=scenario["term"], min_balance="450000", today=TODAY)) == 3
    assert len(fee_reminder_targets(term=scenario["term"], overdue_only=True, today=datetime.date(2026, 1, 15))) == 0
    assert len(fee_reminder_targets(term=scenario["term"], overdue_only=True, today=TODAY)) == 4


def test_guardians_without_a_phone_are_counted_not_queued(admin_a, scenario):
    for guardian in scenario["a"]["guardians"] + scenario["b"]["guardians"]:
        guardian.phone = ""
        guardian.save(update_fields=["phone"])
    counts = fee_reminders_queue(actor=admin_a, term=scenario["term"], today=TODAY)
    assert counts["no_phone"] == 4 and counts["queued"] == 0 and not OutboxMessage.objects.exists()


def test_paid_and_void_invoices_are_not_reminded(admin_a, scenario):
    from apps.finance.services import invoice_void
    from apps.finance.services_payments import payment_record

    payment_record(student=scenario["a"]["students"][0], amount="250000", channel="cash", actor=admin_a,
                   received_on=TODAY)
    invoice_void(invoice=scenario["invoices"][3], reason="Left the school", actor=admin_a)
    assert len(fee_reminder_targets(term=scenario["term"], today=TODAY)) == 2


def test_bad_input_and_other_roles_are_refused(admin_a, scenario):
    with pytest.raises(ValidationError) as error:
        fee_reminders_queue(actor=admin_a, term=scenario["term"], min_balance="-1", today=TODAY)
    assert "min_balance" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        fee_reminders_queue(actor=UserFactory(role="teacher"), term=scenario["term"], today=TODAY)
    assert not OutboxMessage.objects.exists()


def test_school_b_queues_nothing_of_school_a(admin_a, admin_b, school_b, scenario):
    _phones(scenario)
    with schema_context(school_b.schema_name):
        counts = fee_reminders_queue(actor=admin_b, today=TODAY)
        assert counts["guardians"] == 0 and not OutboxMessage.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_next_term_invoices_are_reminded_with_their_own_term(admin_a, scenario):
    assert invoice_issue  # the term filter: another term's reminders do not include this term's invoices
    assert fee_reminder_targets(term=None, today=TODAY) and len(fee_reminder_targets(term=None, today=TODAY)) == 4
