"""The statement pages: who sees them, uploading a file (preview with duplicates and rejected lines),
confirming (the good lines only after saying so), discarding, the inline column mapping for an unknown CSV
and editing a mapping, bounded queries, and school B seeing none of school A's statements."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.finance import services_statements as services
from apps.finance.models import Statement, StatementLine, StatementMapping
from apps.ledger.models import Account
from tests.conftest import console_login
from tests.factories import UserFactory

FILES = Path(__file__).parent / "files"


def upload(name, data=None):
    return SimpleUploadedFile(name, data if data is not None else (FILES / name).read_bytes())


@pytest.fixture
def cast(school_a, admin_a):
    with schema_context(school_a.schema_name):
        return {"admin": admin_a, "accountant": UserFactory(role="accountant"),
                "teacher": UserFactory(role="teacher"), "parent": UserFactory(role="parent"),
                "crdb": Account.objects.get(code="1121")}


def _statement(school, cast, name="crdb_statement.csv"):
    with schema_context(school.schema_name):
        return services.statement_upload(account=cast["crdb"], file=upload(name), actor=cast["admin"])


@pytest.mark.parametrize("role", ["admin", "accountant"])
def test_upload_preview_and_confirm(client, school_a, cast, role):
    console_login(client, school_a, cast[role])
    assert client.get(reverse("finance:statement-upload")).status_code == 200
    response = client.post(reverse("finance:statement-upload"), {
        "account": cast["crdb"].pk, "file": upload("crdb_statement.csv")})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        statement = Statement.objects.get()
    body = client.get(response["Location"]).content.decode()
    assert "FT2601051234" in body and "Confirm the import" in body and "+255754100200" in body
    response = client.post(reverse("finance:statement-confirm", args=[statement.pk]))
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "Imported" in body and reverse("finance:reconciliation") in body and "BANK CHARGES JAN" in body
    assert "crdb_statement.csv" in client.get(reverse("finance:statement-list")).content.decode()
    with schema_context(school_a.schema_name):
        assert StatementLine.objects.count() == 4


def test_bad_lines_shown_and_good_lines_only_after_saying_so(client, school_a, cast):
    statement = _statement(school_a, cast, "crdb_two_bad_lines.csv")
    console_login(client, school_a, cast["accountant"])
    body = client.get(reverse("finance:statement-detail", args=[statement.pk])).content.decode()
    assert "2 lines could not be read" in body and "“abc” is not an amount" in body
    assert "Confirm importing good lines only" in body
    response = client.post(reverse("finance:statement-confirm", args=[statement.pk]))
    assert response.status_code == 400 and "confirm importing the good lines only" in response.content.decode()
    with schema_context(school_a.schema_name):
        assert StatementLine.objects.count() == 0
    assert client.post(reverse("finance:statement-confirm", args=[statement.pk]),
                       {"accept_rejected": "on"}).status_code == 302
    with schema_context(school_a.schema_name):
        assert StatementLine.objects.count() == 3


def test_malformed_upload_shows_line_and_reason(client, school_a, cast):
    console_login(client, school_a, cast["admin"])
    response = client.post(reverse("finance:statement-upload"), {"account": cast["crdb"].pk,
                                                                 "file": upload("malformed.csv")})
    assert response.status_code == 400 and "Line 2: “not a date” is not a date." in response.content.decode()
    with schema_context(school_a.schema_name):
        assert Statement.objects.count() == 0


def test_unknown_columns_are_picked_and_saved(client, school_a, cast):
    console_login(client, school_a, cast["admin"])
    data = b"When;What;In\n2026-02-01;FEES A;1,000\n"
    response = client.post(reverse("finance:statement-upload"), {"account": cast["crdb"].pk,
                                                                 "file": upload("odd.csv", data)})
    body = response.content.decode()
    assert response.status_code == 200 and "data-mapping-form" in body and "When" in body
    held = body.split('name="held" value="')[1].split('"')[0]
    form = {"held": held, "filename": "odd.csv", "account": cast["crdb"].pk, "header": ["When", "What", "In"],
            "name": "Odd bank", "date_format": "%Y-%m-%d", "skip_rows": 0, "date": "When", "narrative": "What"}
    response = client.post(reverse("finance:statement-upload"), form)
    assert response.status_code == 400 and "Choose the amount column" in response.content.decode()
    response = client.post(reverse("finance:statement-upload"), {**form, "amount": "In"})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        mapping = StatementMapping.objects.get()
        assert Statement.objects.get().mapping == mapping and mapping.columns["amount"] == "In"
    assert "Odd bank" in client.get(reverse("finance:mapping-list")).content.decode()
    edit = reverse("finance:mapping-edit", args=[mapping.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"name": "Odd bank CSV", "date_format": "%Y-%m-%d", "skip_rows": 0,
                              "date": "When", "credit": "In"}).status_code == 302
    with schema_context(school_a.schema_name):
        assert StatementMapping.objects.get().columns == {"date": "When", "credit": "In"}


def test_discard(client, school_a, cast):
    statement = _statement(school_a, cast)
    console_login(client, school_a, cast["admin"])
    assert client.post(reverse("finance:statement-discard", args=[statement.pk])).status_code == 302
    with schema_context(school_a.schema_name):
        assert Statement.objects.get().status == Statement.Status.DISCARDED


@pytest.mark.parametrize("role", ["teacher", "parent"])
def test_others_get_403(client, school_a, cast, role):
    statement = _statement(school_a, cast)
    console_login(client, school_a, cast[role])
    for name in ("finance:statement-list", "finance:statement-upload", "finance:mapping-list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("finance:statement-detail", args=[statement.pk])).status_code == 403
    assert client.post(reverse("finance:statement-confirm", args=[statement.pk])).status_code == 403
    assert client.post(reverse("finance:statement-discard", args=[statement.pk])).status_code == 403
    with schema_context(school_a.schema_name):
        assert Statement.objects.get().status == Statement.Status.PREVIEW


def test_list_queries_are_bounded(client, school_a, cast, django_assert_max_num_queries):
    for _ in range(3):
        _statement(school_a, cast)
    console_login(client, school_a, cast["admin"])
    with django_assert_max_num_queries(30):
        assert client.get(reverse("finance:statement-list")).status_code == 200


def test_school_b_sees_none_of_school_a(client, school_a, school_b, cast):
    statement = _statement(school_a, cast)
    with schema_context(school_b.schema_name):
        from django.contrib.auth import get_user_model
        admin_b = get_user_model().objects.filter(role="school_admin").first()
    console_login(client, school_b, admin_b)
    assert client.get(reverse("finance:statement-detail", args=[statement.pk])).status_code == 404
    assert "crdb_statement.csv" not in client.get(reverse("finance:statement-list")).content.decode()
