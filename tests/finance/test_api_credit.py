"""/api/v1/credit-notes/: a credit note (201, posted), a write-off request and its decision by another school
admin (403 for the requester or an accountant, 409 when decided twice), 400 envelopes for refusals that
write nothing, 403 for teachers and parents, bounded queries, and school B seeing none of school A's rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance.models import CreditNote, Invoice
from apps.finance.services import invoice_issue
from apps.finance.services_credit import credit_note_issue, write_off_request
from tests.conftest import tokens_in
from tests.factories import UserFactory
from tests.finance.factories_invoices import category, fee_setup


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=2)
        invoice = invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a,
                                issued_on=datetime.date(2026, 1, 12))
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"), "teacher": UserFactory(role="teacher"),
                "parent": UserFactory(role="parent"), "invoice": invoice, "meals": category("meals"), **setup}


def _call(api_client, school, user, method, url, data=None):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    return getattr(api_client, method)(url, data, format="json", HTTP_HOST=school.primary_host)


def test_credit_note_is_posted_and_listed(api_client, school_a, cast):
    invoice = cast["invoice"]
    created = _call(api_client, school_a, cast["accountant"], "post", reverse("api:credit-note-list"), {
        "kind": "credit_note", "invoice": invoice.pk, "amount": "150000.00", "category": cast["meals"].pk,
        "reason": "Day scholar"})
    assert created.status_code == 201
    body = created.json()
    assert body["number"].startswith("CN-") and body["status"] == "approved" and body["entry"]
    assert body["amount"] == "150000.00" and body["student"] == invoice.student_id
    listed = _call(api_client, school_a, cast["admin"], "get", reverse("api:credit-note-list"), {"kind": "credit_note"})
    assert [row["id"] for row in listed.json()["data"]] == [body["id"]]
    one = _call(api_client, school_a, cast["admin"], "get", reverse("api:credit-note-detail", args=[body["id"]]))
    assert one.status_code == 200 and one.json()["reason"] == "Day scholar"
    with schema_context(school_a.schema_name):
        assert Invoice.objects.get(pk=invoice.pk).credited == Decimal("150000.00")


def test_refusals_are_400_envelopes_and_write_nothing(api_client, school_a, cast):
    url = reverse("api:credit-note-list")
    too_much = _call(api_client, school_a, cast["accountant"], "post", url, {
        "invoice": cast["invoice"].pk, "amount": "550000.01", "reason": "x"})
    assert too_much.status_code == 400 and too_much.json()["error"]["details"].get("amount")
    no_reason = _call(api_client, school_a, cast["accountant"], "post", url, {
        "invoice": cast["invoice"].pk, "amount": "10", "reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["details"]
    bad_kind = _call(api_client, school_a, cast["accountant"], "post", url, {
        "kind": "gift", "invoice": cast["invoice"].pk, "amount": "10", "reason": "x"})
    assert bad_kind.status_code == 400
    with schema_context(school_a.schema_name):
        assert not CreditNote.objects.exists()


def test_write_off_maker_checker(api_client, school_a, cast):
    invoice = cast["invoice"]
    created = _call(api_client, school_a, cast["admin"], "post", reverse("api:credit-note-list"), {
        "kind": "write_off", "invoice": invoice.pk, "amount": "110000", "reason": "Family moved away"})
    assert created.status_code == 201 and created.json()["status"] == "pending" and created.json()["entry"] is None
    url = reverse("api:credit-note-decide", args=[created.json()["id"]])
    own = _call(api_client, school_a, cast["admin"], "post", url, {"approve": True})
    assert own.status_code == 403 and own.json()["error"]["code"] == "maker_checker"
    assert _call(api_client, school_a, cast["accountant"], "post", url, {"approve": True}).status_code == 403
    with schema_context(school_a.schema_name):
        other_admin = UserFactory(role="school_admin")
    approved = _call(api_client, school_a, other_admin, "post", url, {"approve": True, "note": "Board agreed"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved" and approved.json()["entry"]
    again = _call(api_client, school_a, other_admin, "post", url, {"approve": False, "note": "no"})
    assert again.status_code == 409
    with schema_context(school_a.schema_name):
        assert Invoice.objects.get(pk=invoice.pk).credited == Decimal("110000.00")


def test_reject_needs_a_note(api_client, school_a, cast):
    with schema_context(school_a.schema_name):
        note = write_off_request(invoice=cast["invoice"], amount="1000", reason="Debt", actor=cast["accountant"])
    url = reverse("api:credit-note-decide", args=[note.pk])
    assert _call(api_client, school_a, cast["admin"], "post", url, {"approve": False}).status_code == 400
    rejected = _call(api_client, school_a, cast["admin"], "post", url, {"approve": False, "note": "Will pay"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403(api_client, school_a, cast, role):
    with schema_context(school_a.schema_name):
        note = write_off_request(invoice=cast["invoice"], amount="1000", reason="Debt", actor=cast["accountant"])
    assert _call(api_client, school_a, cast[role], "get", reverse("api:credit-note-list")).status_code == 403
    assert _call(api_client, school_a, cast[role], "post", reverse("api:credit-note-list"), {
        "invoice": cast["invoice"].pk, "amount": "10", "reason": "x"}).status_code == 403
    assert _call(api_client, school_a, cast[role], "post", reverse("api:credit-note-decide", args=[note.pk]),
                 {"approve": True}).status_code == 403
    with schema_context(school_a.schema_name):
        assert CreditNote.objects.get().status == "pending"


def test_list_queries_bounded(api_client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for n in range(5):
            credit_note_issue(invoice=cast["invoice"], amount="1000", reason=f"E{n}", actor=cast["admin"])
            write_off_request(invoice=cast["invoice"], amount="1000", reason=f"D{n}", actor=cast["accountant"])
    tokens = tokens_in(school_a, cast["admin"])
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    with django_assert_max_num_queries(20):
        response = api_client.get(reverse("api:credit-note-list"), HTTP_HOST=school_a.primary_host)
    rows = response.json()["data"]
    assert len(rows) == 10 and [row["status"] for row in rows[:5]] == ["pending"] * 5


def test_school_b_sees_none(api_client, school_a, school_b, cast, admin_b):
    with schema_context(school_a.schema_name):
        note = write_off_request(invoice=cast["invoice"], amount="1000", reason="Debt", actor=cast["accountant"])
    assert _call(api_client, school_b, admin_b, "get", reverse("api:credit-note-list")).json()["data"] == []
    assert _call(api_client, school_b, admin_b, "get",
                 reverse("api:credit-note-detail", args=[note.pk])).status_code == 404
    assert _call(api_client, school_b, admin_b, "post", reverse("api:credit-note-decide", args=[note.pk]),
                 {"approve": True}).status_code == 404
    with schema_context(school_a.schema_name):
        assert CreditNote.objects.get().status == "pending"
