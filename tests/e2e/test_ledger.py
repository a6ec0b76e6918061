"""The books in a real browser, as each role would use them in the demo school:

- an accountant posts a manual journal entry, watching the live totals balance as they type (HTMX), and
  finds it in the journal, the chart and the months;
- an accountant enters a bill above the approval threshold with its receipt; she cannot approve it herself;
  a school admin approves it; the accountant pays it from the bank; the entries are in the journal, and the
  trial balance and balance sheet balance."""

import base64
import datetime
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in
from tests.support import ARTIFACTS

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-books-password"
# the smallest PNG a receipt check accepts (the file's first bytes say what it is)
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def person(in_database, role: str, first: str, last: str) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_tenants.utils import schema_context

    from apps.accounts.services import user_create

    email = f"{role}-{uuid.uuid4().hex[:6]}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role=role, first_name=first, last_name=last)
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            return {"secret": base64.b32encode(bytes.fromhex(device.key)).decode()}

    return {"email": email, **in_database(create)}


def expense_state(in_database, description: str) -> dict:
    from django_tenants.utils import schema_context

    from apps.ledger.models import Expense

    def read():
        with schema_context("demo"):
            expense = Expense.objects.get(description=description)
            return {"pk": expense.pk, "status": expense.status, "approval": expense.approval_entry_id,
                    "payment": expense.payment_entry_id}

    return in_database(read)


def test_accountant_posts_a_manual_entry_with_live_totals(page, site, in_database):
    made = person(in_database, "accountant", "Rehema", "Kimaro")
    sign_in(page, site.school("demo", "/"), made["email"], PASSWORD, totp_secret=made["secret"])

    page.goto(site.school("demo", "/accounting/journal/new/"))
    page.get_by_label("Memo").fill("Chalk and exercise books for Form 1")
    page.locator("#id_lines-0-account").select_option(label="5210 Teaching and learning materials")
    page.locator("#id_lines-0-description").fill("Chalk")
    page.locator("#id_lines-0-debit").fill("150000")
    page.locator("#id_lines-1-account").select_option(label="1110 Cash on hand")
    page.locator("#id_lines-1-credit").fill("100000")
    expect(page.locator("#entry-totals")).to_contain_text("Difference 50,000.00")
    screenshot(page, "ledger-entry-new-unbalanced")
    page.locator("#id_lines-1-credit").fill("150000")
    expect(page.locator("#entry-totals")).to_contain_text("Balanced")
    screenshot(page, "ledger-entry-new-balanced")
    with page.expect_navigation():
        page.get_by_role("button", name="Post entry").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chalk and exercise books for Form 1")
    assert page.js_errors == []
    screenshot(page, "ledger-entry-detail")

    page.goto(site.school("demo", "/accounting/journal/"))
    expect(page.get_by_text("Chalk and exercise books for Form 1").first).to_be_visible()
    screenshot(page, "ledger-journal")
    page.goto(site.school("demo", "/accounting/accounts/"))
    expect(page.get_by_text("Teaching and learning materials").first).to_be_visible()
    screenshot(page, "ledger-accounts")
    page.goto(site.school("demo", "/accounting/periods/"))
    screenshot(page, "ledger-periods")


def test_a_bill_is_entered_approved_by_another_person_paid_and_the_books_balance(page, site, in_database,
                                                                                 new_page):
    bursar = person(in_database, "accountant", "Neema", "Mushi")
    head = person(in_database, "school_admin", "Baraka", "Mollel")
    description = f"Science laboratory reagents {uuid.uuid4().hex[:4]}"
    receipt = ARTIFACTS / "ledger-receipt.png"
    receipt.parent.mkdir(parents=True, exist_ok=True)
    receipt.write_bytes(PNG)

    # the bursar enters a bill above the threshold, with its receipt: it waits for approval
    sign_in(page, site.school("demo", "/"), bursar["email"], PASSWORD, totp_secret=bursar["secret"])
    page.goto(site.school("demo", "/accounting/expenses/new/"))
    page.get_by_label("Category").select_option(label="5210 Teaching and learning materials")
    page.get_by_label("Description").fill(description)
    page.get_by_label("Date").fill(datetime.date.today().isoformat())
    page.get_by_label("Amount").fill("2400000")
    page.get_by_label("Tax").fill("0")
    page.get_by_label("Receipt").set_input_files(str(receipt))
    screenshot(page, "ledger-expense-new")
    with page.expect_navigation():
        page.get_by_role("button", name="Save expense").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(description)
    expect(page.get_by_text("Waiting for approval").first).to_be_visible()
    # she entered it, so she is offered no approval
    expect(page.get_by_role("button", name="Approve and post")).to_have_count(0)
    screenshot(page, "ledger-expense-pending")
    state = expense_state(in_database, description)
    assert state["status"] == "pending" and state["approval"] is None

    # the head teacher approves it
    admin_page = new_page()
    sign_in(admin_page, site.school("demo", "/"), head["email"], PASSWORD, totp_secret=head["secret"])
    admin_page.goto(site.school("demo", f"/accounting/expenses/{state['pk']}/"))
    with admin_page.expect_navigation():
        admin_page.get_by_role("button", name="Approve and post").click()
    expect(admin_page.get_by_text("Approved, not paid").first).to_be_visible()
    screenshot(admin_page, "ledger-expense-approved")

    # the bursar pays it from the bank
    page.reload()
    page.get_by_label("Paid from").select_option(label="1121 CRDB Bank")
    page.get_by_label("Paid on").fill(datetime.date.today().isoformat())
    page.get_by_label("Payment reference").fill("CRDB-TRF-0091")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Pay TZS")).click()
    expect(page.get_by_text("Paid").first).to_be_visible()
    screenshot(page, "ledger-expense-paid")
    state = expense_state(in_database, description)
    assert state["status"] == "paid" and state["approval"] and state["payment"]

    # both entries are in the journal; the books balance
    page.goto(site.school("demo", "/accounting/journal/?q=" + description.split()[0]))
    page.goto(site.school("demo", f"/accounting/journal/{state['approval']}/"))
    expect(page.get_by_text("Supplier payables").first).to_be_visible()
    page.goto(site.school("demo", "/accounting/reports/trial-balance/"))
    expect(page.get_by_text("Trial balance").first).to_be_visible()
    screenshot(page, "ledger-trial-balance")
    page.goto(site.school("demo", "/accounting/reports/balance-sheet/"))
    expect(page.get_by_text("Assets equal liabilities plus equity.")).to_be_visible()
    screenshot(page, "ledger-balance-sheet")
    page.goto(site.school("demo", "/accounting/reports/expenses/"))
    expect(page.locator("#expense-chart")).to_be_visible()
    screenshot(page, "ledger-expense-chart")
    first = datetime.date.today().replace(day=1)
    page.goto(site.school("demo", f"/accounting/reports/income-statement/?date_from={first}"
                                  f"&date_to={datetime.date.today()}"))
    expect(page.locator("#income-chart")).to_be_visible()
    screenshot(page, "ledger-income-statement")
    page.goto(site.school("demo", "/accounting/reports/budget/"))
    screenshot(page, "ledger-budget")
    assert page.js_errors == [] and admin_page.js_errors == []
