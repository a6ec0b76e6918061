"""The demo fees (apps.finance.demo, called by seed_demo): structures, an invoice per student, payments at
the office and through every provider's notification, a statement with matched, suggested, unmatched and
already-recorded lines; the demo teacher a guardian whose child gets the staff-child discount; the books
balance; a second run adds nothing; school B sees none of it."""

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.academics.models import Guardian
from apps.finance.demo import seed_finance_demo
from apps.finance.models import Invoice, InvoiceLine, Payment, PaymentEvent, StatementLine
from tests.academics.factories import StudentGuardianFactory
from tests.factories import UserFactory
from tests.finance.factories_invoices import fee_setup

pytestmark = pytest.mark.usefixtures("in_school_a")


def _unbalanced_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM (SELECT entry_id FROM ledger_journalline GROUP BY entry_id "
                       "HAVING SUM(debit) <> SUM(credit)) AS unbalanced")
        return cursor.fetchone()[0]


def test_the_demo_fees_come_alive_once(admin_a, school_b):
    setup = fee_setup(actor=admin_a, students=24)
    for n, student in enumerate(setup["students"]):
        link = student.guardians.through.objects.filter(student=student).select_related("guardian").first()
        link.guardian.phone = f"+25575400{n:04d}"
        link.guardian.save(update_fields=["phone"])
    StudentGuardianFactory(student=setup["students"][0], is_primary=False)
    bursar, teacher = UserFactory(role="accountant"), UserFactory(role="teacher")
    demo_parent = setup["guardians"][0].user  # her children's invoices stay plain
    today = timezone.localdate()

    outcome = seed_finance_demo(admin=admin_a, accountant=bursar, staff=teacher, not_guardians=[demo_parent],
                                today=today)

    assert outcome["invoices"] == 24 and Invoice.objects.filter(term=setup["term"]).count() == 24
    staff_guardian = Guardian.objects.get(staff_member=teacher)
    assert staff_guardian == setup["guardians"][1] and outcome["staff_guardians"] == 1
    discounts = InvoiceLine.objects.filter(kind="discount", discount_rule__kind="staff_child")
    assert [(line.invoice.student, line.category.code) for line in discounts] == [(setup["students"][1], "tuition")]
    channels = set(Payment.objects.values_list("channel", flat=True))
    assert {"cash", "cheque", "mpesa", "airtel", "tigopesa", "nmb", "crdb", "nbc"} <= channels | {"bank_slip"}
    assert set(PaymentEvent.objects.values_list("status", flat=True)) >= {"matched"}
    assert {"matched", "recorded", "unmatched"} <= set(StatementLine.objects.values_list("status", flat=True))
    assert _unbalanced_entries() == 0
    assert seed_finance_demo(admin=admin_a, accountant=bursar, staff=teacher, today=today) == {"skipped": True}

    with schema_context(school_b.schema_name):
        assert not Invoice.objects.exists() and not Payment.objects.exists()
        assert not Guardian.objects.filter(staff_member__isnull=False).exists()
