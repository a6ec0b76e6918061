"""Importing bank and wallet statements: an upload is parsed and kept as a preview (counts, rejected lines
with their reasons, lines already imported) without writing a statement line; confirming writes the good
lines once per account (dedupe by the bank's reference, else a hash of the line) and starts the
reconciliation; a preview can be discarded. Column mappings of CSV/XLSX exports are saved by name."""

import datetime
import hashlib
import importlib
import importlib.util
import os
import re
import uuid
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.finance import statement_formats
from apps.finance.models import Statement, StatementLine, StatementMapping
from apps.ledger.models import Account

MAX_BYTES = 25 * 1024 * 1024
STALE_PREVIEW_DAYS = 7  # a preview nobody confirmed is discarded (and its file deleted) after this
STATEMENT_PURPOSES = (Account.Purpose.BANK, Account.Purpose.WALLET)
MAPPING_FIELDS = statement_formats.csv_xlsx.FIELDS
BATCH = 2000


def statement_accounts():
    return Account.objects.filter(purpose__in=STATEMENT_PURPOSES, is_active=True, is_group=False).order_by("code")


def _check_account(account) -> None:
    if account is None or account.is_group or not account.is_active or account.purpose not in STATEMENT_PURPOSES:
        raise ValidationError({"account": _("Statements are imported into an active bank or mobile-money "
                                            "account.")}, code="bad_account")


def _narrative_key(text: str) -> str:
    return " ".join((text or "").upper().split())


def dedupe_keys(account, lines) -> list[str]:
    """One key per parsed line: "ref:<bank reference>" when the bank gave one, else "hash:<sha256>" of the
    account, date, amount, narrative and how many equal lines came before it in the file."""
    seen, keys = Counter(), []
    for line in lines:
        if line.bank_reference:
            keys.append(("ref:" + line.bank_reference)[:80])
            continue
        base = f"{account.pk}|{line.date.isoformat()}|{line.amount:.2f}|{_narrative_key(line.narrative)}"
        occurrence = seen[base]
        seen[base] += 1
        keys.append("hash:" + hashlib.sha256(f"{base}|{occurrence}".encode()).hexdigest())
    return keys


def existing_keys(account, keys) -> set[str]:
    found, keys = set(), list(set(keys))
    for start in range(0, len(keys), 5000):
        found.update(StatementLine.objects.filter(account=account, dedupe_key__in=keys[start:start + 5000])
                     .values_list("dedupe_key", flat=True))
    return found


def duplicate_flags(account, keys) -> list[bool]:
    """For each key: is it already imported for the account, or repeated earlier in the same file?"""
    existing, seen, flags = existing_keys(account, keys), set(), []
    for key in keys:
        flags.append(key in existing or key in seen)
        seen.add(key)
    return flags


def statement_parse(statement: Statement) -> statement_formats.ParsedStatement:
    statement.file.open("rb")
    try:
        data = statement.file.read()
    finally:
        statement.file.close()
    return statement_formats.parse(data, filename=statement.filename, format=statement.format,
                                   mapping=statement.mapping)


def _read(file) -> tuple[bytes, str]:
    if file is None:
        raise ValidationError({"file": _("Choose a statement file.")}, code="required")
    if getattr(file, "size", None) and file.size > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 25 MB.")}, code="too_large")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    name = os.path.basename(getattr(file, "name", "") or "statement")[:200]
    if not data:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    if len(data) > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 25 MB.")}, code="too_large")
    return data, name


# --- a file held while its columns are chosen ------------------------------------------------------------

_HELD_TOKEN = re.compile(r"^[0-9a-f]{32}$")
HELD_HOURS = 24  # a file left waiting for its columns longer than this is deleted by the nightly run


def _held_dir() -> str:
    return f"statements/held/{connection.schema_name}"


def file_hold(file) -> str:
    """Keep an uploaded file while the user picks its columns; returns the token that names it."""
    token = uuid.uuid4().hex
    file.seek(0)
    default_storage.save(f"{_held_dir()}/{token}", ContentFile(file.read()))
    return token


def held_file_read(token: str) -> bytes | None:
    """The held file's bytes, or None when the token is not one or the file is gone."""
    path = f"{_held_dir()}/{token}"
    if not _HELD_TOKEN.match(token or "") or not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as held:
        return held.read()


