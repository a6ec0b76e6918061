"""Bank and wallet statement files read into one shape (ParsedStatement): CSV and XLSX exports through a
saved column mapping, MT940, ISO 20022 CAMT.053 and OFX 1.x/2.x. `parse(data, filename=...)` detects the
format from the file's name and content; a file that is not its format or has no good line raises a
ValidationError naming the line and the reason; lines that cannot be read are returned as rejected."""

import csv
import io
import os

from apps.finance.statement_formats.base import (
    LineError, ParsedLine, ParsedStatement, malformed, parse_amount, parse_date, phone_in,
)
from apps.finance.statement_formats.csv_xlsx import MappingRequired, guess_mapping, header_rows

__all__ = ["LineError", "MappingRequired", "ParsedLine", "ParsedStatement", "detect_format", "generate_csv",
           "guess_mapping", "header_rows", "malformed", "parse", "parse_amount", "parse_date", "phone_in"]

EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".sta": "mt940", ".mt940": "mt940",
              ".940": "mt940", ".xml": "camt053", ".camt": "camt053", ".ofx": "ofx", ".qfx": "ofx"}


def detect_format(filename: str, data: bytes) -> str:
    """"csv", "xlsx", "mt940", "camt053" or "ofx": the content's signature first, then the extension."""
    head = data[:4096]
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    upper = head.upper()
    if b"OFXHEADER" in upper or b"<OFX>" in upper:
        return "ofx"
    if b"CAMT.053" in upper or b"BKTOCSTMRSTMT" in upper:
        return "camt053"
    if b":20:" in head and (b":60F:" in head or b":61:" in head or b":25:" in head):
        return "mt940"
    return EXTENSIONS.get(os.path.splitext(filename or "")[1].lower(), "csv")


def parse(data: bytes, *, filename: str = "", format: str = "", mapping=None) -> ParsedStatement:
    from apps.finance.statement_formats import camt053, csv_xlsx, mt940, ofx

    kind = format or detect_format(filename, data)
    if kind == "csv":
        return csv_xlsx.parse(data, mapping=mapping)
    if kind == "xlsx":
        return csv_xlsx.parse_xlsx(data, mapping=mapping)
    parser = {"mt940": mt940, "camt053": camt053, "ofx": ofx}[kind]
    return parser.parse(data, mapping=mapping)


GENERATED_HEADER = ["Date", "Details", "Reference", "Credit", "Debit", "Balance"]


def generate_csv(lines, out=None) -> bytes | None:
    """Write statement lines as a CRDB-like CSV that `parse` reads without a mapping (the header names
    are guessed): Date (dd/mm/yyyy), Details, Reference, Credit, Debit, Balance. `lines` yields
    ParsedLine or tuples (date, amount, narrative, reference); with `out` (a text file) it streams there
    and returns None, else it returns the bytes. Fast enough for a 100,000-line benchmark file."""
    buffer = out if out is not None else io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(GENERATED_HEADER)
    balance = 0
    for line in lines:
        if isinstance(line, ParsedLine):
            day, amount, narrative, reference = line.date, line.amount, line.narrative, line.bank_reference
        else:
            day, amount, narrative, reference = line
        balance += amount
        writer.writerow([day.strftime("%d/%m/%Y"), narrative, reference, f"{amount:.2f}" if amount > 0 else "",
                         f"{-amount:.2f}" if amount < 0 else "", f"{balance:.2f}"])
    if out is None:
        return buffer.getvalue().encode("utf-8")
    return None
