"""/api/v1/statements/: upload (multipart; preview or confirm at once), list, one with counts and rejected
lines, confirm (good lines only when accepted), lines with a status filter; 400 envelopes for malformed
files and unknown columns writing nothing, 403 for teachers and parents, bounded queries, school B isolated."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance import services_statements as services
from apps.finance.models import Statement, StatementLine
from apps.ledger.models import Account
from tests.conftest import tokens_in
from tests.factories import UserFactory

FILES = Path(__file__).parent / "files"


def upload(name, data=None):
    return SimpleUploadedFile(name, data if data is not None else (FILES / name).read_bytes())


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"),
                "teacher": UserFactory(role="teacher"), "parent": UserFactory(role="parent"),
                "crdb": Account.objects.get(code="1121"), "receivables": Account.objects.get(code="1200")}


def _call(api_client, school, user, method, url, data=None, fmt="json"):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_in(school, user)['access']}")
    return getattr(api_client, method)(url, data, format=fmt, HTTP_HOST=school.primary_host)


def _upload(api_client, school, user, account, name, **extra):
    return _call(api_client, school, user, "post", reverse("api:statement-list"),
                 {"account": account.pk, "file": upload(name), **extra}, fmt="multipart")


def test_upload_preview_confirm_and_lines(api_client, school_a, cast):
    created = _upload(api_client, school_a, cast["accountant"], cast["crdb"], "crdb_two_bad_lines.csv")
    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "preview" and body["format"] == "csv" and body["line_count"] == 3
    assert body["rejected_count"] == 2 and body["rejected"][0] == {
        "line": 3, "reason": "“31/13/2026” is not a date", "text": "31/13/2026,FEES BAD DATE,FT1002,,100,000.00,250,000.00"}
    confirm = reverse("api:statement-confirm", args=[body["id"]])
    refused = _call(api_client, school_a, cast["accountant"], "post", confirm, {})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid"
    assert "accept_rejected" in refused.json()["error"]["details"]
    done = _call(api_client, school_a, cast["accountant"], "post", confirm, {"accept_rejected": True})
    assert done.status_code == 200 and done.json()["status"] == "imported"
    lines = _call(api_client, school_a, cast["accountant"], "get", reverse("api:statement-lines", args=[body["id"]]))
    assert lines.status_code == 200
    assert [row["line_number"] for row in lines.json()["data"]] == [2, 4, 6]
    assert lines.json()["data"][0]["amount"] == "150000.00"
    filtered = _call(api_client, school_a, cast["accountant"], "get",
                     reverse("api:statement-lines", args=[body["id"]]) + "?status=matched")
    assert filtered.status_code == 200
    bad = _call(api_client, school_a, cast["accountant"], "get",
                reverse("api:statement-lines", args=[body["id"]]) + "?status=nope")
    assert bad.status_code == 400
    listed = _call(api_client, school_a, cast["admin"], "get", reverse("api:statement-list"))
    assert [row["id"] for row in listed.json()["data"]] == [body["id"]]
    detail = _call(api_client, school_a, cast["admin"], "get", reverse("api:statement-detail", args=[body["id"]]))
    assert detail.json()["rejected_count"] == 2


def test_confirm_at_once_and_reimport_adds_nothing(api_client, school_a, cast):
    first = _upload(api_client, school_a, cast["admin"], cast["crdb"], "statement.mt940", confirm=True)
    assert first.status_code == 201 and first.json()["status"] == "imported"
    again = _upload(api_client, school_a, cast["admin"], cast["crdb"], "statement.mt940", confirm=True)
    assert again.json()["duplicate_count"] == 3
    with schema_context(school_a.schema_name):
        assert StatementLine.objects.count() == 3


def test_refusals_write_nothing(api_client, school_a, cast):
    malformed = _upload(api_client, school_a, cast["admin"], cast["crdb"], "malformed.csv")
    assert malformed.status_code == 400
    assert malformed.json()["error"]["details"]["file"] == ["Line 2: “not a date” is not a date."]
    unknown = _call(api_client, school_a, cast["admin"], "post", reverse("api:statement-list"), {
        "account": cast["crdb"].pk, "file": upload("odd.csv", b"When;What;In\n2026-02-01;X;1\n")}, fmt="multipart")
    assert unknown.status_code == 400 and unknown.json()["error"]["details"]["headers"] == ["When", "What", "In"]
    wrong_account = _upload(api_client, school_a, cast["admin"], cast["receivables"], "crdb_statement.csv")
    assert wrong_account.status_code == 400
    not_accepted = _upload(api_client, school_a, cast["admin"], cast["crdb"], "crdb_two_bad_lines.csv", confirm=True)
    assert not_accepted.status_code == 400
    with schema_context(school_a.schema_name):
        assert Statement.objects.count() == 0 and StatementLine.objects.count() == 0


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403(api_client, school_a, cast, role):
    with schema_context(school_a.schema_name):
        statement = services.statement_upload(account=cast["crdb"], file=upload("crdb_statement.csv"),
                                              actor=cast["admin"])
    assert _call(api_client, school_a, cast[role], "get", reverse("api:statement-list")).status_code == 403
    assert _upload(api_client, school_a, cast[role], cast["crdb"], "crdb_statement.csv").status_code == 403
    assert _call(api_client, school_a, cast[role], "post", reverse("api:statement-confirm", args=[statement.pk]),
                 {}).status_code == 403
    with schema_context(school_a.schema_name):
        assert Statement.objects.get().status == Statement.Status.PREVIEW


def test_list_queries_are_bounded(api_client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for _ in range(3):
            services.statement_upload(account=cast["crdb"], file=upload("crdb_statement.csv"), actor=cast["admin"])
    with django_assert_max_num_queries(20):
        assert _call(api_client, school_a, cast["admin"], "get", reverse("api:statement-list")).status_code == 200


def test_school_b_sees_none_of_school_a(api_client, school_a, school_b, cast):
    with schema_context(school_a.schema_name):
        statement = services.statement_upload(account=cast["crdb"], file=upload("crdb_statement.csv"),
                                              actor=cast["admin"])
    with schema_context(school_b.schema_name):
        from django.contrib.auth import get_user_model
        admin_b = get_user_model().objects.filter(role="school_admin").first()
    assert _call(api_client, school_b, admin_b, "get", reverse("api:statement-list")).json()["data"] == []
    assert _call(api_client, school_b, admin_b, "get",
                 reverse("api:statement-detail", args=[statement.pk])).status_code == 404
