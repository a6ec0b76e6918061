"""Suppliers and expenses: the approval threshold, maker-checker, rejection, payment, the entries each
step posts, receipts checked by their first bytes and size, closed months, and audit."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.ledger.models import Expense, JournalEntry, JournalLine, LedgerSettings, Supplier
from apps.ledger.services import period_close, period_for
from apps.ledger.services_expenses import (
    MAX_RECEIPT_BYTES, expense_approve, expense_create, expense_pay, expense_reject, ledger_settings_update,
    supplier_create, supplier_update,
)
from tests.factories import UserFactory
from tests.ledger.factories import SupplierFactory, account

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _create(actor, value="100000", tax="0", **kwargs):
    values = {"category": account("5210"), "description": "Chalk and exercise books",
              "incurred_on": timezone.localdate(), "amount": Decimal(value), "tax": Decimal(tax), "actor": actor}
    values.update(kwargs)
    return expense_create(**values)


def _lines(entry):
    return sorted((line.account.code, line.debit, line.credit, line.supplier_id)
                  for line in entry.lines.select_related("account"))


@pytest.fixture
def accountant(in_school_a):
    return UserFactory(role="accountant")


@pytest.fixture
def second_admin(in_school_a):
    return UserFactory(role="school_admin")


@pytest.fixture
def supplier(in_school_a):
    return SupplierFactory(name="Kariakoo Stationers")


def test_supplier_create_normalises_and_refuses_duplicates(in_school_a, admin_a):
    supplier = supplier_create(name=" Mama Ntilie Catering ", phone="0712 345 678", email="Mama@Example.TZ",
                               tin="123-456-789", actor=admin_a)
    assert supplier.name == "Mama Ntilie Catering" and supplier.phone == "+255712345678"
    assert supplier.email == "mama@example.tz"
    with pytest.raises(ValidationError) as error:
        supplier_create(name="MAMA NTILIE catering", actor=admin_a)
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError):
        supplier_create(name="Phone junk", phone="12", actor=admin_a)
    with pytest.raises(ValidationError):
        supplier_create(name="Mail junk", email="not-an-email", actor=admin_a)
    assert Supplier.objects.count() == 1
    assert AuditEvent.objects.filter(action="ledger.supplier_create").count() == 1


def test_supplier_update(in_school_a, admin_a, supplier):
    other = SupplierFactory(name="Other Ltd")
    supplier_update(supplier=supplier, phone="255754000111", is_active=False, actor=admin_a)
    supplier.refresh_from_db()
    assert supplier.phone == "+255754000111" and not supplier.is_active
    with pytest.raises(ValidationError):
        supplier_update(supplier=other, name="kariakoo stationers", actor=admin_a)
    other.refresh_from_db()
    assert other.name == "Other Ltd"
    assert AuditEvent.objects.filter(action="ledger.supplier_update", object_id=str(supplier.pk)).exists()


def test_below_threshold_is_approved_at_once_and_posted(in_school_a, accountant, supplier):
    expense = _create(accountant, "100000", "18000", supplier=supplier, reference="INV-77")

    assert expense.status == Expense.Status.APPROVED and expense.approved_at is not None
    entry = expense.approval_entry
    assert entry.source == JournalEntry.Source.EXPENSE
    assert (entry.source_type, entry.source_id) == ("ledger.expense", expense.pk)
    # tax is part of the cost: the category carries the whole total
    assert _lines(entry) == [("2100", Decimal("0.00"), Decimal("118000.00"), supplier.pk),
                             ("5210", Decimal("118000.00"), Decimal("0.00"), supplier.pk)]
    assert AuditEvent.objects.filter(action="ledger.expense_create", object_id=str(expense.pk)).exists()


def test_at_threshold_is_approved_at_once(in_school_a, accountant):
    threshold = LedgerSettings.current().expense_approval_threshold
    assert _create(accountant, str(threshold)).status == Expense.Status.APPROVED


def test_above_threshold_waits_and_posts_nothing(in_school_a, accountant):
    expense = _create(accountant, "490000", "20000")

    assert expense.status == Expense.Status.PENDING and expense.approval_entry is None
    assert JournalEntry.objects.count() == 0


def test_creator_cannot_approve_their_own(in_school_a, admin_a):
    expense = _create(admin_a, "900000")
    with pytest.raises(ValidationError) as error:
        expense_approve(expense=expense, actor=admin_a)
    assert error.value.code == "own_expense"
    expense.refresh_from_db()
    assert expense.status == Expense.Status.PENDING and JournalEntry.objects.count() == 0


def test_accountant_cannot_approve(in_school_a, admin_a, accountant):
    expense = _create(admin_a, "900000")
    with pytest.raises(ValidationError) as error:
        expense_approve(expense=expense, actor=accountant)
    assert error.value.code == "not_admin"
    with pytest.raises(ValidationError):
        expense_reject(expense=expense, reason="No", actor=accountant)
    expense.refresh_from_db()
    assert expense.status == Expense.Status.PENDING and JournalEntry.objects.count() == 0


def test_another_admin_approves_and_it_is_posted(in_school_a, admin_a, accountant, supplier):
    expense = _create(accountant, "900000", "0", supplier=supplier)

    expense = expense_approve(expense=expense, actor=admin_a)

    assert expense.status == Expense.Status.APPROVED and expense.approved_by == admin_a
    assert _lines(expense.approval_entry) == [("2100", Decimal("0.00"), Decimal("900000.00"), supplier.pk),
                                              ("5210", Decimal("900000.00"), Decimal("0.00"), supplier.pk)]
    assert AuditEvent.objects.filter(action="ledger.expense_approve", object_id=str(expense.pk)).exists()
    with pytest.raises(ValidationError):  # approved once
        expense_approve(expense=expense, actor=admin_a)
    assert JournalEntry.objects.count() == 1


def test_reject_needs_a_reason_and_posts_nothing(in_school_a, admin_a, accountant):
    expense = _create(accountant, "900000")
    with pytest.raises(ValidationError) as error:
        expense_reject(expense=expense, reason="  ", actor=admin_a)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError):
        expense_reject(expense=_create(admin_a, "800000"), reason="Mine", actor=admin_a)  # maker-checker

    expense = expense_reject(expense=expense, reason="Quote is too high", actor=admin_a)

    assert expense.status == Expense.Status.REJECTED and expense.rejected_reason == "Quote is too high"
    assert JournalEntry.objects.count() == 0
    with pytest.raises(ValidationError):
        expense_approve(expense=expense, actor=admin_a)
    with pytest.raises(ValidationError):
        expense_pay(expense=expense, paid_from=account("1121"), paid_on=timezone.localdate(), actor=admin_a)
    assert AuditEvent.objects.filter(action="ledger.expense_reject").count() == 1


def test_pay_posts_payables_to_bank_once(in_school_a, accountant, supplier):
    expense = _create(accountant, "250000", supplier=supplier)

    expense = expense_pay(expense=expense, paid_from=account("1121"), paid_on=timezone.localdate(),
                          reference="CHQ 0042", actor=accountant)

    assert expense.status == Expense.Status.PAID and expense.paid_by == accountant
    entry = expense.payment_entry
    assert entry.source == JournalEntry.Source.EXPENSE and entry.source_id == expense.pk
    assert _lines(entry) == [("1121", Decimal("0.00"), Decimal("250000.00"), supplier.pk),
                             ("2100", Decimal("250000.00"), Decimal("0.00"), supplier.pk)]
    with pytest.raises(ValidationError) as error:
        expense_pay(expense=expense, paid_from=account("1110"), paid_on=timezone.localdate(), actor=accountant)
    assert error.value.code == "already_paid"
    assert JournalEntry.objects.count() == 2
    assert AuditEvent.objects.filter(action="ledger.expense_pay", object_id=str(expense.pk)).count() == 1
    # payables for this supplier are settled
    owed = JournalLine.objects.filter(account__code="2100", supplier=supplier)
    assert sum(line.credit - line.debit for line in owed) == 0


def test_pay_refuses_pending_and_non_cash_accounts(in_school_a, admin_a, accountant):
    pending = _create(accountant, "900000")
    with pytest.raises(ValidationError):
        expense_pay(expense=pending, paid_from=account("1121"), paid_on=timezone.localdate(), actor=admin_a)
    approved = _create(accountant, "1000")
    for code in ("2100", "5210", "1120"):  # a liability, an expense, a group of banks
        with pytest.raises(ValidationError) as error:
            expense_pay(expense=approved, paid_from=account(code), paid_on=timezone.localdate(), actor=admin_a)
        assert "paid_from" in error.value.message_dict
    # a payment dated before the expense itself
    with pytest.raises(ValidationError) as error:
        expense_pay(expense=approved, paid_from=account("1121"), actor=admin_a,
                    paid_on=approved.incurred_on - datetime.timedelta(days=1))
    assert "paid_on" in error.value.message_dict
    approved.refresh_from_db()
    assert approved.status == Expense.Status.APPROVED and approved.payment_entry is None
    expense_pay(expense=approved, paid_from=account("1131"), paid_on=timezone.localdate(), actor=admin_a)


def test_bad_input_writes_nothing(in_school_a, accountant):
    for kwargs in ({"value": "0"}, {"value": "-5"}, {"tax": "-1"}, {"category": account("2100")},
                   {"category": account("5200")}, {"description": " "},
                   {"incurred_on": timezone.localdate() + datetime.timedelta(days=3)}):
        value = kwargs.pop("value", "1000")
        with pytest.raises(ValidationError):
            _create(accountant, value, **kwargs)
    assert Expense.objects.count() == 0 and JournalEntry.objects.count() == 0


def test_receipt_checked_by_its_bytes_and_size(in_school_a, accountant, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    disguised = SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00 an executable", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        _create(accountant, receipt=disguised)
    assert "JPEG or PNG photo or a PDF" in error.value.message_dict["receipt"][0]
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * MAX_RECEIPT_BYTES, content_type="image/png")
    with pytest.raises(ValidationError) as error:
        _create(accountant, receipt=big)
    assert "5 MB" in " ".join(error.value.messages)
    assert Expense.objects.count() == 0 and JournalEntry.objects.count() == 0
    assert not any(tmp_path.rglob("*.*"))

    for content, kind in ((PNG, "png"), (PDF, "pdf"), (JPEG, "jpg")):
        expense = _create(accountant, receipt=SimpleUploadedFile("photo.txt", content))
        assert expense.receipt.name.endswith(f".{kind}") and expense.receipt.name.startswith("expenses/receipts/")
        with expense.receipt.open("rb") as handle:
            assert handle.read() == content


def test_receipt_from_a_plain_file_object(in_school_a, accountant, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    from django.core.files import File

    expense = _create(accountant, receipt=File(io.BytesIO(PDF), name="scan"))
    assert expense.receipt.name.endswith(".pdf")


def test_closed_month_is_refused_with_a_clear_message(in_school_a, admin_a, accountant):
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    pending = _create(accountant, "900000", incurred_on=last_month)
    period_close(period=period_for(last_month), actor=admin_a)

    with pytest.raises(ValidationError) as error:
        _create(accountant, "1000", incurred_on=last_month)
    assert "closed" in " ".join(error.value.messages)
    with pytest.raises(ValidationError) as error:
        expense_approve(expense=pending, actor=admin_a)
    assert "closed" in " ".join(error.value.messages)
    pending.refresh_from_db()
    assert pending.status == Expense.Status.PENDING and pending.approval_entry is None
    assert Expense.objects.count() == 1 and JournalEntry.objects.count() == 0


def test_threshold_setting_is_admin_only_and_audited(in_school_a, admin_a, accountant):
    with pytest.raises(ValidationError):
        ledger_settings_update(expense_approval_threshold="1000", actor=accountant)
    with pytest.raises(ValidationError):
        ledger_settings_update(expense_approval_threshold="-1", actor=admin_a)
    ledger_settings_update(expense_approval_threshold="1000", actor=admin_a)
    assert LedgerSettings.current().expense_approval_threshold == Decimal("1000.00")
    assert _create(accountant, "1000.01").status == Expense.Status.PENDING
    assert AuditEvent.objects.filter(action="ledger.settings_update").count() == 1
