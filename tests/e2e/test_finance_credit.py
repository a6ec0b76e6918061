"""Write-offs in a real browser: a bursar asks, from an invoice, to write off a debt the family will not
pay; it waits; a school admin finds it first in the credit-notes list, approves it, and the invoice's balance
falls by the amount, posted to bad debts."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import authenticator_secret, fresh_term_and_stream, screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-credit-password"


def people_and_invoice(in_database) -> dict:
    from django_tenants.utils import schema_context

    from apps.academics.models import Student
    from apps.accounts.services import user_create
    from apps.finance.models import FeeCategory
    from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save, invoice_issue

    tag = uuid.uuid4().hex[:6]

    def person(role, first, last):
        email = f"{role}-{tag}@demo.school"
        user = user_create(email=email, password=PASSWORD, role=role, first_name=first, last_name=last)
        secret = authenticator_secret(user)
        return user, {"email": email, "secret": secret}

    def create():
        with schema_context("demo"):
            bursar, bursar_login = person("accountant", "Neema", "Mushi")
            _head, head_login = person("school_admin", "Baraka", "Mollel")
            term, stream = fresh_term_and_stream(year_name=f"Credit {tag}", class_name=f"Form C{tag}",
                                                 starts_on=datetime.date(2027, 1, 11),
                                                 term_ends_on=datetime.date(2027, 4, 2),
                                                 year_ends_on=datetime.date(2027, 12, 3))
            school_class = stream.school_class
            student = Student.objects.create(admission_number=f"CRD/{tag}", first_name="Zawadi", last_name="Lyimo",
                                             sex="F", stream=stream)
            fee_structure_save(term=term, school_class=school_class, actor=bursar,
                               items=[ItemSpec(FeeCategory.objects.get(code="tuition"), Decimal("400000"))],
                               installments=[InstallmentSpec(Decimal("50"), datetime.date(2027, 1, 25)),
                                             InstallmentSpec(Decimal("50"), datetime.date(2027, 3, 1))])
            invoice = invoice_issue(student=student, term=term, actor=bursar)
            return {"bursar": bursar_login, "head": head_login, "invoice": invoice.pk, "reference": invoice.reference}

    return in_database(create)


def invoice_state(in_database, pk: int) -> dict:
    from django_tenants.utils import schema_context

    from apps.finance.models import CreditNote, Invoice

    def read():
        with schema_context("demo"):
            invoice = Invoice.objects.get(pk=pk)
            notes = [(n.number, n.status, n.entry_id) for n in CreditNote.objects.filter(invoice=invoice)]
            return {"credited": invoice.credited, "balance": invoice.balance, "notes": notes}

    return in_database(read)


def test_a_bursar_asks_to_write_off_a_debt_and_the_admin_approves_it(page, site, in_database, new_page):
    given = people_and_invoice(in_database)
    bursar, head = given["bursar"], given["head"]

    # the bursar asks, from the invoice
    sign_in(page, site.school("demo", "/"), bursar["email"], PASSWORD, totp_secret=bursar["secret"])
    page.goto(site.school("demo", f"/finance/invoices/{given['invoice']}/"))
    with page.expect_navigation():
        page.get_by_role("link", name="Write off").click()
    expect(page.get_by_label("Kind")).to_have_value("write_off")
    page.get_by_label("Amount").fill("150000")
    page.get_by_label("Reason").fill("The family moved to Mwanza and cannot be reached")
    screenshot(page, "finance-write-off-new")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Waiting for a school admin who did not ask").first).to_be_visible()
    state = invoice_state(in_database, given["invoice"])
    assert state["credited"] == 0 and state["notes"][0][1] == "pending" and state["notes"][0][2] is None
    number = state["notes"][0][0]

    # the school admin finds it first in the list and approves it
    admin_page = new_page()
    sign_in(admin_page, site.school("demo", "/"), head["email"], PASSWORD, totp_secret=head["secret"])
    admin_page.goto(site.school("demo", "/finance/credit-notes/"))
    first_row = admin_page.locator("tbody tr").first
    expect(first_row).to_contain_text(number)
    expect(first_row).to_contain_text("Waiting for approval")
    screenshot(admin_page, "finance-credit-notes-pending")
    with admin_page.expect_navigation():
        first_row.get_by_role("button", name="Approve").click()
    expect(admin_page.get_by_text(re.compile(f"{number} approved and posted")).first).to_be_visible()
    expect(admin_page.get_by_text("Approved").first).to_be_visible()
    screenshot(admin_page, "finance-write-off-approved")

    state = invoice_state(in_database, given["invoice"])
    assert state["credited"] == Decimal("150000.00") and state["balance"] == Decimal("250000.00")
    assert state["notes"][0][1] == "approved" and state["notes"][0][2]
    with admin_page.expect_navigation():
        admin_page.get_by_role("link", name=re.compile("JE-")).first.click()
    expect(admin_page.get_by_text("Bad debts").first).to_be_visible()
    assert page.js_errors == [] and admin_page.js_errors == []
