"""/api/v1/invoices/: issue (201), list with filters, one with lines and instalments, void; 400 envelopes for
the services' refusals, 403 for teachers and parents, bounded queries, and school B seeing none of school A's
invoices."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.academics.models import Student
from apps.finance import control_numbers
from apps.finance.models import Invoice
from apps.finance.services import invoice_issue
from apps.ledger.models import JournalEntry
from tests.conftest import tokens_in
from tests.factories import UserFactory
from tests.finance.factories_invoices import fee_setup


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=3)
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"),
                "teacher": UserFactory(role="teacher"), "parent": UserFactory(role="parent"), **setup}


def _call(api_client, school, user, method, url, data=None):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    return getattr(api_client, method)(url, data, format="json", HTTP_HOST=school.primary_host)


def _issue(school, cast, index=0):
    with schema_context(school.schema_name):
        return invoice_issue(student=cast["students"][index], term=cast["term"], actor=cast["admin"])


def test_issue_detail_and_list(api_client, school_a, cast):
    student = cast["students"][0]
    created = _call(api_client, school_a, cast["accountant"], "post", reverse("api:invoice-list"),
                    {"student": student.pk, "term": cast["term"].pk})
    assert created.status_code == 201
    body = created.json()
    assert body["total"] == "550000.00" and body["status"] == "issued" and body["student"] == student.pk
    assert control_numbers.is_valid(body["control_number"]) and body["payer"] == cast["guardians"][0].pk
    assert sorted(line["category_code"] for line in body["lines"]) == ["meals", "tuition"]
    assert [part["amount"] for part in body["installments"]] == ["275000.00", "165000.00", "110000.00"]
    assert body["issue_entry"]

    one = _call(api_client, school_a, cast["admin"], "get", reverse("api:invoice-detail", args=[body["id"]]))
    assert one.status_code == 200 and one.json()["control_number"] == body["control_number"]

    _issue(school_a, cast, 1)
    url = reverse("api:invoice-list")
    listed = _call(api_client, school_a, cast["admin"], "get", url).json()["data"]
    assert len(listed) == 2
    only = _call(api_client, school_a, cast["admin"], "get", url, {"student": student.pk}).json()["data"]
    assert [row["id"] for row in only] == [body["id"]]
    filtered = _call(api_client, school_a, cast["admin"], "get", url, {
        "term": cast["term"].pk, "class": cast["school_class"].pk, "status": "issued"}).json()["data"]
    assert len(filtered) == 2
    assert _call(api_client, school_a, cast["admin"], "get", url, {"status": "void"}).json()["data"] == []
    searched = _call(api_client, school_a, cast["admin"], "get", url, {"search": body["control_number"]})
    assert [row["id"] for row in searched.json()["data"]] == [body["id"]]
    assert _call(api_client, school_a, cast["admin"], "get", url, {"status": "nope"}).status_code == 400
    assert _call(api_client, school_a, cast["admin"], "get", url, {"term": "999999"}).status_code == 400


def test_refusals_are_400_and_write_nothing(api_client, school_a, cast):
    url = reverse("api:invoice-list")
    _issue(school_a, cast, 0)
    with schema_context(school_a.schema_name):
        Student.objects.filter(pk=cast["students"][2].pk).update(status=Student.Status.TRANSFERRED)
        before = (Invoice.objects.count(), JournalEntry.objects.count())
    twice = _call(api_client, school_a, cast["admin"], "post", url,
                  {"student": cast["students"][0].pk, "term": cast["term"].pk})
    assert twice.status_code == 400 and "already has an invoice" in str(twice.json()["error"])
    inactive = _call(api_client, school_a, cast["admin"], "post", url,
                     {"student": cast["students"][2].pk, "term": cast["term"].pk})
    assert inactive.status_code == 400 and "not an active student" in str(inactive.json()["error"])
    shape = _call(api_client, school_a, cast["admin"], "post", url, {"student": 999999})
    assert shape.status_code == 400 and {"student", "term"} <= set(shape.json()["error"]["details"])
    with schema_context(school_a.schema_name):
        assert (Invoice.objects.count(), JournalEntry.objects.count()) == before


def test_void(api_client, school_a, cast):
    invoice = _issue(school_a, cast)
    url = reverse("api:invoice-void", args=[invoice.pk])
    missing = _call(api_client, school_a, cast["accountant"], "post", url, {"reason": ""})
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["details"]
    done = _call(api_client, school_a, cast["accountant"], "post", url, {"reason": "Wrong class"})
    assert done.status_code == 200
    assert done.json()["status"] == "void" and done.json()["void_reason"] == "Wrong class" and done.json()["void_entry"]
    twice = _call(api_client, school_a, cast["accountant"], "post", url, {"reason": "Again"})
    assert twice.status_code == 400
    again = _call(api_client, school_a, cast["accountant"], "post", reverse("api:invoice-list"),
                  {"student": cast["students"][0].pk, "term": cast["term"].pk})
    assert again.status_code == 201 and Decimal(again.json()["total"]) == Decimal("550000")


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403(api_client, school_a, cast, role):
    invoice = _issue(school_a, cast)
    user = cast[role]
    assert _call(api_client, school_a, user, "get", reverse("api:invoice-list")).status_code == 403
    assert _call(api_client, school_a, user, "post", reverse("api:invoice-list"),
                 {"student": cast["students"][1].pk, "term": cast["term"].pk}).status_code == 403
    assert _call(api_client, school_a, user, "get", reverse("api:invoice-detail", args=[invoice.pk])).status_code \
        == 403
    assert _call(api_client, school_a, user, "post", reverse("api:invoice-void", args=[invoice.pk]),
                 {"reason": "x"}).status_code == 403
    with schema_context(school_a.schema_name):
        assert Invoice.objects.count() == 1 and Invoice.objects.get().status == Invoice.Status.ISSUED


def test_list_queries_bounded(api_client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        extra = fee_setup(actor=cast["admin"], level=2, students=8, term=cast["term"])
        for student in [*cast["students"], *extra["students"]]:
            invoice_issue(student=student, term=cast["term"], actor=cast["admin"])
    tokens = tokens_in(school_a, cast["admin"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    with django_assert_max_num_queries(20):
        response = api_client.get(reverse("api:invoice-list"), HTTP_HOST=school_a.primary_host)
    assert response.status_code == 200 and len(response.json()["data"]) == 11


def test_school_b_sees_none(api_client, school_a, school_b, cast, admin_b):
    invoice = _issue(school_a, cast)
    assert _call(api_client, school_b, admin_b, "get", reverse("api:invoice-list")).json()["data"] == []
    assert _call(api_client, school_b, admin_b, "get", reverse("api:invoice-detail", args=[invoice.pk])).status_code \
        == 404
    assert _call(api_client, school_b, admin_b, "post", reverse("api:invoice-void", args=[invoice.pk]),
                 {"reason": "x"}).status_code == 404
    with schema_context(school_a.schema_name):
        assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.ISSUED
