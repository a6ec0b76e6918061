"""Statement import in a real browser: a bursar uploads a bank CSV with a line that cannot be read, sees the
line number and the reason, confirms importing the good lines only, and sees them imported."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import authenticator_secret, screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-bursar-password"


def bursar(in_database) -> dict:
    from django_tenants.utils import schema_context

    from apps.accounts.services import user_create

    tag = uuid.uuid4().hex[:6]
    email = f"statements-{tag}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="accountant", first_name="Neema",
                               last_name="Mushi")
            secret = authenticator_secret(user)
            return {"secret": secret}

    return {"email": email, "tag": tag.upper(), **in_database(create)}


def test_bursar_uploads_a_csv_with_a_bad_line_and_imports_the_good_ones(page, site, in_database):
    given = bursar(in_database)
    tag = given["tag"]
    csv = (f"Posting Date,Details,Ref No,Debit,Credit,Book Balance\n"
           f"02/03/2027,SCHOOL FEES CN 9912345678 0754100200,E2E{tag}1,,\"450,000.00\",\"450,000.00\"\n"
           f"03/03/2027,FEES REHEMA SWAI,E2E{tag}2,,\"TZS 12O,000.00\",\"570,000.00\"\n"
           f"04/03/2027,FEES JUMA KWEKA,E2E{tag}3,,\"300,000.00\",\"870,000.00\"\n\n").encode()
    sign_in(page, site.school("demo", "/"), given["email"], PASSWORD, totp_secret=given["secret"])

    page.goto(site.school("demo", "/finance/statements/"))
    expect(page.get_by_role("heading", name="Statements")).to_be_visible()
    page.get_by_role("link", name=re.compile("Upload a statement")).click()
    page.get_by_label("Account").select_option(label="1121 CRDB Bank")
    page.get_by_label("Statement file").set_input_files(
        files=[{"name": f"crdb-{tag}.csv", "mimeType": "text/csv", "buffer": csv}])
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Read the file")).click()

    rejected = page.locator("[data-rejected]")
    expect(rejected).to_contain_text("1 line could not be read")
    expect(rejected).to_contain_text("“TZS 12O,000.00” is not an amount")
    expect(rejected.locator("td").first).to_have_text("3")
    expect(page.locator("[data-preview]")).to_contain_text(f"E2E{tag}1")
    expect(page.locator("[data-preview]")).to_contain_text("+255754100200")
    screenshot(page, "finance-statement-preview")

    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Confirm importing good lines only")).click()
    expect(page.locator("[data-statement-status]")).to_have_text("Imported")
    expect(page.locator("[data-lines]")).to_contain_text(f"E2E{tag}3")
    expect(page.locator("[data-reconciliation-link]")).to_be_visible()
    screenshot(page, "finance-statement-imported")
