"""CSV and XLSX statement exports read through a column mapping (apps.finance.models.StatementMapping or
any object/dict with `columns`, `date_format`, `skip_rows`). Without a mapping the header row is looked for
among the first rows by the names banks commonly use; when it cannot be found, MappingRequired carries the
candidate header so the user can pick the columns."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.finance.statement_formats.base import (
    LineError, ParsedLine, ParsedStatement, clip, decode, malformed, parse_amount, parse_date, phone_in,
    phone_or_blank,
)

FIELDS = ("date", "amount", "credit", "debit", "narrative", "reference", "payer_name", "payer_phone", "balance")
ALIASES = {
    "date": ("date", "posting date", "transaction date", "trans date", "tran date", "txn date", "booking date",
             "value date", "completion time", "date/time"),
    "amount": ("amount", "transaction amount", "amount (tzs)", "amount tzs", "paid amount"),
    "credit": ("credit", "credit amount", "credits", "cr", "deposit", "deposits", "money in", "paid in"),
    "debit": ("debit", "debit amount", "debits", "dr", "withdrawal", "withdrawals", "money out", "paid out",
              "withdrawn"),
    "narrative": ("narrative", "details", "description", "transaction details", "particulars", "narration",
                  "remarks", "transaction description"),
    "reference": ("reference", "ref no", "ref", "reference number", "ref. no", "ref no.", "transaction id",
                  "transaction reference", "receipt no", "receipt no.", "receipt", "bank reference"),
    "payer_name": ("payer", "payer name", "name", "customer name", "other party", "sender"),
    "payer_phone": ("phone", "payer phone", "msisdn", "mobile", "phone number", "sender phone"),
    "balance": ("balance", "running balance", "book balance", "available balance", "ledger balance"),
}
HEADER_SEARCH_ROWS = 20


@dataclass
class Mapping:
    columns: dict = field(default_factory=dict)
    date_format: str = "%d/%m/%Y"
    skip_rows: int = 0


class MappingRequired(ValidationError):
    """The columns of this export are not known: `headers` is the row most like a header, `skip_rows` the
    rows above it."""

    def __init__(self, headers: list[str], skip_rows: int = 0):
        super().__init__(_("Choose which column holds the date, the amount and the narrative."),
                         code="mapping_required")
        self.headers, self.skip_rows = headers, skip_rows


def _as_mapping(mapping) -> Mapping | None:
    if mapping is None:
        return None
    if isinstance(mapping, dict):
        return Mapping(columns=mapping.get("columns", {}), date_format=mapping.get("date_format") or "%d/%m/%Y",
                       skip_rows=int(mapping.get("skip_rows") or 0))
    return Mapping(columns=dict(mapping.columns or {}), date_format=mapping.date_format or "",
                   skip_rows=int(mapping.skip_rows or 0))


def _norm(value) -> str:
    return " ".join(str(value or "").split()).strip().lower().rstrip(":")


def guess_mapping(rows: list[list]) -> Mapping | None:
    """A mapping from the first row among the first few that names a date and an amount (or credit)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {_norm(cell): str(cell).strip() for cell in row if _norm(cell)}
        columns = {}
        for key, aliases in ALIASES.items():
            found = next((names[alias] for alias in aliases if alias in names), "")
            if found:
                columns[key] = found
        if "date" in columns and ("amount" in columns or "credit" in columns):
            return Mapping(columns=columns, date_format="", skip_rows=index)
    return None


def header_rows(data: bytes, kind: str) -> list[list]:
    """The first rows of a CSV or XLSX file, as text (for picking columns)."""
    rows = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    out = []
    for _number, row in rows:
        out.append(["" if cell is None else str(cell).strip() for cell in row])
        if len(out) >= HEADER_SEARCH_ROWS:
            break
    return out


def _first_header(rows: list[list]) -> tuple[list[str], int]:
    for index, row in enumerate(rows):
        cells = [str(cell).strip() for cell in row if str(cell or "").strip()]
        if len(cells) >= 2:
            return [str(cell or "").strip() for cell in row], index
    return [], 0


