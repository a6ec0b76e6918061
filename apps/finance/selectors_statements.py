"""Reading statements for bookkeepers: the uploads newest first, one statement, its preview (the good
lines with those already imported marked, from the stored file) and its imported lines."""

from django.db.models import QuerySet

from apps.finance import services_statements as services
from apps.finance.models import Statement, StatementLine, StatementMapping
from apps.ledger.access import get_for_bookkeeper, keeps_books


def statements_for_user(*, user, account=None, status: str = "") -> QuerySet[Statement]:
    if not keeps_books(user):
        return Statement.objects.none()
    statements = Statement.objects.select_related("account", "mapping", "uploaded_by")
    if account is not None:
        statements = statements.filter(account=account)
    if status:
        statements = statements.filter(status=status)
    return statements.order_by("-uploaded_at", "-id")


def statement_get_for_user(*, user, pk) -> Statement:
    return get_for_bookkeeper(Statement.objects.select_related("account", "mapping", "uploaded_by"), user=user, pk=pk)


def statement_lines(statement: Statement, *, status: str = "") -> QuerySet[StatementLine]:
    lines = statement.lines.all()
    if status:
        lines = lines.filter(status=status)
    return lines.order_by("line_number", "id")


def statement_preview(statement: Statement, *, limit: int = 200) -> dict:
    """The first `limit` good lines of a preview, each with whether it is a duplicate."""
    parsed = services.statement_parse(statement)
    keys = services.dedupe_keys(statement.account, parsed.lines)
    flags = services.duplicate_flags(statement.account, keys)
    rows = [{"line": line, "duplicate": flag} for line, flag in zip(parsed.lines, flags, strict=True)]
    return {"rows": rows[:limit], "more": max(0, len(rows) - limit), "new": flags.count(False),
            "duplicates": flags.count(True)}


def mappings_for_user(*, user) -> QuerySet[StatementMapping]:
    if not keeps_books(user):
        return StatementMapping.objects.none()
    return StatementMapping.objects.select_related("account").order_by("name")


def mapping_get_for_user(*, user, pk) -> StatementMapping:
    return get_for_bookkeeper(StatementMapping.objects.select_related("account"), user=user, pk=pk)
