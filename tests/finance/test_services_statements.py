"""statement_upload / statement_confirm / statement_discard / mapping_save: a preview writes no line,
a re-import adds nothing twice, good-lines-only needs the user's word, a malformed file is refused with
the line and reason and writes nothing, everything audited; school B sees none of school A's rows."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.db import connection
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.finance import services_statements as services
from apps.finance.models import Statement, StatementLine, StatementMapping
from apps.finance.statement_formats import MappingRequired
from apps.jobs.models import Job
from apps.ledger.models import Account

pytestmark = pytest.mark.usefixtures("in_school_a")
FILES = Path(__file__).parent / "files"


def upload(name: str, data: bytes | None = None):
    return SimpleUploadedFile(name, data if data is not None else (FILES / name).read_bytes())


@pytest.fixture
def crdb():
    return Account.objects.get(code="1121")


def test_upload_is_a_preview_and_confirm_imports_once(admin_a, crdb):
    statement = services.statement_upload(account=crdb, file=upload("crdb_statement.csv"), actor=admin_a)
    assert statement.status == Statement.Status.PREVIEW and statement.format == "csv"
    assert (statement.line_count, statement.duplicate_count, statement.rejected) == (4, 0, [])
    assert statement.closing_balance == Decimal("1745000.00")
    assert StatementLine.objects.count() == 0

    services.statement_confirm(statement=statement, actor=admin_a, accept_rejected=False)
    statement.refresh_from_db()
    assert statement.status == Statement.Status.IMPORTED and statement.imported_at is not None
    lines = list(StatementLine.objects.order_by("line_number"))
    assert [line.dedupe_key[:4] for line in lines] == ["hash", "ref:", "ref:", "ref:"]
    assert lines[1].payer_phone == "+255754100200" and lines[1].amount == Decimal("450000.00")
    assert AuditEvent.objects.filter(action__in=["finance.statement_upload", "finance.statement_confirm"]).count() == 2
    job = Job.objects.filter(kind="finance.reconcile").latest("created_at")  # the matching started
    assert job.params["statement_id"] == statement.pk

    again = services.statement_upload(account=crdb, file=upload("crdb_statement.csv"), actor=admin_a)
    assert again.duplicate_count == 4
    services.statement_confirm(statement=again, actor=admin_a)
    again.refresh_from_db()
    assert again.lines.count() == 0 and again.duplicate_count == 4
    assert StatementLine.objects.count() == 4


def test_equal_lines_without_reference_in_one_file_are_both_kept(admin_a, crdb):
    data = b"Date,Details,Amount\n01/02/2026,FEES CASH,1000\n01/02/2026,FEES  cash,1000\n"
    statement = services.statement_upload(account=crdb, file=upload("cash.csv", data), actor=admin_a)
    assert statement.duplicate_count == 0
    services.statement_confirm(statement=statement, actor=admin_a)
    assert StatementLine.objects.count() == 2
    again = services.statement_upload(account=crdb, file=upload("cash.csv", data), actor=admin_a)
    assert again.duplicate_count == 2


def test_good_lines_only_needs_confirmation(admin_a, crdb):
    statement = services.statement_upload(account=crdb, file=upload("crdb_two_bad_lines.csv"), actor=admin_a)
    assert statement.line_count == 3
    assert [(row["line"], row["reason"]) for row in statement.rejected] == [
        (3, "“31/13/2026” is not a date"), (5, "“abc” is not an amount")]
    with pytest.raises(ValidationError) as raised:
        services.statement_confirm(statement=statement, actor=admin_a, accept_rejected=False)
    assert "accept_rejected" in raised.value.message_dict
    assert StatementLine.objects.count() == 0
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PREVIEW

    services.statement_confirm(statement=statement, actor=admin_a, accept_rejected=True)
    assert sorted(StatementLine.objects.values_list("line_number", flat=True)) == [2, 4, 6]


def test_malformed_file_is_refused_with_line_and_reason_and_nothing_written(admin_a, crdb):
    with pytest.raises(ValidationError) as raised:
        services.statement_upload(account=crdb, file=upload("malformed.csv"), actor=admin_a)
    assert raised.value.message_dict["file"] == ["Line 2: “not a date” is not a date."]
    assert Statement.objects.count() == 0 and StatementLine.objects.count() == 0
    assert not AuditEvent.objects.filter(action="finance.statement_upload").exists()


def test_upload_refuses_an_account_that_is_not_bank_or_wallet(admin_a):
    with pytest.raises(ValidationError) as raised:
        services.statement_upload(account=Account.objects.get(code="1200"), file=upload("crdb_statement.csv"),
                                  actor=admin_a)
    assert "account" in raised.value.message_dict and Statement.objects.count() == 0


def test_other_formats_import(admin_a):
    for name, code in (("statement.mt940", "1121"), ("statement.camt053.xml", "1122"), ("statement_v1.ofx", "1123")):
        statement = services.statement_upload(account=Account.objects.get(code=code), file=upload(name),
                                              actor=admin_a)
        services.statement_confirm(statement=statement, actor=admin_a)
        assert statement.lines.count() == 3
        assert statement.period_start == datetime.date(2026, 1, 1)


def test_mapping_needed_then_saved_and_used(admin_a, crdb):
    data = b"When;What;In\n2026-02-01;FEES A;1,000\n"
    with pytest.raises(MappingRequired) as raised:
        services.statement_upload(account=crdb, file=upload("odd.csv", data), actor=admin_a)
    assert raised.value.headers == ["When", "What", "In"]
    with pytest.raises(ValidationError) as refused:
        services.mapping_save(name="", columns={"narrative": "What"}, actor=admin_a)
    assert {"name", "date", "amount"} <= refused.value.message_dict.keys()
    mapping = services.mapping_save(name="Odd bank", columns={"date": "When", "narrative": "What", "amount": "In",
                                                               "nonsense": "x"},
                                    date_format="%Y-%m-%d", actor=admin_a)
    assert mapping.columns == {"date": "When", "narrative": "What", "amount": "In"}
    statement = services.statement_upload(account=crdb, file=upload("odd.csv", data), actor=admin_a, mapping=mapping)
    assert statement.line_count == 1 and statement.mapping == mapping
    services.mapping_save(name="Odd bank 2", columns={"date": "When", "credit": "In"}, actor=admin_a, mapping=mapping)
    assert StatementMapping.objects.get().name == "Odd bank 2"
    assert AuditEvent.objects.filter(action="finance.mapping_save").count() == 2


def test_discard_deletes_the_file_and_no_confirm_after(admin_a, crdb, django_capture_on_commit_callbacks):
    statement = services.statement_upload(account=crdb, file=upload("crdb_statement.csv"), actor=admin_a)
    storage, name = statement.file.storage, statement.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_discard(statement=statement, actor=admin_a)
    with pytest.raises(ValidationError):
        services.statement_confirm(statement=statement, actor=admin_a)
    assert StatementLine.objects.count() == 0
    assert not storage.exists(name) and Statement.objects.get(pk=statement.pk).file.name == ""


def test_previews_left_for_a_week_are_discarded_with_their_files(admin_a, crdb, django_capture_on_commit_callbacks):
    old = services.statement_upload(account=crdb, file=upload("crdb_statement.csv"), actor=admin_a)
    recent = services.statement_upload(account=crdb, file=upload("crdb_statement.csv"), actor=admin_a)
    Statement.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - datetime.timedelta(days=8))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.statements_discard_stale() == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Statement.Status.DISCARDED and old.file.name == ""
    assert recent.status == Statement.Status.PREVIEW and recent.file.storage.exists(recent.file.name)
    assert AuditEvent.objects.filter(action="finance.statement_discard", actor="").count() == 1
    assert services.statements_discard_stale() == 0


def test_school_b_sees_none_of_it(admin_a, crdb, school_b):
    statement = services.statement_upload(account=crdb, file=upload("crdb_statement.csv"), actor=admin_a)
    services.statement_confirm(statement=statement, actor=admin_a)
    with schema_context(school_b.schema_name):
        assert Statement.objects.count() == 0 and StatementLine.objects.count() == 0


def test_a_file_held_for_its_columns_is_read_released_and_purged_when_left(school_b):
    import os

    from django.core.files.storage import default_storage

    kept = services.file_hold(upload("crdb_statement.csv"))
    left = services.file_hold(upload("crdb_statement.csv"))
    assert services.held_file_read(kept) == (FILES / "crdb_statement.csv").read_bytes()
    assert services.held_file_read("../../etc/passwd") is None and services.held_file_read("0" * 32) is None
    with schema_context(school_b.schema_name):
        assert services.held_file_read(kept) is None  # another school's token names nothing here

    old = (timezone.now() - datetime.timedelta(hours=25)).timestamp()
    os.utime(default_storage.path(f"statements/held/{connection.schema_name}/{left}"), (old, old))
    assert services.held_files_purge() == 1
    assert services.held_file_read(left) is None and services.held_file_read(kept) is not None

    services.held_file_release(kept)
    assert services.held_file_read(kept) is None
    assert services.held_files_purge() == 0
