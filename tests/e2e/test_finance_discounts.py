"""Discounts in a real browser: a school admin adds a sibling discount in the fee setup, issues a class's
invoices through the background job (two sisters of one mother in the class), and sees the younger sister's
invoice carry the discount line and the lower total."""

import datetime
import re
import uuid
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import authenticator_secret, fresh_term_and_stream, screenshot, sign_in

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-admin-password-here"


def admin_and_family(in_database) -> dict:
    from django_tenants.utils import schema_context

    from apps.academics.models import Guardian, Student, StudentGuardian
    from apps.accounts.services import user_create
    from apps.finance.models import FeeCategory
    from apps.finance.services import InstallmentSpec, ItemSpec, fee_structure_save

    tag = uuid.uuid4().hex[:6]
    email = f"head-{tag}@demo.school"

    def create():
        with schema_context("demo"):
            user = user_create(email=email, password=PASSWORD, role="school_admin", first_name="Zawadi",
                               last_name="Lyimo")
            secret = authenticator_secret(user)
            term, stream = fresh_term_and_stream(year_name=f"Disc {tag}", class_name=f"Form D{tag}",
                                                 starts_on=datetime.date(2028, 1, 10),
                                                 term_ends_on=datetime.date(2028, 4, 7),
                                                 year_ends_on=datetime.date(2028, 12, 1))
            school_class = stream.school_class
            mother = Guardian.objects.create(user=user_create(email=f"mama-{tag}@demo.school", password=PASSWORD,
                                                              role="parent", first_name="Mama", last_name="Temba"))
            for i, (first, born) in enumerate([("Elder", 2012), ("Younger", 2014)]):
                pupil = Student.objects.create(admission_number=f"DSC/{tag}/{i}", first_name=first,
                                               last_name=f"Temba{tag}", sex="F", stream=stream,
                                               date_of_birth=datetime.date(born, 2, 1))
                StudentGuardian.objects.create(student=pupil, guardian=mother, relationship="mother", is_primary=True)
            fee_structure_save(term=term, school_class=school_class, actor=user,
                               items=[ItemSpec(FeeCategory.objects.get(code="tuition"), Decimal("400000")),
                                      ItemSpec(FeeCategory.objects.get(code="meals"), Decimal("150000"))],
                               installments=[InstallmentSpec(Decimal("100"), datetime.date(2028, 1, 31))])
            return {"secret": secret, "term_name": str(term),
                    "class_name": school_class.name, "family": f"Temba{tag}", "tag": tag}

    return {"email": email, **in_database(create)}


def test_admin_adds_a_sibling_discount_and_sees_it_on_the_younger_sisters_invoice(page, site, in_database, worker):
    given = admin_and_family(in_database)
    sign_in(page, site.school("demo", "/"), given["email"], PASSWORD, totp_secret=given["secret"])

    page.goto(site.school("demo", "/finance/fees/"))
    with page.expect_navigation():
        page.get_by_test_id("fee-setup-tabs").get_by_role("link", name="Discounts").click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Add a discount")).click()
    page.get_by_label("Name").fill(f"Sibling 10% {given['tag']}")
    page.get_by_label("Kind").select_option(label="Sibling discount")
    page.get_by_label("Type").select_option(label="Percentage")
    page.get_by_label("Value").fill("10")
    page.get_by_label("From the child number").fill("2")
    page.get_by_label("Tuition").check()
    page.get_by_label("Starts on").fill("2020-01-01")  # in force on the day the invoices are issued
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator("#discounts")).to_contain_text(f"Sibling 10% {given['tag']}")
    screenshot(page, "finance-discount-list")

    page.goto(site.school("demo", "/finance/invoices/"))
    page.get_by_text("Issue invoices").click()
    page.get_by_label("Term").first.select_option(label=given["term_name"])
    page.get_by_label("Class").first.select_option(label=given["class_name"])
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"\bIssue$")).click()
    expect(page.get_by_test_id("job-status")).to_have_text("Succeeded", timeout=120_000)
    expect(page.get_by_test_id("job-result")).to_contain_text("2 invoices issued")
    screenshot(page, "finance-discount-job")
    with page.expect_navigation():
        page.get_by_test_id("invoices-link").click()
    with page.expect_navigation():
        page.get_by_role("row", name=re.compile(f"Younger {given['family']}")).get_by_role("link").first.click()
    discount = page.locator("[data-line-kind=discount]")
    expect(discount).to_contain_text(f"Sibling 10% {given['tag']} (Tuition)")
    expect(discount).to_contain_text("-40,000.00")
    expect(page.get_by_text("510,000.00").first).to_be_visible()
    expect(page.locator("[data-student-reference]")).to_have_text(re.compile(r"\d{12}"))
    screenshot(page, "finance-discount-invoice")
    assert page.js_errors == []
