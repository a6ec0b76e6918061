"""Fees in a real browser: a bursar sets a class's fees for a term (items and instalments), issues the
class's invoices in one go (a background job with a progress bar), and opens one to read the control number
a parent will quote; its journal entry is in the books."""

import datetime
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import authenticator_secret, fresh_term_and_stream, screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-bursar-password"


def bursar_and_class(in_database) -> dict:
    from django_tenants.utils import schema_context

    from apps.academics.models import Student
    from apps.accounts.services import user_create

    tag = uuid.uuid4().hex[:6]
    email = f"bursar-{tag}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="accountant", first_name="Neema",
                               last_name="Mushi")
            secret = authenticator_secret(user)
            term, stream = fresh_term_and_stream(year_name=f"Fees {tag}", class_name=f"Form F{tag}",
                                                 starts_on=datetime.date(2027, 1, 11),
                                                 term_ends_on=datetime.date(2027, 4, 2),
                                                 year_ends_on=datetime.date(2027, 12, 3))
            school_class = stream.school_class
            for i, (first, last, sex) in enumerate([("Amani", "Mushi", "M"), ("Rehema", "Swai", "F"),
                                                    ("Juma", "Kweka", "M")]):
                Student.objects.create(admission_number=f"FEE/{tag}/{i}", first_name=first, last_name=last, sex=sex,
                                       stream=stream)
            return {"secret": secret, "term": term.pk,
                    "term_name": str(term), "class": school_class.pk, "class_name": school_class.name}

    return {"email": email, **in_database(create)}


def test_bursar_sets_a_classs_fees_issues_its_invoices_and_reads_a_control_number(page, site, in_database, worker):
    given = bursar_and_class(in_database)
    sign_in(page, site.school("demo", "/"), given["email"], PASSWORD, totp_secret=given["secret"])

    page.goto(site.school("demo", f"/finance/fees/{given['term']}/{given['class']}/"))
    page.locator("#id_items-0-category").select_option(label="Tuition")
    page.locator("#id_items-0-amount").fill("400000")
    page.locator("#id_items-1-category").select_option(label="Meals")
    page.locator("#id_items-1-amount").fill("150000")
    page.locator("#id_installments-0-percent").fill("60")
    page.locator("#id_installments-0-due_on").fill("2027-01-25")
    page.locator("#id_installments-1-percent").fill("40")
    page.locator("#id_installments-1-due_on").fill("2027-03-01")
    screenshot(page, "finance-structure-edit")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save fees")).click()
    expect(page.get_by_text(given["class_name"]).first).to_be_visible()
    expect(page.get_by_text("550,000.00").first).to_be_visible()
    screenshot(page, "finance-structure-list")

    page.goto(site.school("demo", "/finance/invoices/"))
    page.get_by_text("Issue invoices").click()
    page.get_by_label("Term").first.select_option(label=given["term_name"])
    page.get_by_label("Class").first.select_option(label=given["class_name"])
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"\bIssue$")).click()
    # the class's invoices are issued by a background job: its page shows the progress, then the result
    expect(page.get_by_test_id("job-status")).to_have_text("Succeeded", timeout=120_000)
    expect(page.get_by_test_id("job-result")).to_contain_text("3 invoices issued")
    screenshot(page, "finance-invoices-issued")
    with page.expect_navigation():
        page.get_by_test_id("invoices-link").click()

    with page.expect_navigation():
        page.get_by_role("row", name=re.compile("Amani Mushi")).get_by_role("link").first.click()
    number = page.locator("[data-control-number]").inner_text().strip()
    assert re.fullmatch(r"\d{12}", number)
    from apps.finance.control_numbers import is_valid
    assert is_valid(number)
    expect(page.get_by_text("550,000.00").first).to_be_visible()
    screenshot(page, "finance-invoice-detail")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("JE-")).first.click()
    expect(page.get_by_text("Fee receivables").first).to_be_visible()
    assert page.js_errors == []
