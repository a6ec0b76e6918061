"""/api/v1/suppliers/ and /api/v1/expenses/: CRUD, the approve / reject / pay actions, error envelopes (400
bad input, 403 maker-checker and other roles, 409 wrong state), bounded queries, and school B seeing none of
school A's suppliers or expenses."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.ledger.models import Expense, JournalEntry, Supplier
from apps.ledger.services_expenses import expense_create
from tests.conftest import tokens_in
from tests.factories import UserFactory
from tests.ledger.factories import SupplierFactory, account

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"),
                "teacher": UserFactory(role="teacher"), "supplier": SupplierFactory(name="Kariakoo Stationers"),
                "food": account("5220").pk, "bank": account("1121").pk, "payables": account("2100").pk}


def _call(api_client, school, user, method, url, data=None, format="json"):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    return getattr(api_client, method)(url, data, format=format, HTTP_HOST=school.primary_host)


def _expense(school, actor, value="900000", **kwargs):
    with schema_context(school.schema_name):
        return expense_create(category=account("5220"), description="Rice and beans",
                              incurred_on=timezone.localdate(), amount=Decimal(value), actor=actor, **kwargs)


def test_suppliers_crud(api_client, school_a, cast):
    user = cast["accountant"]
    created = _call(api_client, school_a, user, "post", reverse("api:supplier-list"),
                    {"name": "Mama Ntilie", "phone": "0712 345 678", "email": "mama@example.tz"})
    assert created.status_code == 201 and created.json()["phone"] == "+255712345678"
    duplicate = _call(api_client, school_a, user, "post", reverse("api:supplier-list"), {"name": "MAMA NTILIE"})
    assert duplicate.status_code == 400
    assert duplicate.json()["error"]["code"] == "invalid" and "name" in duplicate.json()["error"]["details"]
    listed = _call(api_client, school_a, user, "get", reverse("api:supplier-list"), {"search": "mama"}).json()
    assert [row["name"] for row in listed["data"]] == ["Mama Ntilie"]
    pk = created.json()["id"]
    changed = _call(api_client, school_a, user, "patch", reverse("api:supplier-detail", args=[pk]),
                    {"tin": "100-200-300", "is_active": False})
    assert changed.status_code == 200 and changed.json()["tin"] == "100-200-300" and not changed.json()["is_active"]
    bad = _call(api_client, school_a, user, "patch", reverse("api:supplier-detail", args=[pk]), {"phone": "12"})
    assert bad.status_code == 400 and "phone" in bad.json()["error"]["details"]
    assert _call(api_client, school_a, user, "get", reverse("api:supplier-detail", args=[pk])).json()["tin"] \
        == "100-200-300"


def test_create_below_threshold_with_receipt(api_client, school_a, cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    response = _call(api_client, school_a, cast["accountant"], "post", reverse("api:expense-list"), {
        "category": cast["food"], "supplier": cast["supplier"].pk, "description": "Maize flour",
        "incurred_on": timezone.localdate().isoformat(), "amount": "100000.00", "tax": "18000.00",
        "reference": "INV-1", "receipt": SimpleUploadedFile("photo.png", PNG, content_type="image/png")},
        format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "approved" and body["total"] == "118000.00" and body["has_receipt"]
    assert sorted((line["account_code"], line["debit"], line["credit"]) for line in body["lines"]) == [
        ("2100", "0.00", "118000.00"), ("5220", "118000.00", "0.00")]


def test_create_bad_input_is_a_400_envelope(api_client, school_a, cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    url = reverse("api:expense-list")
    base = {"category": cast["food"], "description": "Maize", "incurred_on": timezone.localdate().isoformat(),
            "amount": "1000.00"}
    for changes in ({"amount": "0"}, {"category": cast["payables"]}, {"description": ""},
                    {"receipt": SimpleUploadedFile("x.png", b"GIF89a not allowed", content_type="image/png")}):
        response = _call(api_client, school_a, cast["accountant"], "post", url, {**base, **changes},
                         format="multipart")
        assert response.status_code == 400, changes
        assert set(response.json()["error"]) == {"code", "message", "details"}
    with schema_context(school_a.schema_name):
        assert Expense.objects.count() == 0


def test_approve_reject_pay(api_client, school_a, cast):
    pending = _expense(school_a, cast["accountant"])
    url = reverse("api:expense-approve", args=[pending.pk])

    by_accountant = _call(api_client, school_a, cast["accountant"], "post", url)
    assert by_accountant.status_code == 403 and by_accountant.json()["error"]["code"] == "not_admin"
    own = _expense(school_a, cast["admin"])
    by_maker = _call(api_client, school_a, cast["admin"], "post", reverse("api:expense-approve", args=[own.pk]))
    assert by_maker.status_code == 403 and by_maker.json()["error"]["code"] == "maker_checker"

    approved = _call(api_client, school_a, cast["admin"], "post", url)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert _call(api_client, school_a, cast["admin"], "post", url).status_code == 409

    pay_url = reverse("api:expense-pay", args=[pending.pk])
    bad = _call(api_client, school_a, cast["accountant"], "post", pay_url,
                {"paid_from": cast["payables"], "paid_on": timezone.localdate().isoformat()})
    assert bad.status_code == 400 and "paid_from" in bad.json()["error"]["details"]
    paid = _call(api_client, school_a, cast["accountant"], "post", pay_url,
                 {"paid_from": cast["bank"], "paid_on": timezone.localdate().isoformat(), "reference": "TRX9"})
    assert paid.status_code == 200 and paid.json()["status"] == "paid" and len(paid.json()["lines"]) == 4
    twice = _call(api_client, school_a, cast["accountant"], "post", pay_url,
                  {"paid_from": cast["bank"], "paid_on": timezone.localdate().isoformat()})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "already_paid"

    other = _expense(school_a, cast["accountant"])
    reject_url = reverse("api:expense-reject", args=[other.pk])
    assert _call(api_client, school_a, cast["admin"], "post", reject_url, {}).status_code == 400
    rejected = _call(api_client, school_a, cast["admin"], "post", reject_url, {"reason": "Too dear"})
    assert rejected.status_code == 200 and rejected.json()["rejected_reason"] == "Too dear"
    with schema_context(school_a.schema_name):
        assert JournalEntry.objects.count() == 2


def test_list_filters_and_detail(api_client, school_a, cast):
    _expense(school_a, cast["accountant"], "1000", supplier=cast["supplier"])
    pending = _expense(school_a, cast["accountant"])
    url = reverse("api:expense-list")
    user = cast["accountant"]
    assert _call(api_client, school_a, user, "get", url).json()["meta"]["count"] == 2
    assert [row["id"] for row in _call(api_client, school_a, user, "get", url, {"status": "pending"}).json()["data"]] \
        == [pending.pk]
    by_supplier = _call(api_client, school_a, user, "get", url, {"supplier": cast["supplier"].pk,
                                                                  "month": timezone.localdate().strftime("%Y-%m"),
                                                                  "category": cast["food"]}).json()
    assert by_supplier["meta"]["count"] == 1
    assert _call(api_client, school_a, user, "get", url, {"month": "March"}).status_code == 400
    assert _call(api_client, school_a, user, "get", url, {"status": "lost"}).status_code == 400
    detail = _call(api_client, school_a, user, "get", reverse("api:expense-detail", args=[pending.pk])).json()
    assert detail["status"] == "pending" and detail["lines"] == []


def test_teacher_gets_403(api_client, school_a, cast):
    expense = _expense(school_a, cast["accountant"])
    teacher = cast["teacher"]
    for method, url in (("get", reverse("api:supplier-list")), ("get", reverse("api:expense-list")),
                        ("get", reverse("api:expense-detail", args=[expense.pk])),
                        ("post", reverse("api:expense-approve", args=[expense.pk])),
                        ("post", reverse("api:supplier-list"))):
        response = _call(api_client, school_a, teacher, method, url, {"name": "X"} if method == "post" else None)
        assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    with schema_context(school_a.schema_name):
        assert Supplier.objects.count() == 1 and Expense.objects.get().status == Expense.Status.PENDING


def test_list_queries_are_bounded(api_client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        suppliers = [SupplierFactory() for _ in range(5)]
    for index in range(20):
        _expense(school_a, cast["accountant"], "1000", supplier=suppliers[index % 5])
    _call(api_client, school_a, cast["admin"], "get", reverse("api:expense-list"))
    with django_assert_max_num_queries(12):
        assert len(_call(api_client, school_a, cast["admin"], "get", reverse("api:expense-list")).json()["data"]) == 20
    with django_assert_max_num_queries(12):
        assert _call(api_client, school_a, cast["admin"], "get", reverse("api:supplier-list")).status_code == 200


def test_school_b_sees_nothing_of_school_a(api_client, school_a, school_b, cast, admin_b):
    expense = _expense(school_a, cast["accountant"])
    assert _call(api_client, school_b, admin_b, "get", reverse("api:expense-list")).json()["data"] == []
    assert _call(api_client, school_b, admin_b, "get", reverse("api:supplier-list")).json()["data"] == []
    assert _call(api_client, school_b, admin_b, "get", reverse("api:expense-detail", args=[expense.pk])).status_code \
        == 404
    assert _call(api_client, school_b, admin_b, "post", reverse("api:expense-approve", args=[expense.pk])) \
        .status_code == 404
    assert _call(api_client, school_b, admin_b, "get", reverse("api:supplier-detail", args=[cast["supplier"].pk])) \
        .status_code == 404