def held_file_release(token: str) -> None:
    if _HELD_TOKEN.match(token or ""):
        default_storage.delete(f"{_held_dir()}/{token}")


def held_files_purge(*, hours: int = HELD_HOURS) -> int:
    """Delete the files held longer than `hours` (the user walked away before choosing the columns: a bank
    statement names payers and amounts, so it is not kept); returns how many."""
    cutoff = timezone.now() - datetime.timedelta(hours=hours)
    try:
        _dirs, names = default_storage.listdir(_held_dir())
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        path = f"{_held_dir()}/{name}"
        if _HELD_TOKEN.match(name) and default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed


def statement_upload(*, account, file, actor, mapping: StatementMapping | None = None, request=None) -> Statement:
    """Parse the file and keep it as a preview. A file that is not its format or has no good line is refused
    with a ValidationError on "file" naming the line and the reason (statement_formats.MappingRequired when a
    CSV/XLSX needs its columns chosen); nothing is written then."""
    _check_account(account)
    data, name = _read(file)
    kind = statement_formats.detect_format(name, data)
    try:
        parsed = statement_formats.parse(data, filename=name, format=kind,
                                         mapping=mapping if kind in ("csv", "xlsx") else None)
    except statement_formats.MappingRequired:
        raise
    except ValidationError as error:
        raise ValidationError({"file": error.messages}, code="malformed") from None
    keys = dedupe_keys(account, parsed.lines)
    duplicates = sum(duplicate_flags(account, keys))
    with transaction.atomic():
        statement = Statement(
            account=account, filename=name, format=kind, mapping=mapping if kind in ("csv", "xlsx") else None,
            period_start=parsed.period_start, period_end=parsed.period_end,
            opening_balance=parsed.opening_balance, closing_balance=parsed.closing_balance,
            line_count=len(parsed.lines), duplicate_count=duplicates, uploaded_by=actor,
            rejected=[{"line": line, "reason": reason, "text": text} for line, reason, text in parsed.rejected])
        statement.file.save(name, ContentFile(data), save=False)
        statement.full_clean(exclude=["file", "rejected"])
        statement.save()
        audit_record(action="finance.statement_upload", actor=actor, target=statement, request=request, detail={
            "account": account.code, "format": kind, "lines": len(parsed.lines), "duplicates": duplicates,
            "rejected": len(parsed.rejected)})
    return statement


def _lock_preview(statement: Statement) -> Statement:
    statement = Statement.objects.select_for_update(of=("self",)).select_related("account", "mapping").get(pk=statement.pk)
    if statement.status != Statement.Status.PREVIEW:
        raise ValidationError(_("This statement is already %(status)s.") % {
            "status": statement.get_status_display().lower()}, code="not_preview")
    return statement


def _reconcile_start(statement: Statement, actor) -> None:
    """Start matching the new lines (a background job) when the reconciliation engine is installed."""
    for name in ("apps.finance.services_reconciliation", "apps.finance.jobs_reconciliation"):
        if importlib.util.find_spec(name) is None:
            continue
        start = getattr(importlib.import_module(name), "statement_reconcile_start", None)
        if start is not None:
            start(statement=statement, actor=actor)
            return


def statement_confirm(*, statement: Statement, actor, accept_rejected: bool = False, request=None) -> Statement:
    """Write the good lines of a preview (lines already imported for the account are skipped by the
    (account, dedupe_key) constraint), mark it imported and start the reconciliation. When lines were
    rejected the user must accept importing the good lines only."""
    with transaction.atomic():
        statement = _lock_preview(statement)
        if statement.rejected and not accept_rejected:
            raise ValidationError({"accept_rejected": _(
                "%(count)s lines could not be read; confirm importing the good lines only.") % {
                "count": len(statement.rejected)}}, code="rejected_lines")
        try:
            parsed = statement_parse(statement)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}, code="malformed") from None
        account = statement.account
        keys = dedupe_keys(account, parsed.lines)
        rows = [StatementLine(statement=statement, account=account, line_number=line.line_number, date=line.date,
                              amount=line.amount, narrative=line.narrative[:400], bank_reference=line.bank_reference,
                              payer_name=line.payer_name, payer_phone=line.payer_phone[:20], balance=line.balance,
                              dedupe_key=key) for line, key in zip(parsed.lines, keys, strict=True)]
        StatementLine.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        added = StatementLine.objects.filter(statement=statement).count()
        statement.line_count = len(rows)
        statement.duplicate_count = len(rows) - added
        statement.status = Statement.Status.IMPORTED
        statement.imported_at = timezone.now()
        statement.save(update_fields=["line_count", "duplicate_count", "status", "imported_at"])
        audit_record(action="finance.statement_confirm", actor=actor, target=statement, request=request, detail={
            "added": added, "duplicates": statement.duplicate_count, "rejected": len(statement.rejected),
            "accept_rejected": bool(accept_rejected)})
        _reconcile_start(statement, actor)
    return statement