def _csv_rows(data: bytes):
    text = decode(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        for row in reader:
            yield reader.line_num, row
    except csv.Error as error:
        raise malformed(reader.line_num, str(error)) from None


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a zip that is not a workbook, a corrupt file
        raise malformed(0, _("not an XLSX workbook (%(error)s)") % {"error": error}) from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, list(row)
    finally:
        workbook.close()


def parse(data: bytes, *, mapping=None) -> ParsedStatement:
    return _parse_rows(_csv_rows(data), mapping)


def parse_xlsx(data: bytes, *, mapping=None) -> ParsedStatement:
    return _parse_rows(_xlsx_rows(data), mapping)


def _parse_rows(rows, mapping) -> ParsedStatement:
    rows = list(rows)
    if not rows:
        raise malformed(0, _("the file is empty"))
    plain = [row for _number, row in rows]
    found = _as_mapping(mapping)
    if found is None:
        found = guess_mapping(plain)
        if found is None:
            headers, skip = _first_header(plain)
            raise MappingRequired(headers, skip)
    if found.skip_rows >= len(rows):
        raise malformed(0, _("the file has no header row after %(rows)s rows") % {"rows": found.skip_rows})
    header_number, header = rows[found.skip_rows]
    names = {_norm(cell): position for position, cell in enumerate(header) if _norm(cell)}
    index = {}
    for key in FIELDS:
        column = (found.columns or {}).get(key) or ""
        if not column:
            continue
        if _norm(column) not in names:
            raise malformed(header_number, _("the header has no column “%(column)s” (for %(field)s)") % {
                "column": column, "field": key})
        index[key] = names[_norm(column)]
    if "date" not in index or not ({"amount", "credit", "debit"} & index.keys()):
        raise malformed(header_number, _("the mapping names no date or amount column"))

    statement = ParsedStatement()
    for number, row in rows[found.skip_rows + 1:]:
        if not any(str(cell).strip() for cell in row if cell is not None):
            continue  # blank rows, often at the end

        def cell(key, row=row):
            position = index.get(key)
            if position is None or position >= len(row):
                return None
            return row[position]

        text = ",".join("" if value is None else str(value) for value in row)[:300]
        try:
            line = _line(number, cell, found.date_format)
        except LineError as error:
            statement.rejected.append((number, str(error), text))
            continue
        if line is not None:
            statement.lines.append(line)
    _balances(statement)
    return statement.finish()


def _line(number, cell, date_format) -> ParsedLine | None:
    raw_date, narrative = cell("date"), clip(cell("narrative"), 400)
    if raw_date in (None, "") or str(raw_date).strip() == "":
        amounts = [cell(key) for key in ("amount", "credit", "debit")]
        if all(value in (None, "") or str(value).strip() == "" for value in amounts):
            return None  # a note or a total row without date and amount
        raise LineError(_("no date"))
    day = parse_date(raw_date, date_format)
    if cell("amount") is not None and str(cell("amount")).strip() != "":
        amount = parse_amount(cell("amount"))
    else:
        credit, debit = parse_amount(cell("credit")), parse_amount(cell("debit"))
        if credit is None and debit is None:
            raise LineError(_("no amount"))
        amount = (credit or 0) - abs(debit or 0)
    if amount is None:
        raise LineError(_("no amount"))
    if amount == 0:
        raise LineError(_("the amount is zero"))
    balance = parse_amount(cell("balance")) if cell("balance") is not None else None
    phone = phone_or_blank(cell("payer_phone")) if cell("payer_phone") not in (None, "") else phone_in(narrative)
    return ParsedLine(line_number=number, date=day, amount=amount, narrative=narrative,
                      bank_reference=clip(cell("reference"), 80), payer_name=clip(cell("payer_name"), 120),
                      payer_phone=phone, balance=balance)


def _balances(statement: ParsedStatement) -> None:
    lines = [line for line in statement.lines if line.balance is not None]
    if not lines:
        return
    ordered = lines if lines[0].date <= lines[-1].date else list(reversed(lines))
    statement.opening_balance = ordered[0].balance - ordered[0].amount
    statement.closing_balance = ordered[-1].balance
