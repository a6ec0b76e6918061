"""Payments in a real browser: a bursar opens an invoice in the demo school, records cash against it from the
invoice's "Record payment" button, gets a receipt number and its PDF, and sees the invoice partly paid with the
receipt listed; then finds another student by admission number and sees the student's open invoices and balance
appear before recording anything."""

import datetime
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import authenticator_secret, fresh_term_and_stream, screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-bursar-password"


def bursar_and_invoices(in_database) -> dict:
    from decimal import Decimal

    from django_tenants.utils import schema_context

    from apps.academics.models import Student
    from apps.accounts.services import user_create
    from apps.finance.models import FeeCategory
    from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save, invoice_issue

    tag = uuid.uuid4().hex[:6]
    email = f"bursar-pay-{tag}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="accountant", first_name="Neema",
                               last_name="Mushi")
            secret = authenticator_secret(user)
            term, stream = fresh_term_and_stream(year_name=f"Pay {tag}", class_name=f"Form P{tag}",
                                                 starts_on=datetime.date(2026, 1, 5),
                                                 term_ends_on=datetime.date(2026, 4, 2),
                                                 year_ends_on=datetime.date(2026, 12, 4))
            school_class = stream.school_class
            students = [Student.objects.create(admission_number=f"PAY/{tag}/{i}", first_name=first, last_name=last,
                                               sex=sex, stream=stream)
                        for i, (first, last, sex) in enumerate([("Baraka", "Lyimo", "M"), ("Zawadi", "Temba", "F")])]
            fee_structure_save(term=term, school_class=school_class, actor=user,
                               items=[ItemSpec(FeeCategory.objects.get(code="tuition"), Decimal("400000")),
                                      ItemSpec(FeeCategory.objects.get(code="meals"), Decimal("150000"))],
                               installments=[InstallmentSpec(Decimal("60"), datetime.date(2026, 1, 25)),
                                             InstallmentSpec(Decimal("40"), datetime.date(2026, 3, 1))])
            invoices = [invoice_issue(student=s, term=term, actor=user, issued_on=datetime.date(2026, 1, 6))
                        for s in students]
            return {"secret": secret, "invoice": invoices[0].pk,
                    "control_number": invoices[0].control_number, "other": students[1].admission_number,
                    "other_control": invoices[1].control_number}

    return {"email": email, **in_database(create)}


def test_bursar_records_cash_against_an_invoice_and_gets_a_receipt(page, site, in_database):
    given = bursar_and_invoices(in_database)
    sign_in(page, site.school("demo", "/"), given["email"], PASSWORD, totp_secret=given["secret"])

    page.goto(site.school("demo", f"/finance/invoices/{given['invoice']}/"))
    expect(page.get_by_text("No payments yet.")).to_be_visible()
    with page.expect_navigation():
        page.locator("[data-record-payment]").click()
    expect(page.locator("[data-student-panel]")).to_contain_text("Baraka Lyimo")
    expect(page.locator("[data-student-panel]")).to_contain_text(given["control_number"])
    expect(page.locator("#id_invoice")).to_have_value(str(given["invoice"]))
    page.locator("#id_amount").fill("200,000")
    page.locator("#id_payer_name").fill("Mama Baraka")
    screenshot(page, "finance-payment-new")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Record payment")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"RCT-\d{4}-\d{6}"))
    receipt_number = re.search(r"RCT-\d{4}-\d{6}", page.get_by_role("heading", level=1).inner_text()).group(0)
    expect(page.locator("[data-amount]")).to_contain_text("200,000.00")
    expect(page.locator("[data-receipt-link]")).to_be_visible()
    screenshot(page, "finance-payment-detail")
    receipt = page.evaluate("""href => fetch(href).then(async r => [r.status, r.headers.get("content-type"),
                                                          (await r.text()).slice(0, 4)])""",
                            page.locator("[data-receipt-link]").get_attribute("href"))
    assert receipt == [200, "application/pdf", "%PDF"]

    with page.expect_navigation():
        page.get_by_role("link", name=given["control_number"]).click()
    expect(page.locator(".badge").filter(has_text=re.compile("partly paid", re.I))).to_be_visible()
    payments = page.locator("[data-invoice-payments]")
    expect(payments).to_contain_text(receipt_number)
    expect(payments.get_by_role("link", name="Receipt (PDF)")).to_be_visible()
    expect(page.locator("[data-balance]")).to_contain_text("350,000.00")
    screenshot(page, "finance-invoice-partly-paid")

    page.goto(site.school("demo", "/finance/payments/new/"))
    page.locator("#id_find").fill(given["other"])
    page.locator("#student-matches a").first.click()
    expect(page.locator("[data-student-panel]")).to_contain_text("Zawadi Temba")
    expect(page.locator("[data-student-panel]")).to_contain_text(given["other_control"])
    expect(page.locator("[data-balance]")).to_contain_text("550,000.00")
    screenshot(page, "finance-payment-find-student")

    page.goto(site.school("demo", "/finance/payments/"))
    expect(page.get_by_role("link", name=receipt_number)).to_be_visible()
    assert page.js_errors == []