def statement_discard(*, statement: Statement, actor, request=None) -> Statement:
    """Drop a preview: nothing is imported, and the file (payers' names and amounts) is deleted once the
    discard commits; the row stays, so the list still says who uploaded what and that it was dropped."""
    with transaction.atomic():
        statement = _lock_preview(statement)
        name = statement.file.name
        statement.status, statement.file = Statement.Status.DISCARDED, ""
        statement.save(update_fields=["status", "file"])
        audit_record(action="finance.statement_discard", actor=actor, target=statement, request=request,
                     detail={"file": statement.filename})
        if name:
            storage = statement.file.storage
            transaction.on_commit(lambda: storage.delete(name), robust=True)
    return statement


def statements_discard_stale(*, days: int = STALE_PREVIEW_DAYS) -> int:
    """Discard the previews nobody confirmed or dropped within `days` (their files are deleted); returns
    how many. Run nightly by beat."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    stale = list(Statement.objects.filter(status=Statement.Status.PREVIEW, uploaded_at__lt=cutoff)
                 .order_by("pk").values_list("pk", flat=True))
    for pk in stale:
        try:
            statement_discard(statement=Statement(pk=pk), actor=None)
        except ValidationError:  # confirmed or dropped meanwhile
            continue
    return len(stale)


def mapping_save(*, name: str, columns: dict, actor, date_format: str = "%d/%m/%Y", skip_rows: int = 0,
                 account=None, mapping: StatementMapping | None = None, request=None) -> StatementMapping:
    """Create (or, with `mapping`, update) a named column mapping: the header names of the date and of the
    amount or credit/debit columns are required, the rest optional."""
    name = " ".join((name or "").split())
    columns = {key: str(value).strip() for key, value in (columns or {}).items() if key in MAPPING_FIELDS
               and value and str(value).strip()}
    errors = {}
    if not name:
        errors["name"] = _("Give the mapping a name, such as the bank's.")
    elif StatementMapping.objects.filter(name__iexact=name).exclude(pk=getattr(mapping, "pk", None)).exists():
        errors["name"] = _("A mapping with this name exists.")
    if not columns.get("date"):
        errors["date"] = _("Choose the date column.")
    if not (columns.get("amount") or columns.get("credit") or columns.get("debit")):
        errors["amount"] = _("Choose the amount column, or the credit and debit columns.")
    if columns.get("amount") and (columns.get("credit") or columns.get("debit")):
        errors["amount"] = _("Choose either one amount column or credit/debit columns, not both.")
    if date_format:
        try:
            timezone.now().strftime(date_format)
        except ValueError:
            errors["date_format"] = _("Not a date format.")
        if "%" not in date_format:
            errors["date_format"] = _("A date format such as %d/%m/%Y.")
    if skip_rows is None or int(skip_rows) < 0:
        errors["skip_rows"] = _("Zero or more rows.")
    if account is not None:
        try:
            _check_account(account)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors, code="invalid")
    with transaction.atomic():
        before = None
        if mapping is None:
            mapping = StatementMapping()
        else:
            mapping = StatementMapping.objects.select_for_update().get(pk=mapping.pk)
            before = {"name": mapping.name, "columns": mapping.columns, "date_format": mapping.date_format,
                      "skip_rows": mapping.skip_rows}
        mapping.name, mapping.columns, mapping.date_format = name, columns, date_format or ""
        mapping.skip_rows, mapping.account = int(skip_rows), account
        mapping.full_clean(exclude=["name"])
        mapping.save()
        audit_record(action="finance.mapping_save", actor=actor, target=mapping, request=request,
                     changes={"before": before, "after": {"name": name, "columns": columns,
                                                          "date_format": date_format, "skip_rows": int(skip_rows)}})
    return mapping
