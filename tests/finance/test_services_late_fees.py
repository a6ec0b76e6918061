"""late_fees_apply: a fixed or percentage late fee on each instalment still unpaid N days after it fell due,
charged once per rule and instalment however often (or concurrently) the run goes; the line, the raised
total and instalment, the entry (Dr 1200 / Cr the category's income); paid instalments, void invoices and
inactive rules are left alone; the nightly task and its beat entry; school B sees none of it."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from apps.finance.models import Invoice, InvoiceLine, LateFeeCharge
from apps.finance.services import invoice_issue, invoice_void
from apps.finance.services_discounts import late_fee_rule_save
from apps.finance.services_late_fees import late_fees_apply
from apps.finance.services_payments import payment_record
from apps.finance.tasks_late_fees import apply_late_fees_task
from tests.finance.factories_invoices import DUES, category, fee_setup

pytestmark = pytest.mark.usefixtures("in_school_a")
DAY = datetime.date(2026, 1, 12)


@pytest.fixture
def setup(admin_a):
    setup = fee_setup(actor=admin_a, students=2)
    setup["invoices"] = [invoice_issue(student=s, term=setup["term"], actor=admin_a, issued_on=DAY)
                         for s in setup["students"]]
    return setup


def _rule(admin, **fields):
    return late_fee_rule_save(actor=admin, **{"name": "Late 5,000", "days_after_due": 7, "value_type": "fixed",
                                              "value": Decimal("5000"), "category": category("tuition"), **fields})


def test_fixed_late_fee_charged_once_however_often_the_run_goes(admin_a, setup):
    rule = _rule(admin_a)
    on = DUES[0] + datetime.timedelta(days=7)
    assert late_fees_apply(on=on - datetime.timedelta(days=1))["charged"] == 0  # not yet 7 days late

    first = late_fees_apply(on=on)
    second = late_fees_apply(on=on)
    later = late_fees_apply(on=on + datetime.timedelta(days=30))

    assert first["charged"] == 2 and first["total"] == "10000.00"
    assert second["charged"] == 0 and later["charged"] == 0  # instalment 2 is not yet 7 days late
    assert LateFeeCharge.objects.count() == 2
    invoice = Invoice.objects.get(pk=setup["invoices"][0].pk)
    assert invoice.total == Decimal("555000.00")
    assert invoice.installments.get(number=1).amount == Decimal("280000.00")
    [line] = invoice.lines.filter(kind=InvoiceLine.Kind.LATE_FEE)
    assert line.amount == Decimal("5000.00") and line.category.code == "tuition"
    charge = LateFeeCharge.objects.get(installment__invoice=invoice)
    assert charge.rule == rule and charge.line == line and charge.charged_on == on
    lines = {(row.account.code, row.debit, row.credit, row.student_id)
             for row in charge.entry.lines.select_related("account")}
    assert lines == {("1200", Decimal("5000.00"), Decimal("0.00"), invoice.student_id),
                     ("4110", Decimal("0.00"), Decimal("5000.00"), invoice.student_id)}


def test_percent_of_the_unpaid_part_and_paid_void_and_inactive_left_alone(admin_a, setup):
    _rule(admin_a, name="Two percent", value_type="percent", value=Decimal("2"))
    _rule(admin_a, name="Off", is_active=False)
    first, second = setup["invoices"]
    payment_record(student=first.student, amount=Decimal("75000"), channel="cash", actor=admin_a,
                   received_on=DAY, invoice=first)  # instalment 1: 200,000 of 275,000 unpaid
    invoice_void(invoice=second, reason="issued twice", actor=admin_a)

    result = late_fees_apply(on=DUES[0] + datetime.timedelta(days=10))

    assert result["charged"] == 1 and result["total"] == "4000.00"
    first.refresh_from_db()
    assert first.total == Decimal("554000.00") and first.status == Invoice.Status.PARTLY_PAID
    assert not LateFeeCharge.objects.filter(installment__invoice=second).exists()


def test_a_paid_instalment_is_not_charged(admin_a, setup):
    _rule(admin_a)
    first = setup["invoices"][0]
    payment_record(student=first.student, amount=Decimal("275000"), channel="cash", actor=admin_a,
                   received_on=DAY, invoice=first)
    assert late_fees_apply(on=DUES[0] + datetime.timedelta(days=8))["charged"] == 1  # the other student only
    assert not LateFeeCharge.objects.filter(installment__invoice=first).exists()


def test_the_nightly_task_and_its_beat_entry(admin_a, setup):
    _rule(admin_a)
    on = (DUES[0] + datetime.timedelta(days=7)).isoformat()
    assert apply_late_fees_task.apply(kwargs={"on": on}).get()["charged"] == 2
    assert apply_late_fees_task.apply(kwargs={"on": on}).get()["charged"] == 0
    entry = settings.CELERY_BEAT_SCHEDULE["schools: late fees"]
    assert entry["task"] == "apps.core.tasks.fan_out_task"
    assert entry["args"] == ["apps.finance.tasks_late_fees.apply_late_fees_task"]
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {30})


def test_school_b_sees_none(admin_a, setup, school_b):
    _rule(admin_a)
    late_fees_apply(on=DUES[0] + datetime.timedelta(days=7))
    with schema_context(school_b.schema_name):
        assert not LateFeeCharge.objects.exists() and not InvoiceLine.objects.filter(kind="late_fee").exists()
        assert late_fees_apply(on=DUES[2] + datetime.timedelta(days=60))["charged"] == 0
