"""The sandbox payment simulator in a real browser, with a real worker: a bursar sends "a parent pays the
invoice's total quoting its control number" through the school's sandbox webhook, watches the notification
become a payment with a receipt, and finds the invoice paid."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import authenticator_secret, fresh_term_and_stream, screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-bursar-password"


def bursar_and_invoice(in_database) -> dict:
    from django_tenants.utils import schema_context

    from apps.academics.models import Student
    from apps.accounts.services import user_create
    from apps.finance.models import FeeCategory
    from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save, invoice_issue

    tag = uuid.uuid4().hex[:6]
    email = f"sandbox-{tag}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="accountant", first_name="Neema",
                               last_name="Mushi")
            secret = authenticator_secret(user)
            term, stream = fresh_term_and_stream(year_name=f"Sandbox {tag}", class_name=f"Form S{tag}",
                                                 starts_on=datetime.date(2028, 1, 10),
                                                 term_ends_on=datetime.date(2028, 4, 7),
                                                 year_ends_on=datetime.date(2028, 12, 1))
            school_class = stream.school_class
            student = Student.objects.create(admission_number=f"SBX/{tag}", first_name="Rehema", last_name="Swai",
                                             sex="F", stream=stream)
            fee_structure_save(term=term, school_class=school_class, actor=user,
                               items=[ItemSpec(FeeCategory.objects.get(code="tuition"), Decimal("150000"))],
                               installments=[InstallmentSpec(Decimal("100"), datetime.date(2028, 1, 24))])
            invoice = invoice_issue(student=student, term=term, actor=user)
            return {"secret": secret, "invoice": invoice.pk,
                    "control_number": invoice.control_number}

    return {"email": email, **in_database(create)}


def test_bursar_simulates_a_payment_and_the_invoice_is_paid(page, site, worker, in_database):
    given = bursar_and_invoice(in_database)
    sign_in(page, site.school("demo", "/"), given["email"], PASSWORD, totp_secret=given["secret"])

    page.goto(site.school("demo", "/finance/channels/"))
    expect(page.locator("tr[data-provider=sandbox]")).to_contain_text("set")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Simulate a payment")).click()
    page.get_by_label("Amount").fill("150000")
    page.get_by_label(re.compile("Reference")).fill(given["control_number"])
    page.get_by_label(re.compile("Paid through")).select_option(label="M-Pesa")
    page.get_by_label(re.compile("phone")).fill("0754 123 456")
    page.get_by_label(re.compile("name")).fill("Amina Swai")
    screenshot(page, "finance-sandbox-form")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Send the payment")).click()

    # the worker processes the notification; the status card refreshes itself until it is done
    expect(page.get_by_test_id("sandbox-payment")).to_contain_text("RCT-", timeout=30_000)
    expect(page.get_by_test_id("inbound-status")).to_have_text("Processed")
    expect(page.get_by_test_id("event-status")).to_have_text("Matched")
    expect(page.get_by_test_id("sandbox-payment")).to_contain_text(given["control_number"])
    screenshot(page, "finance-sandbox-paid")

    page.goto(site.school("demo", f"/finance/invoices/{given['invoice']}/"))
    expect(page.locator(".badge", has_text="Paid").first).to_be_visible()
    screenshot(page, "finance-sandbox-invoice-paid")

    page.goto(site.school("demo", "/finance/notifications/"))
    expect(page.get_by_test_id("inbound-row").first).to_contain_text("Processed")
    assert page.js_errors == []
