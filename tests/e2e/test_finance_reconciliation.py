"""Reconciliation in a real browser: a bursar confirms a suggested match in one click (a control number
typed with a slip) and shares one bank line between two siblings' invoices, one found by typing, the other
typed; the payments are recorded. A long tab is paged without reloading the page."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import authenticator_secret, fresh_term_and_stream, screenshot, sign_in
from tests.finance.factories_invoices import transposed

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-bursar-password"


def bursar_and_statement(in_database) -> dict:
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.academics.models import Student
    from apps.accounts.services import user_create
    from apps.finance.models import FeeCategory, Statement, StatementLine
    from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save, invoice_issue
    from apps.finance.services_payments import account_for_channel
    from apps.finance.services_reconciliation import statement_reconcile

    tag = uuid.uuid4().hex[:6]
    email = f"bursar-rec-{tag}@demo.school"

    def create():
        with schema_context("demo"):
            today = timezone.localdate()
            user = user_create(email=email, password=PASSWORD, role="accountant", first_name="Neema",
                               last_name="Mushi")
            secret = authenticator_secret(user)
            term, stream = fresh_term_and_stream(year_name=f"Rec {tag}", class_name=f"Form R{tag}",
                                                 starts_on=today - datetime.timedelta(days=30),
                                                 term_ends_on=today + datetime.timedelta(days=60),
                                                 year_ends_on=today + datetime.timedelta(days=300))
            school_class = stream.school_class
            fee_structure_save(term=term, school_class=school_class, actor=user,
                               items=[ItemSpec(FeeCategory.objects.get(code="tuition"), Decimal("300000"))],
                               installments=[InstallmentSpec(Decimal("100"), today + datetime.timedelta(days=20))])
            invoices = []
            for i, (first, last) in enumerate([("Amani", "Kweka"), ("Rehema", "Kweka"), ("Juma", "Swai")]):
                student = Student.objects.create(admission_number=f"REC/{tag}/{i}", first_name=first, last_name=last,
                                                 sex="F" if i == 1 else "M", stream=stream)
                invoices.append(invoice_issue(student=student, term=term, actor=user))
            statement = Statement.objects.create(
                account=account_for_channel("crdb"), file="statements/e2e.csv", filename=f"crdb-{tag}.csv",
                format="csv", status=Statement.Status.IMPORTED, uploaded_by=user, period_start=today,
                period_end=today, closing_balance=Decimal("550000"))
            slipped, siblings = [StatementLine.objects.create(
                statement=statement, account=statement.account, line_number=n, date=today, amount=Decimal(amount),
                narrative=text, dedupe_key=f"hash:{tag}:{n}") for n, (amount, text) in enumerate([
                    ("150000", f"SCHOOL FEES {transposed(invoices[2].control_number)} JUMA"),
                    ("400000", f"FEES KWEKA CHILDREN {tag}")], start=1)]
            statement_reconcile(statement=statement, actor=user)
            return {"secret": secret, "slipped": slipped.pk,
                    "siblings": siblings.pk, "numbers": [i.control_number for i in invoices], "tag": tag}

    return {"email": email, **in_database(create)}


def test_bursar_confirms_a_suggestion_and_splits_a_line_between_siblings(page, site, in_database):
    given = bursar_and_statement(in_database)
    sign_in(page, site.school("demo", "/"), given["email"], PASSWORD, totp_secret=given["secret"])

    page.goto(site.school("demo", "/finance/reconciliation/"))
    card = page.locator(f"[data-item='line-{given['slipped']}']")
    expect(card).to_contain_text("Reference with a typing slip")
    expect(card).to_contain_text(given["numbers"][2])
    expect(card).to_contain_text("70%")
    screenshot(page, "finance-reconciliation-suggested")
    card.get_by_role("button", name=re.compile("Confirm")).click()
    card = page.locator(f"[data-item='line-{given['slipped']}']")
    expect(card).to_have_attribute("data-status", "matched")
    expect(card).to_contain_text("Juma Swai")
    expect(card).to_contain_text("RCT-")

    page.goto(site.school("demo", "/finance/reconciliation/?tab=unmatched"))
    card = page.locator(f"[data-item='line-{given['siblings']}']")
    expect(card).to_contain_text(f"FEES KWEKA CHILDREN {given['tag']}")
    card.get_by_text("Split across students").click()
    # the first invoice found while typing the family's admission numbers, the second typed in full
    card.locator("input[name='invoice_1']").press_sequentially(f"REC/{given['tag']}", delay=20)
    matches = card.locator("[data-invoice-pick='invoice_1'] [data-match]")
    expect(matches).to_have_count(3)
    expect(matches.first).to_contain_text("Amani Kweka")
    screenshot(page, "finance-reconciliation-invoice-search")
    matches.filter(has_text="Amani Kweka").click()
    expect(card.locator("input[name='invoice_1']")).to_have_value(given["numbers"][0])
    expect(card.locator("[data-invoice-pick='invoice_1'] [data-picked]")).to_contain_text("Amani Kweka")
    card.locator("input[name='amount_1']").fill("300000")
    card.locator("input[name='invoice_2']").fill(given["numbers"][1])
    card.locator("input[name='amount_2']").fill("100000")
    screenshot(page, "finance-reconciliation-split-form")
    card.get_by_role("button", name=re.compile(r"^Split$")).click()
    card = page.locator(f"[data-item='line-{given['siblings']}']")
    expect(card).to_have_attribute("data-status", "matched")
    expect(card).to_contain_text("Amani Kweka")
    expect(card).to_contain_text("Rehema Kweka")
    screenshot(page, "finance-reconciliation-split-done")
    assert page.js_errors == []

    def payments():
        from django_tenants.utils import schema_context

        from apps.finance.models import Payment

        with schema_context("demo"):
            return sorted((p.student.first_name, p.amount) for p in Payment.objects.filter(
                statement_line_id__in=[given["slipped"], given["siblings"]]).select_related("student"))

    assert in_database(payments) == [("Amani", Decimal("300000.00")), ("Juma", Decimal("150000.00")),
                                     ("Rehema", Decimal("100000.00"))]


def test_bursar_pages_through_a_long_tab(page, site, in_database):
    given = bursar_and_statement(in_database)

    def add_lines():
        from django.utils import timezone
        from django_tenants.utils import schema_context

        from apps.accounts.models import User
        from apps.finance.models import Statement, StatementLine
        from apps.finance.services_payments import account_for_channel

        with schema_context("demo"):
            later = timezone.localdate() + datetime.timedelta(days=1)  # after every other waiting line
            statement = Statement.objects.create(
                account=account_for_channel("crdb"), file="statements/e2e-long.csv", filename=f"long-{given['tag']}.csv",
                format="csv", status=Statement.Status.IMPORTED, uploaded_by=User.objects.get(email=given["email"]),
                period_start=later, period_end=later, closing_balance=Decimal("0"))
            StatementLine.objects.bulk_create([StatementLine(
                statement=statement, account=statement.account, line_number=n, date=later, amount=Decimal("1000"),
                narrative=f"LONG {given['tag']} {n}", dedupe_key=f"hash:long:{given['tag']}:{n}") for n in range(60)])
            return statement.pk

    def remove_lines(pk):
        from django_tenants.utils import schema_context

        from apps.finance.models import Statement

        with schema_context("demo"):
            Statement.objects.filter(pk=pk).delete()

    statement = in_database(add_lines)
    try:
        sign_in(page, site.school("demo", "/"), given["email"], PASSWORD, totp_secret=given["secret"])
        page.goto(site.school("demo", "/finance/reconciliation/?tab=unmatched"))
        pages = page.locator("[data-pages] .pagination")
        expect(pages).to_contain_text(re.compile(r"1 / \d"))
        expect(page.locator("#reconciliation-items [data-item]")).to_have_count(50)
        page.evaluate("window.stillTheSamePage = true")
        pages.get_by_role("link", name="Next").click()
        expect(page).to_have_url(re.compile(r"tab=unmatched&page=2"))
        expect(pages).to_contain_text(re.compile(r"2 / \d"))
        assert page.evaluate("window.stillTheSamePage") is True  # only the list was swapped
        expect(page.locator("[data-account-summary]").first).to_be_visible()
        expect(page.locator("[data-tab='unmatched']")).to_have_attribute("aria-current", "page")
        page.evaluate("window.scrollTo(0, 0)")  # a full-page picture with the header where it belongs
        screenshot(page, "finance-reconciliation-page-2")
        page.locator("[data-tab='matched']").click()
        expect(page).to_have_url(re.compile(r"tab=matched$"))
        expect(page.locator("[data-tab='matched']")).to_have_attribute("aria-current", "page")
        assert page.evaluate("window.stillTheSamePage") is True
        assert page.js_errors == []
    finally:
        in_database(lambda: remove_lines(statement))
