"""The parent's fees page: his children's balances and credit, the chosen child's invoices (control number,
instalments paid or not) and payments, how to pay through the school's enabled channels (instructions filled
in) and cash; a receipt of his own child's payment, 404 for anyone else's; bounded queries; other roles 403;
school B's parent sees nothing of school A."""

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import Payment, PaymentChannel
from tests.academics.factories import StudentGuardianFactory
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.finance.factories_fees_overview import fees_scenario

pytestmark = pytest.mark.usefixtures("in_school_a")


@pytest.fixture
def fees(school_a, admin_a):
    with schema_context(school_a.schema_name):
        scenario = fees_scenario(actor=admin_a)
        guardian = scenario["a"]["guardians"][0]
        # the parent of A0 is also the parent of A1; A2 is someone else's child
        StudentGuardianFactory(student=scenario["a"]["students"][1], guardian=guardian, is_primary=False)
        # every provider has its (disabled) channel from the start: the school fills in and enables M-Pesa
        PaymentChannel.objects.update_or_create(provider="mpesa", defaults={
            "is_enabled": True, "business_number": "555111", "account_name": "Demo School", "order": 1,
            "instructions": "Lipa na M-Pesa, Paybill {business_number}, account {control_number}, amount {amount}."})
        PaymentChannel.objects.update_or_create(provider="airtel", defaults={"is_enabled": False,
                                                                             "business_number": "999000"})
        scenario["parent"] = guardian.user
        scenario["mine"] = scenario["a"]["students"][:2]
        scenario["stranger"] = scenario["a"]["students"][2]
        return scenario


@pytest.fixture
def as_parent(client, school_a, fees):
    console_login(client, school_a, fees["parent"])
    return client


def test_balances_invoices_payments_and_how_to_pay(as_parent, school_a, fees):
    child = fees["mine"][0]
    invoice = fees["invoices"][0]
    response = as_parent.get(reverse("parent:fees"), {"child": child.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "TZS 250,000.00" in body  # 550,000 less the 300,000 paid
    assert "TZS 450,000.00" in body  # the other child's balance in the list of children
    assert invoice.control_number in body and "Tuition" in body
    assert body.count('data-testid="installment"') == 3 and "part paid" in body
    assert "Lipa na M-Pesa, Paybill 555111, account " + invoice.control_number + ", amount TZS 250,000." in body
    assert "999000" not in body  # a channel that is not enabled is not offered
    assert "Cash at the bursar" in body
    assert "Overdue since" in body and "2 Mar 2026" in body  # the instalment still part paid
    with schema_context(school_a.schema_name):
        receipt = reverse("parent:fee-receipt", args=[_payment(fees, child).pk])
    assert "RCT-" in body and receipt in body
    assert fees["stranger"].full_name not in body


def _payment(fees, student):
    return Payment.objects.filter(student=student).order_by("id").first()


def test_a_child_that_is_not_his_is_not_found(as_parent, school_a, fees):
    assert as_parent.get(reverse("parent:fees"), {"child": fees["stranger"].pk}).status_code == 404


def test_his_childs_receipt_and_nobody_elses(as_parent, school_a, fees):
    with schema_context(school_a.schema_name):
        mine, theirs = _payment(fees, fees["mine"][0]), _payment(fees, fees["stranger"])
        reversed_one = Payment.objects.filter(status=Payment.Status.REVERSED).first()
    response = as_parent.get(reverse("parent:fee-receipt", args=[mine.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert as_parent.get(reverse("parent:fee-receipt", args=[theirs.pk])).status_code == 404
    assert as_parent.get(reverse("parent:fee-receipt", args=[reversed_one.pk])).status_code == 404
    assert as_parent.get(reverse("parent:fee-receipt", args=[999999])).status_code == 404


def test_bounded_queries(as_parent, fees, django_assert_max_num_queries):
    with django_assert_max_num_queries(50):
        assert as_parent.get(reverse("parent:fees")).status_code == 200


@pytest.mark.parametrize("role", ["teacher", "accountant"])
def test_other_roles_are_refused(client, school_a, fees, role):
    with schema_context(school_a.schema_name):
        user = UserFactory(role=role)
    console_login(client, school_a, user)
    assert client.get(reverse("parent:fees")).status_code == 403
    with schema_context(school_a.schema_name):
        pk = _payment(fees, fees["mine"][0]).pk
    assert client.get(reverse("parent:fee-receipt", args=[pk])).status_code == 403


def test_a_parent_with_nothing_to_pay(client, school_a, fees):
    with schema_context(school_a.schema_name):
        parent = UserFactory(role="parent")
    console_login(client, school_a, parent)
    response = client.get(reverse("parent:fees"))
    assert response.status_code == 200 and 'data-testid="how-to-pay"' not in response.content.decode()


def test_school_b_parent_sees_nothing_of_school_a(client, school_a, school_b, fees):
    with schema_context(school_a.schema_name):
        pk = _payment(fees, fees["mine"][0]).pk
    with schema_context(school_b.schema_name):
        parent = UserFactory(role="parent")
    console_login(client, school_b, parent)
    body = client.get(reverse("parent:fees")).content.decode()
    assert fees["invoices"][0].control_number not in body
    assert client.get(reverse("parent:fee-receipt", args=[pk])).status_code == 404
