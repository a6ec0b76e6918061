"""The supplier and expense pages: who sees them, entering an expense with a receipt, the approval flow
(buttons only for who may use them, refusals enforced by the views), paying, the receipt download, the
threshold page, bounded queries, and school B seeing none of school A's suppliers or expenses."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.ledger.models import Expense, JournalEntry, LedgerSettings, Supplier
from apps.ledger.services_expenses import expense_create
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.ledger.factories import SupplierFactory, account

PDF = b"%PDF-1.4\n" + b"x" * 100


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"),
                "teacher": UserFactory(role="teacher"), "supplier": SupplierFactory(name="Kariakoo Stationers")}


def _expense(actor, value="900000", **kwargs):
    return expense_create(category=account("5220"), description="Rice and beans", incurred_on=timezone.localdate(),
                          amount=Decimal(value), actor=actor, **kwargs)


@pytest.mark.parametrize("role", ["admin", "accountant"])
def test_pages_for_bookkeepers(client, school_a, cast, role):
    with schema_context(school_a.schema_name):
        expense = _expense(cast["accountant"], "1500", supplier=cast["supplier"])
    console_login(client, school_a, cast[role])

    body = client.get(reverse("ledger:expense-list")).content.decode()
    assert "Rice and beans" in body and "TZS 1,500.00" in body
    assert client.get(reverse("ledger:supplier-list")).status_code == 200
    assert "Kariakoo Stationers" in client.get(reverse("ledger:supplier-list")).content.decode()
    assert client.get(reverse("ledger:expense-new")).status_code == 200
    detail = client.get(reverse("ledger:expense-detail", args=[expense.pk])).content.decode()
    assert "5220" in detail and "2100" in detail  # the lines it posted
    assert client.get(reverse("ledger:supplier-edit", args=[cast["supplier"].pk])).status_code == 200
    settings_status = client.get(reverse("ledger:expense-settings")).status_code
    assert settings_status == (200 if role == "admin" else 403)


def test_teacher_gets_403(client, school_a, cast):
    with schema_context(school_a.schema_name):
        expense = _expense(cast["accountant"], "1500")
    console_login(client, school_a, cast["teacher"])
    for name, args in (("ledger:expense-list", []), ("ledger:supplier-list", []), ("ledger:expense-new", []),
                       ("ledger:expense-detail", [expense.pk])):
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse("ledger:expense-approve", args=[expense.pk])).status_code == 403
    assert client.get(reverse("ledger:expense-receipt", args=[expense.pk])).status_code == 404


def test_supplier_add_and_edit(client, school_a, cast):
    console_login(client, school_a, cast["accountant"])
    response = client.post(reverse("ledger:supplier-list"), {"name": "Mama Ntilie", "phone": "0712 345 678",
                                                               "is_active": "on"})
    assert response.status_code == 302
    duplicate = client.post(reverse("ledger:supplier-list"), {"name": "mama ntilie"})
    assert duplicate.status_code == 400 and "already a supplier" in duplicate.content.decode()
    with schema_context(school_a.schema_name):
        supplier = Supplier.objects.get(name="Mama Ntilie")
        assert supplier.phone == "+255712345678"
    response = client.post(reverse("ledger:supplier-edit", args=[supplier.pk]),
                           {"name": "Mama Ntilie Catering", "phone": "0712 345 678", "tin": "100-200-300"})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        supplier.refresh_from_db()
        assert supplier.name == "Mama Ntilie Catering" and not supplier.is_active


def test_create_with_receipt_then_approve_and_pay(client, school_a, cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    console_login(client, school_a, cast["accountant"])
    with schema_context(school_a.schema_name):
        category, supplier, bank = account("5210").pk, cast["supplier"].pk, account("1121").pk
    response = client.post(reverse("ledger:expense-new"), {
        "category": category, "supplier": supplier, "description": "Exercise books", "incurred_on":
        timezone.localdate().isoformat(), "amount": "600,000", "tax": "108,000", "reference": "INV-9",
        "receipt": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        expense = Expense.objects.get()
        assert expense.status == Expense.Status.PENDING and expense.total == Decimal("708000.00")
        assert expense.receipt.name.endswith(".pdf")
    detail = client.get(response.url).content.decode()
    assert "Approve and post" not in detail  # an accountant cannot approve
    assert client.post(reverse("ledger:expense-approve", args=[expense.pk])).status_code == 400
    receipt = client.get(reverse("ledger:expense-receipt", args=[expense.pk]))
    assert receipt.status_code == 200 and b"".join(receipt.streaming_content) == PDF
    assert receipt["Content-Type"] == "application/pdf"

    console_login(client, school_a, cast["admin"])
    assert "Approve and post" in client.get(response.url).content.decode()
    assert client.post(reverse("ledger:expense-approve", args=[expense.pk])).status_code == 302
    refused = client.post(reverse("ledger:expense-pay", args=[expense.pk]), {"paid_from": account_pk("2100", school_a),
                                                                            "paid_on": timezone.localdate()})
    assert refused.status_code == 400
    paid = client.post(reverse("ledger:expense-pay", args=[expense.pk]),
                       {"paid_from": bank, "paid_on": timezone.localdate().isoformat(), "reference": "CHQ 1"})
    assert paid.status_code == 302
    with schema_context(school_a.schema_name):
        expense.refresh_from_db()
        assert expense.status == Expense.Status.PAID and JournalEntry.objects.count() == 2
    again = client.post(reverse("ledger:expense-pay", args=[expense.pk]),
                        {"paid_from": bank, "paid_on": timezone.localdate().isoformat()})
    assert again.status_code == 400 and "already been paid" in again.content.decode()


def account_pk(code, school):
    with schema_context(school.schema_name):
        return account(code).pk


def test_bad_receipt_gives_a_form_error_and_writes_nothing(client, school_a, cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    console_login(client, school_a, cast["accountant"])
    response = client.post(reverse("ledger:expense-new"), {
        "category": account_pk("5210", school_a), "description": "Books", "incurred_on":
        timezone.localdate().isoformat(), "amount": "1000",
        "receipt": SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>", content_type="application/pdf")})
    assert response.status_code == 400 and "JPEG or PNG photo or a PDF" in response.content.decode()
    with schema_context(school_a.schema_name):
        assert Expense.objects.count() == 0


def test_creator_admin_sees_no_buttons_and_is_refused(client, school_a, cast):
    with schema_context(school_a.schema_name):
        expense = _expense(cast["admin"])
    console_login(client, school_a, cast["admin"])
    detail = client.get(reverse("ledger:expense-detail", args=[expense.pk])).content.decode()
    assert "Approve and post" not in detail and "you entered it" in detail
    response = client.post(reverse("ledger:expense-approve", args=[expense.pk]))
    assert response.status_code == 400 and "maker-checker" in response.content.decode()
    response = client.post(reverse("ledger:expense-reject", args=[expense.pk]), {"reason": "x"})
    assert response.status_code == 400
    with schema_context(school_a.schema_name):
        expense.refresh_from_db()
        assert expense.status == Expense.Status.PENDING and JournalEntry.objects.count() == 0


def test_reject_flow(client, school_a, cast):
    with schema_context(school_a.schema_name):
        expense = _expense(cast["accountant"])
    console_login(client, school_a, cast["admin"])
    assert client.post(reverse("ledger:expense-reject", args=[expense.pk]), {"reason": ""}).status_code == 400
    assert client.post(reverse("ledger:expense-reject", args=[expense.pk]),
                       {"reason": "Too dear"}).status_code == 302
    with schema_context(school_a.schema_name):
        expense.refresh_from_db()
        assert expense.status == Expense.Status.REJECTED and expense.rejected_reason == "Too dear"


def test_threshold_page(client, school_a, cast):
    console_login(client, school_a, cast["admin"])
    assert client.post(reverse("ledger:expense-settings"), {"expense_approval_threshold": "-5"}).status_code == 400
    assert client.post(reverse("ledger:expense-settings"),
                       {"expense_approval_threshold": "1,000,000"}).status_code == 302
    with schema_context(school_a.schema_name):
        assert LedgerSettings.current().expense_approval_threshold == Decimal("1000000.00")
    console_login(client, school_a, cast["accountant"])
    assert client.post(reverse("ledger:expense-settings"), {"expense_approval_threshold": "1"}).status_code == 403


def test_list_filters_and_totals(client, school_a, cast):
    with schema_context(school_a.schema_name):
        _expense(cast["accountant"], "1000", supplier=cast["supplier"])
        _expense(cast["accountant"], "900000")
    console_login(client, school_a, cast["admin"])
    pending = client.get(reverse("ledger:expense-list"), {"status": "pending"}).content.decode()
    assert "TZS 900,000.00" in pending and "TZS 1,000.00" not in pending
    by_supplier = client.get(reverse("ledger:expense-list"), {"supplier": cast["supplier"].pk,
                                                              "month": timezone.localdate().strftime("%Y-%m")})
    assert "TZS 1,000.00" in by_supplier.content.decode()


def test_list_queries_are_bounded(client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        suppliers = [SupplierFactory() for _ in range(5)]
        for index in range(20):
            _expense(cast["accountant"], "1000", supplier=suppliers[index % 5])
    console_login(client, school_a, cast["admin"])
    client.get(reverse("ledger:expense-list"))
    with django_assert_max_num_queries(25):  # constant: 20 rows would add 20+ if a row queried
        assert client.get(reverse("ledger:expense-list")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("ledger:supplier-list")).status_code == 200


def test_school_b_sees_nothing_of_school_a(client, school_a, school_b, cast, admin_b, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context(school_a.schema_name):
        expense = _expense(cast["accountant"], "1000", supplier=cast["supplier"],
                           receipt=SimpleUploadedFile("r.pdf", PDF))
    console_login(client, school_b, admin_b)
    assert "Rice and beans" not in client.get(reverse("ledger:expense-list")).content.decode()
    assert "Kariakoo" not in client.get(reverse("ledger:supplier-list")).content.decode()
    assert client.get(reverse("ledger:expense-detail", args=[expense.pk])).status_code == 404
    assert client.get(reverse("ledger:expense-receipt", args=[expense.pk])).status_code == 404
    assert client.get(reverse("ledger:supplier-edit", args=[cast["supplier"].pk])).status_code == 404
