"""Discounts and sponsors at issue: a sibling discount by birth order among the primary guardian's active
children, a staff child's discount, a scholarship (percent or fixed, capped), rules stacking but never below
zero, the entry (Cr income for the fees, Dr 4190 for the discounts), instalments of the net, the refusal when
everything is covered (nothing written); a sponsor's share invoiced to the sponsor and the rest to the
guardian; the console's services refusing bad input; school B sees none of it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.academics.models import Guardian, Student, StudentGuardian
from apps.academics.services import guardian_update
from apps.audit.models import AuditEvent
from apps.finance.models import DiscountRule, Invoice, InvoiceLine, Sponsor
from apps.finance.services import invoice_issue, invoices_issue, invoices_issue_for_class
from apps.finance.services_discounts import (
    birth_position, discount_rule_create, is_staff_child, discount_rule_update, late_fee_rule_save, sponsor_create, sponsorship_add,
    sponsorship_end,
)
from tests.academics.factories import GuardianFactory, StudentGuardianFactory
from tests.factories import UserFactory
from tests.finance.factories_invoices import category, fee_setup

pytestmark = pytest.mark.usefixtures("in_school_a")
DAY = datetime.date(2026, 1, 12)
START = datetime.date(2026, 1, 1)


@pytest.fixture
def family(admin_a):
    """Three pupils of one class, children of one primary guardian: born 2010, 2012, 2014."""
    setup = fee_setup(actor=admin_a, students=3)
    parent = setup["guardians"][0]
    for pupil, year in zip(setup["students"], (2010, 2012, 2014), strict=True):
        Student.objects.filter(pk=pupil.pk).update(date_of_birth=datetime.date(year, 5, 1))
        StudentGuardian.objects.filter(student=pupil).update(guardian=parent)
    return setup


def _rule(admin, **fields):
    defaults = {"name": "Sibling 10%", "kind": "sibling", "value_type": "percent", "value": Decimal("10"),
                "from_child": 2, "starts_on": START}
    return discount_rule_create(actor=admin, **{**defaults, **fields})


def _entry(invoice):
    return {(line.account.code, line.debit, line.credit) for line in invoice.issue_entry.lines.select_related("account")}


def test_sibling_discount_from_the_second_child_on_tuition(admin_a, family):
    rule = _rule(admin_a, categories=[category("tuition")])
    eldest, second, third = family["students"]
    assert [birth_position(s) for s in family["students"]] == [1, 2, 3]

    first = invoice_issue(student=eldest, term=family["term"], actor=admin_a, issued_on=DAY)
    invoice = invoice_issue(student=second, term=family["term"], actor=admin_a, issued_on=DAY)

    assert first.total == Decimal("550000.00") and not first.lines.filter(kind="discount").exists()
    assert invoice.total == Decimal("510000.00")
    [discount] = invoice.lines.filter(kind=InvoiceLine.Kind.DISCOUNT)
    assert discount.amount == Decimal("-40000.00") and discount.discount_rule == rule
    assert discount.category.code == "tuition"
    assert [p.amount for p in invoice.installments.all()] == [Decimal("255000.00"), Decimal("153000.00"),
                                                             Decimal("102000.00")]
    assert _entry(invoice) == {("1200", Decimal("510000.00"), Decimal("0.00")),
                               ("4190", Decimal("40000.00"), Decimal("0.00")),
                               ("4110", Decimal("0.00"), Decimal("400000.00")),
                               ("4150", Decimal("0.00"), Decimal("150000.00"))}
    assert set(invoice.issue_entry.lines.values_list("student_id", flat=True)) == {second.pk}


def test_an_inactive_elder_sibling_does_not_count_and_rules_out_of_force_do_not_apply(admin_a, family):
    _rule(admin_a)
    _rule(admin_a, name="Old rule", starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 12, 31))
    _rule(admin_a, name="Switched off", is_active=False)
    Student.objects.filter(pk=family["students"][0].pk).update(status=Student.Status.LEFT)
    second = family["students"][1]
    assert birth_position(second) == 1
    assert invoice_issue(student=second, term=family["term"], actor=admin_a, issued_on=DAY).total == Decimal("550000")
    third = invoice_issue(student=family["students"][2], term=family["term"], actor=admin_a, issued_on=DAY)
    assert third.total == Decimal("495000.00")  # 10 % of all fees, one rule only


def test_staff_child_discount(admin_a, family):
    _rule(admin_a, name="Staff children", kind="staff_child", value_type="fixed", value=Decimal("100000"),
          from_child=None)
    pupil = family["students"][0]
    assert invoice_issue(student=pupil, term=family["term"], actor=admin_a, issued_on=DAY).total == Decimal("550000")
    teacher_parent = GuardianFactory(user=UserFactory(role="teacher"))
    other = fee_setup(actor=admin_a, students=1, term=family["term"], level=2)["students"][0]
    StudentGuardianFactory(student=other, guardian=teacher_parent, is_primary=False, relationship="father")
    invoice = invoice_issue(student=other, term=family["term"], actor=admin_a, issued_on=DAY)
    assert invoice.total == Decimal("450000.00")
    # a fixed amount is spread over the categories in their order, none below zero
    assert sorted((line.category.code, line.amount) for line in invoice.lines.filter(kind="discount")) == [
        ("tuition", Decimal("-100000.00"))]


def test_a_guardian_who_works_at_the_school_gets_his_child_the_staff_child_discount(admin_a, family):
    rule = _rule(admin_a, name="Staff children", kind="staff_child", value="10", from_child=None,
                 categories=[category("tuition")])
    setup = fee_setup(actor=admin_a, students=2, term=family["term"], level=2)
    staff_child, other_child = setup["students"]
    guardian = setup["guardians"][0]  # a parent user, as every guardian is; the teacher is his second user
    teacher = UserFactory(role="teacher")
    guardian_update(guardian=guardian, staff_member=teacher, actor=admin_a)
    assert (is_staff_child(staff_child), is_staff_child(other_child)) == (True, False)

    invoice = invoice_issue(student=staff_child, term=family["term"], actor=admin_a, issued_on=DAY)
    plain = invoice_issue(student=other_child, term=family["term"], actor=admin_a, issued_on=DAY)

    assert [(line.discount_rule_id, line.category.code, line.amount)
            for line in invoice.lines.filter(kind="discount")] == [(rule.pk, "tuition", Decimal("-40000.00"))]
    assert invoice.total == Decimal("510000.00")
    assert not plain.lines.filter(kind="discount").exists() and plain.total == Decimal("550000.00")


def test_the_staff_child_discount_ends_with_the_staff_users_account(admin_a, family):
    _rule(admin_a, name="Staff children", kind="staff_child", value="10", from_child=None)
    pupil, guardian = family["students"][0], family["guardians"][0]
    teacher = UserFactory(role="teacher")
    guardian_update(guardian=guardian, staff_member=teacher, actor=admin_a)
    teacher.is_active = False  # he has left the school
    teacher.save(update_fields=["is_active"])

    assert not is_staff_child(pupil)
    assert invoice_issue(student=pupil, term=family["term"], actor=admin_a, issued_on=DAY).total == Decimal("550000")


def test_scholarship_fixed_capped_and_stacking_never_below_zero(admin_a, family):
    pupil = family["students"][0]
    discount_rule_create(actor=admin_a, name="Bursary", kind="scholarship", value_type="fixed",
                         value=Decimal("500000"), student=pupil, starts_on=START, categories=[category("meals")])
    discount_rule_create(actor=admin_a, name="Half tuition", kind="scholarship", value_type="percent",
                         value=Decimal("50"), student=pupil, starts_on=START)
    invoice = invoice_issue(student=pupil, term=family["term"], actor=admin_a, issued_on=DAY)
    # meals 150,000 fully off (capped), then 50 % of tuition (200,000); meals already at zero
    assert invoice.total == Decimal("200000.00")
    assert sorted((line.discount_rule.name, line.category.code, line.amount)
                  for line in invoice.lines.filter(kind="discount")) == [
        ("Bursary", "meals", Decimal("-150000.00")), ("Half tuition", "tuition", Decimal("-200000.00"))]
    other = invoice_issue(student=family["students"][1], term=family["term"], actor=admin_a, issued_on=DAY)
    assert other.total == Decimal("550000.00")  # the scholarship is one student's


def test_fully_covered_is_refused_and_nothing_written(admin_a, family):
    pupil = family["students"][0]
    discount_rule_create(actor=admin_a, name="Full scholarship", kind="scholarship", value_type="percent",
                         value=Decimal("100"), student=pupil, starts_on=START)
    with pytest.raises(ValidationError, match="fully covered by Full scholarship"):
        invoice_issue(student=pupil, term=family["term"], actor=admin_a, issued_on=DAY)
    assert not Invoice.objects.exists()
    run = invoices_issue_for_class(term=family["term"], school_class=family["school_class"], actor=admin_a)
    assert len(run["issued"]) == 2 and "fully covered" in run["skipped"][0][1]


def test_sponsor_pays_its_share_the_guardian_the_rest(admin_a, family):
    _rule(admin_a, categories=[category("tuition")])
    pupil = family["students"][1]  # second child: 40,000 off tuition
    sponsor = sponsor_create(actor=admin_a, name="Kilimanjaro Coffee Ltd", phone="+255700000001")
    sponsorship_add(sponsor=sponsor, student=pupil, starts_on=START, percent=Decimal("75"),
                    categories=[category("tuition")], actor=admin_a)

    invoices = invoices_issue(student=pupil, term=family["term"], actor=admin_a, issued_on=DAY)

    guardians, sponsors = invoices
    assert guardians.sponsor is None and guardians.guardian == family["guardians"][0]
    assert sponsors.sponsor == sponsor and sponsors.guardian is None
    # tuition net 360,000: the sponsor 75 % = 270,000; the guardian 90,000 + meals 150,000
    assert sponsors.total == Decimal("270000.00") and guardians.total == Decimal("240000.00")
    assert sorted((line.kind, line.amount) for line in sponsors.lines.all()) == [
        ("discount", Decimal("-30000.00")), ("fee", Decimal("300000.00"))]
    assert sponsors.control_number != guardians.control_number
    with pytest.raises(ValidationError, match="already has an invoice"):
        invoice_issue(student=pupil, term=family["term"], actor=admin_a, issued_on=DAY)
    assert Invoice.objects.filter(student=pupil).count() == 2


def test_a_full_sponsor_gets_the_only_invoice(admin_a, family):
    pupil = family["students"][0]
    sponsor = sponsor_create(actor=admin_a, name="Parish of Moshi")
    sponsorship_add(sponsor=sponsor, student=pupil, starts_on=START, actor=admin_a)
    invoice = invoice_issue(student=pupil, term=family["term"], actor=admin_a, issued_on=DAY)
    assert invoice.sponsor == sponsor and invoice.total == Decimal("550000.00")
    assert Invoice.objects.filter(student=pupil).count() == 1


def test_an_ended_sponsorship_no_longer_applies(admin_a, family):
    pupil = family["students"][0]
    sponsorship = sponsorship_add(sponsor=sponsor_create(actor=admin_a, name="NGO"), student=pupil,
                                  starts_on=START, actor=admin_a)
    sponsorship_end(sponsorship=sponsorship, ends_on=datetime.date(2026, 1, 5), actor=admin_a)
    invoice = invoice_issue(student=pupil, term=family["term"], actor=admin_a, issued_on=DAY)
    assert invoice.sponsor is None and invoice.total == Decimal("550000.00")


def test_console_services_refuse_bad_input_and_write_nothing(admin_a, family):
    pupil = family["students"][0]
    with pytest.raises(ValidationError) as error:
        _rule(admin_a, from_child=1)
    assert "from_child" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        discount_rule_create(actor=admin_a, name="S", kind="scholarship", value_type="percent", value=Decimal("120"),
                             starts_on=START)
    assert {"student", "value"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        _rule(admin_a, starts_on=DAY, ends_on=START)
    assert "ends_on" in error.value.message_dict
    assert not DiscountRule.objects.exists()
    sponsor = sponsor_create(actor=admin_a, name="NGO")
    with pytest.raises(ValidationError):
        sponsor_create(actor=admin_a, name="ngo")
    sponsorship_add(sponsor=sponsor, student=pupil, starts_on=START, actor=admin_a)
    with pytest.raises(ValidationError, match="already sponsored"):
        sponsorship_add(sponsor=sponsor, student=pupil, starts_on=DAY, actor=admin_a)
    with pytest.raises(ValidationError) as error:
        sponsorship_add(sponsor=sponsor, student=family["students"][1], starts_on=START, percent=0, actor=admin_a)
    assert "percent" in error.value.message_dict
    assert Sponsor.objects.count() == 1 and sponsor.sponsorships.count() == 1
    with pytest.raises(ValidationError) as error:
        late_fee_rule_save(actor=admin_a, name="", days_after_due=7, value_type="percent", value=Decimal("101"),
                           category=category("tuition"))
    assert {"name", "value"} <= set(error.value.message_dict)


def test_rules_are_audited_and_an_edit_applies_to_later_invoices_only(admin_a, family):
    rule = _rule(admin_a)
    second = family["students"][1]
    before = invoice_issue(student=second, term=family["term"], actor=admin_a, issued_on=DAY)
    discount_rule_update(rule=rule, value=Decimal("20"), actor=admin_a)
    after = invoice_issue(student=family["students"][2], term=family["term"], actor=admin_a, issued_on=DAY)
    before.refresh_from_db()
    assert before.total == Decimal("495000.00") and after.total == Decimal("440000.00")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"finance.discount_rule_create", "finance.discount_rule_update"} <= actions


def test_school_b_sees_none(admin_a, family, school_b):
    _rule(admin_a)
    sponsor_create(actor=admin_a, name="NGO")
    invoice_issue(student=family["students"][1], term=family["term"], actor=admin_a, issued_on=DAY)
    guardian_update(guardian=family["guardians"][0], staff_member=UserFactory(role="teacher"), actor=admin_a)
    with schema_context(school_b.schema_name):
        assert not DiscountRule.objects.exists() and not Sponsor.objects.exists()
        assert not Guardian.objects.filter(staff_member__isnull=False).exists()
        assert not InvoiceLine.objects.filter(kind="discount").exists()
