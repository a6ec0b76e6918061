"""The discount, sponsor and late-fee pages: bookkeepers list, add and edit (the service's errors on the form,
nothing saved), a sponsor's students added and ended, the tabs of the fee setup; teachers 403; a rule of
another school is 404; lists with bounded queries; school B sees none of school A's rules."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import DiscountRule, LateFeeRule, Sponsor, Sponsorship
from apps.finance.services_discounts import discount_rule_create, late_fee_rule_save, sponsor_create
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.finance.factories_invoices import category, fee_setup


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=2)
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"),
                "teacher": UserFactory(role="teacher"), **setup}


def test_add_a_sibling_discount_and_edit_it(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    page = client.get(reverse("finance:discount-list")).content.decode()
    assert "No discount rules yet." in page and reverse("finance:late-fee-list") in page
    with schema_context(school_a.schema_name):
        tuition = category("tuition").pk
    bad = client.post(reverse("finance:discount-new"), {"name": "Siblings", "kind": "sibling",
                                                        "value_type": "percent", "value": "150",
                                                        "starts_on": "2026-01-01"})
    assert bad.status_code == 400 and "A percentage is at most 100." in bad.content.decode()
    response = client.post(reverse("finance:discount-new"), {
        "name": "Siblings", "kind": "sibling", "value_type": "percent", "value": "10", "from_child": "2",
        "categories": [tuition], "starts_on": "2026-01-01", "is_active": "on"})
    assert response.status_code == 302 and response.url == reverse("finance:discount-list")
    with schema_context(school_a.schema_name):
        rule = DiscountRule.objects.get()
        assert rule.kind == "sibling" and rule.from_child == 2 and list(rule.categories.values_list("pk", flat=True)) == [tuition]
    assert "Siblings" in client.get(reverse("finance:discount-list")).content.decode()
    edit = client.get(reverse("finance:discount-edit", args=[rule.pk])).content.decode()
    assert 'value="Siblings"' in edit
    client.post(reverse("finance:discount-edit", args=[rule.pk]), {
        "name": "Siblings", "kind": "sibling", "value_type": "percent", "value": "15", "from_child": "3",
        "starts_on": "2026-01-01", "is_active": "on"})
    with schema_context(school_a.schema_name):
        rule.refresh_from_db()
        assert rule.value == Decimal("15.00") and rule.from_child == 3 and not rule.categories.exists()


def test_a_scholarship_needs_its_student(client, school_a, cast):
    console_login(client, school_a, cast["admin"])
    response = client.post(reverse("finance:discount-new"), {"name": "Bursary", "kind": "scholarship",
                                                             "value_type": "fixed", "value": "100000",
                                                             "starts_on": "2026-01-01"})
    assert response.status_code == 400 and "Choose the student who holds the scholarship." in response.content.decode()
    client.post(reverse("finance:discount-new"), {"name": "Bursary", "kind": "scholarship", "value_type": "fixed",
                                                  "value": "100000", "starts_on": "2026-01-01",
                                                  "student": cast["students"][0].pk, "is_active": "on"})
    with schema_context(school_a.schema_name):
        assert DiscountRule.objects.get().student == cast["students"][0]


def test_sponsor_with_a_student_added_and_ended(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    response = client.post(reverse("finance:sponsor-new"), {"name": "Kilimanjaro Coffee", "is_active": "on"})
    with schema_context(school_a.schema_name):
        sponsor = Sponsor.objects.get()
    assert response.url == reverse("finance:sponsor-detail", args=[sponsor.pk])
    assert client.post(reverse("finance:sponsor-new"), {"name": "kilimanjaro coffee"}).status_code == 400
    pupil = cast["students"][0]
    added = client.post(response.url, {"action": "add", "student": pupil.pk, "percent": "60",
                                       "starts_on": "2026-01-01"})
    assert added.status_code == 302
    clash = client.post(response.url, {"action": "add", "student": pupil.pk, "percent": "60",
                                       "starts_on": "2026-02-01"})
    assert clash.status_code == 400 and "already sponsored" in clash.content.decode()
    with schema_context(school_a.schema_name):
        sponsorship = Sponsorship.objects.get()
    page = client.get(response.url).content.decode()
    assert pupil.full_name in page and "60 %" in page
    ended = client.post(response.url, {"action": "end", "sponsorship": sponsorship.pk, "ends_on": "2026-06-30"})
    assert ended.status_code == 302
    with schema_context(school_a.schema_name):
        sponsorship.refresh_from_db()
        assert sponsorship.ends_on == datetime.date(2026, 6, 30)
    client.post(response.url, {"action": "edit", "name": "Kilimanjaro Coffee Ltd", "phone": "+255700000001",
                               "is_active": "on"})
    with schema_context(school_a.schema_name):
        assert Sponsor.objects.get().name == "Kilimanjaro Coffee Ltd"
    assert "Kilimanjaro Coffee Ltd" in client.get(reverse("finance:sponsor-list")).content.decode()


def test_late_fee_rule_added_and_edited(client, school_a, cast):
    console_login(client, school_a, cast["admin"])
    with schema_context(school_a.schema_name):
        tuition = category("tuition").pk
    bad = client.post(reverse("finance:late-fee-new"), {"name": "", "days_after_due": "7", "value_type": "fixed",
                                                        "value": "5000", "category": tuition})
    assert bad.status_code == 400
    client.post(reverse("finance:late-fee-new"), {"name": "Late", "days_after_due": "7", "value_type": "fixed",
                                                  "value": "5000", "category": tuition, "is_active": "on"})
    with schema_context(school_a.schema_name):
        rule = LateFeeRule.objects.get()
    client.post(reverse("finance:late-fee-edit", args=[rule.pk]), {
        "name": "Late", "days_after_due": "14", "value_type": "percent", "value": "2", "category": tuition})
    with schema_context(school_a.schema_name):
        rule.refresh_from_db()
        assert rule.days_after_due == 14 and rule.value_type == "percent" and not rule.is_active
    assert "Late" in client.get(reverse("finance:late-fee-list")).content.decode()


def test_teachers_get_403_and_nothing_changes(client, school_a, cast):
    with schema_context(school_a.schema_name):
        rule = discount_rule_create(actor=cast["admin"], name="S", kind="sibling", value_type="percent",
                                    value=Decimal("10"), from_child=2, starts_on=datetime.date(2026, 1, 1))
        sponsor = sponsor_create(actor=cast["admin"], name="NGO")
    console_login(client, school_a, cast["teacher"])
    for name, args in [("discount-list", []), ("discount-edit", [rule.pk]), ("sponsor-detail", [sponsor.pk]),
                       ("late-fee-list", [])]:
        assert client.get(reverse(f"finance:{name}", args=args)).status_code == 403
    assert client.post(reverse("finance:sponsor-detail", args=[sponsor.pk]),
                       {"action": "edit", "name": "Mine"}).status_code == 403
    with schema_context(school_a.schema_name):
        assert Sponsor.objects.get().name == "NGO"


def test_lists_have_bounded_queries(client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for n in range(6):
            discount_rule_create(actor=cast["admin"], name=f"Rule {n}", kind="sibling", value_type="percent",
                                 value=Decimal("5"), from_child=2, starts_on=datetime.date(2026, 1, 1),
                                 categories=[category("tuition")])
            sponsor_create(actor=cast["admin"], name=f"Sponsor {n}")
            late_fee_rule_save(actor=cast["admin"], name=f"Late {n}", days_after_due=n, value_type="fixed",
                               value=Decimal("1000"), category=category("meals"))
    console_login(client, school_a, cast["admin"])
    for name in ("discount-list", "sponsor-list", "late-fee-list"):
        with django_assert_max_num_queries(24):
            assert client.get(reverse(f"finance:{name}")).status_code == 200


def test_school_b_sees_none_of_school_as_rules(client, school_a, school_b, cast, admin_b):
    with schema_context(school_a.schema_name):
        rule = discount_rule_create(actor=cast["admin"], name="Siblings A", kind="sibling", value_type="percent",
                                    value=Decimal("10"), from_child=2, starts_on=datetime.date(2026, 1, 1))
        sponsor = sponsor_create(actor=cast["admin"], name="Sponsor A")
    console_login(client, school_b, admin_b)
    body = client.get(reverse("finance:discount-list")).content.decode()
    assert "Siblings A" not in body
    assert client.get(reverse("finance:discount-edit", args=[rule.pk])).status_code == 404
    assert client.get(reverse("finance:sponsor-detail", args=[sponsor.pk])).status_code == 404
