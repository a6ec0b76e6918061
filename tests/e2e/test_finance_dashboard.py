"""The fees overview in a real browser: a bursar opens /finance/ and sees the term's cards with the aging,
channel and class charts drawn, counts the guardians to remind and queues the reminders; a parent on a
phone opens Fees and reads his child's balance, the control number and how to pay.

The rows are this module's own, made in the demo school's current term through the finance services (a
class of its own with two students invoiced, a cash payment at the bursar's office and an M-Pesa payment
arriving as a provider event), so whatever the demo seed holds the figures checked here exist."""

import datetime
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import authenticator_secret, screenshot, sign_in, wait_for_animations

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-fees-overview-password"


def _build(tag: str) -> dict | None:
    from decimal import Decimal

    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.academics.models import Guardian, SchoolClass, Stream, Student, StudentGuardian, Term
    from apps.accounts.services import user_create
    from apps.finance.models import FeeCategory, PaymentChannel, PaymentEvent
    from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save, invoice_issue
    from apps.finance.services_payments import account_for_channel, payment_record

    with schema_context("demo"):
        term = Term.objects.filter(is_current=True).first()
        if term is None:
            return None
        today = timezone.localdate()
        bursar = user_create(email=f"bursar-{tag}@demo.school", password=PASSWORD, role="accountant",
                             first_name="Neema", last_name="Mushi")
        secret = authenticator_secret(bursar)
        parent = user_create(email=f"fees-parent-{tag}@demo.school", password=PASSWORD, role="parent",
                             first_name="Baraka", last_name="Lyimo")
        guardian = Guardian.objects.create(user=parent, phone=f"+2556{int(tag, 16) % 10**8:08d}")
        level = (SchoolClass.objects.order_by("-level").values_list("level", flat=True).first() or 0) + 1
        school_class = SchoolClass.objects.create(name=f"Form F{tag}", level=level)
        stream = Stream.objects.create(school_class=school_class, name="A")
        fee_structure_save(
            term=term, school_class=school_class, actor=bursar,
            items=[ItemSpec(FeeCategory.objects.get(code="tuition"), Decimal("400000")),
                   ItemSpec(FeeCategory.objects.get(code="meals"), Decimal("150000"))],
            installments=[InstallmentSpec(Decimal("50"), max(term.starts_on, today - datetime.timedelta(days=40))),
                          InstallmentSpec(Decimal("50"), max(term.starts_on + datetime.timedelta(days=1),
                                                             today + datetime.timedelta(days=20)))])
        children = []
        for number, first in enumerate(["Imani", "Baraka"]):
            child = Student.objects.create(admission_number=f"FO/{tag}/{number}", first_name=first, last_name="Lyimo",
                                           sex="F" if number == 0 else "M", stream=stream)
            StudentGuardian.objects.create(student=child, guardian=guardian, relationship="father", is_primary=True)
            children.append(child)
        invoices = [invoice_issue(student=child, term=term, actor=bursar) for child in children]
        payment_record(student=children[0], amount="150000", channel="cash", actor=bursar, received_on=today)
        event = PaymentEvent.objects.create(
            provider="mpesa", transaction_id=f"E2E{tag}", amount=Decimal("100000"), payer_phone=guardian.phone,
            paid_at=timezone.now(), account=account_for_channel("mpesa"), status=PaymentEvent.Status.MATCHED)
        payment_record(student=children[1], amount="100000", channel="mpesa", actor=bursar, received_on=today,
                       event=event)
        channel, _created = PaymentChannel.objects.get_or_create(
            provider="mpesa", defaults={"account": account_for_channel("mpesa"), "business_number": "888999",
                                        "account_name": "Demo School"})
        if not channel.is_enabled or not channel.instructions:
            channel.is_enabled = True
            channel.instructions = channel.instructions or (
                "M-Pesa menu > Lipa na M-Pesa > Pay bill. Business number {business_number}, account "
                "{control_number}, amount {amount}.")
            channel.save(update_fields=["is_enabled", "instructions"])
        return {"bursar": bursar.email, "secret": secret,
                "parent": parent.email, "term": term.pk, "class_name": school_class.name,
                "control_number": invoices[0].control_number, "child": children[0].full_name,
                "child_pk": children[0].pk}


@pytest.fixture
def fees(in_database):
    built = in_database(lambda: _build(uuid.uuid4().hex[:6]))
    if built is None:
        pytest.skip("the demo school has no current term")
    return built


def test_bursar_sees_the_fees_overview_with_its_charts_and_queues_reminders(page, site, fees):
    sign_in(page, site.school("demo", "/"), fees["bursar"], PASSWORD, totp_secret=fees["secret"])
    expect(page.get_by_test_id("fees-overview")).to_be_visible()
    with page.expect_navigation():
        page.get_by_test_id("fees-overview").click()
    expect(page).to_have_url(site.school("demo", "/finance/"))
    expect(page.get_by_role("heading", name="Fees overview")).to_be_visible()
    for chart in ("fees-aging", "fees-channels", "fees-classes"):
        expect(page.locator(f"#{chart}")).to_have_attribute("data-drawn", "1")
        box = page.locator(f"#{chart}").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, chart
    expect(page.get_by_test_id("by-class")).to_contain_text(fees["class_name"])
    expect(page.get_by_test_id("by-channel")).to_contain_text("M-Pesa")
    expect(page.get_by_test_id("by-channel")).to_contain_text("Cash")
    expect(page.get_by_test_id("recent-payments")).to_contain_text(fees["child"])
    assert page.locator("#sidebar [data-nav=finance-dashboard]").count() == 1
    screenshot(page, "finance-dashboard")

    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Send fee reminders")).click()
    page.get_by_label("Class").select_option(label=fees["class_name"])
    with page.expect_navigation():
        page.get_by_test_id("count").click()
    expect(page.get_by_test_id("preview")).to_contain_text("1 guardian would be reminded (2 children owing)")
    with page.expect_navigation():
        page.get_by_test_id("queue").click()
    expect(page.get_by_text(re.compile(r"1 reminder queued\."))).to_be_visible()
    screenshot(page, "finance-reminders")
    assert page.js_errors == []


def test_parent_on_a_phone_sees_the_balance_and_how_to_pay(phone_page, site, fees):
    page = phone_page
    sign_in(page, site.school("demo", "/"), fees["parent"], PASSWORD)
    page.get_by_role("button", name="Menu").click()
    wait_for_animations(page)
    with page.expect_navigation():
        page.locator("#sidebar [data-nav=parent-fees]").click()
    expect(page).to_have_url(re.compile(r"/parent/fees/"))
    with page.expect_navigation():
        page.get_by_test_id("children-balances").get_by_role("link", name=fees["child"]).click()
    expect(page.get_by_test_id("balance-amount")).to_contain_text("400,000.00")  # 550,000 less 150,000 paid
    expect(page.get_by_test_id("control-number")).to_have_text(fees["control_number"])
    how = page.get_by_test_id("how-to-pay")
    expect(how).to_contain_text("M-Pesa")
    expect(how).to_contain_text(fees["control_number"])
    expect(how).to_contain_text("Cash at the bursar's office")
    expect(page.get_by_test_id("payment")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    screenshot(page, "parent-fees")
    assert page.js_errors == []
