"""Statement parsers: CSV (CRDB-like, preamble and thousands separators), XLSX (NMB-like, made here with
openpyxl), MT940, CAMT.053, OFX 1 and 2 read into one shape; bad lines rejected with reasons; a malformed
file refused naming the line; phones in narratives in E.164; the benchmark CSV generator reads back."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from apps.finance.statement_formats import (
    MappingRequired, ParsedLine, detect_format, generate_csv, parse, parse_amount,
)

FILES = Path(__file__).parent / "files"


def _read(name):
    return (FILES / name).read_bytes()


def nmb_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["NMB BANK PLC - ACCOUNT STATEMENT"])
    sheet.append(["Account", "20110012345"])
    sheet.append(["Txn Date", "Description", "Reference", "Amount", "Running Balance"])
    sheet.append([datetime.datetime(2026, 1, 5), "FEES CN 9912345678 0713555777", "NMB001", 450000, 450000])
    sheet.append(["07/01/2026", "CHARGES", "NMB002", "-5,000.00", "445,000.00"])
    sheet.append([None, None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_crdb_csv_with_preamble_separators_and_blank_trailing_rows():
    statement = parse(_read("crdb_statement.csv"), filename="crdb_statement.csv")
    assert [(line.line_number, line.amount) for line in statement.lines] == [
        (6, Decimal("1000000.00")), (7, Decimal("450000.00")), (8, Decimal("-5000.00")), (9, Decimal("300000.00"))]
    second = statement.lines[1]
    assert second.bank_reference == "FT2601051234" and second.payer_phone == "+255754100200"
    assert statement.lines[3].payer_phone == "+255713555777"
    assert statement.period_start == datetime.date(2026, 1, 2) and statement.period_end == datetime.date(2026, 1, 12)
    assert statement.closing_balance == Decimal("1745000.00") and not statement.rejected


def test_csv_with_two_bad_lines_returns_them_rejected_with_reasons():
    statement = parse(_read("crdb_two_bad_lines.csv"), filename="x.csv")
    assert len(statement.lines) == 3
    assert [(line, reason) for line, reason, _text in statement.rejected] == [
        (3, "“31/13/2026” is not a date"), (5, "“abc” is not an amount")]


def test_nmb_xlsx_made_with_openpyxl():
    data = nmb_xlsx()
    assert detect_format("nmb.xlsx", data) == "xlsx"
    statement = parse(data, filename="nmb.xlsx")
    assert [(line.line_number, line.date, line.amount) for line in statement.lines] == [
        (4, datetime.date(2026, 1, 5), Decimal("450000.00")), (5, datetime.date(2026, 1, 7), Decimal("-5000.00"))]
    assert statement.lines[0].payer_phone == "+255713555777"
    assert statement.opening_balance == 0 and statement.closing_balance == Decimal("445000.00")


def test_a_saved_mapping_names_the_columns():
    data = b"When;What;In\n2026-02-01;FEES A;1.250.000\n"
    with pytest.raises(MappingRequired) as raised:
        parse(data, filename="odd.csv")
    assert raised.value.headers == ["When", "What", "In"]
    mapping = {"columns": {"date": "When", "narrative": "What", "amount": "In"}, "date_format": "%Y-%m-%d"}
    with pytest.raises(ValidationError, match="Line 2"):
        parse(data, filename="odd.csv", mapping=mapping)  # "1.250.000" is not an amount
    statement = parse(b"When;What;In\n2026-02-01;FEES A;TZS 1,250,000\n", filename="odd.csv", mapping=mapping)
    assert statement.lines[0].amount == Decimal("1250000.00")


@pytest.mark.parametrize("name, kind, opening, closing", [
    ("statement.mt940", "mt940", Decimal("1000000.00"), Decimal("1745000.00")),
    ("statement.camt053.xml", "camt053", Decimal("1000000.00"), Decimal("1745000.00")),
    ("statement_v1.ofx", "ofx", Decimal("1000000.00"), Decimal("1745000.00")),
])
def test_mt940_camt_and_ofx1_read_the_same_statement(name, kind, opening, closing):
    data = _read(name)
    assert detect_format(name, data) == kind
    statement = parse(data, filename=name)
    assert [line.amount for line in statement.lines] == [Decimal("450000.00"), Decimal("-5000.00"),
                                                         Decimal("300000.00")]
    assert [line.date for line in statement.lines] == [datetime.date(2026, 1, 5), datetime.date(2026, 1, 7),
                                                       datetime.date(2026, 1, 12)]
    assert all(line.bank_reference for line in statement.lines)
    assert statement.lines[0].payer_phone == "+255754100200"
    assert (statement.opening_balance, statement.closing_balance) == (opening, closing)
    assert statement.period_start == datetime.date(2026, 1, 1) and statement.period_end == datetime.date(2026, 1, 31)


def test_camt_debtor_name_and_ofx2():
    camt = parse(_read("statement.camt053.xml"), filename="s.xml")
    assert camt.lines[0].payer_name == "JUMA HAMISI" and camt.lines[2].bank_reference == "NMB2601120003"
    ofx = parse(_read("statement_v2.ofx"), filename="s.ofx")
    assert [(line.bank_reference, line.amount) for line in ofx.lines] == [
        ("NBC2601050001", Decimal("450000.00")), ("NBC2601070002", Decimal("-5000.00"))]
    assert ofx.lines[0].payer_name == "JUMA HAMISI" and ofx.lines[0].payer_phone == "+255754100200"


@pytest.mark.parametrize("data, name, message", [
    (b"", "x.csv", "empty"),
    ((FILES / "malformed.csv").read_bytes(), "malformed.csv", "Line 2: “not a date” is not a date."),
    (b"<?xml version='1.0'?><Document><BkToCstmrStmt><Stmt>\n<Ntry></Stmt>", "bad.xml", "Line 2"),
    (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'><x/></Document>", "a.xml", "no BkToCstmrStmt"),
    (b"OFXHEADER:100\n\n<OFX><BANKMSGSRSV1></BANKMSGSRSV1></OFX>", "a.ofx", "no transaction lines"),
    (b":20:X\n:25:1\n:60F:C260101TZS0,00\n:62F:C260131TZS0,00\n", "a.sta", "no :20: or :61:"),
])
def test_a_malformed_file_is_refused_naming_the_line_and_reason(data, name, message):
    with pytest.raises(ValidationError) as raised:
        parse(data, filename=name)
    assert message in " ".join(raised.value.messages)


def test_amounts_as_banks_write_them():
    assert parse_amount("1,250,000.00") == Decimal("1250000.00")
    assert parse_amount("TZS 1,250,000") == Decimal("1250000.00")
    assert parse_amount("(5,000.00)") == Decimal("-5000.00")
    assert parse_amount("5,000.00 DR") == Decimal("-5000.00")
    assert parse_amount("") is None


def test_generated_csv_reads_back_without_a_mapping():
    lines = [(datetime.date(2026, 1, 1 + i % 28), Decimal(1000 + i), f"FEES {i}", f"REF{i}") for i in range(500)]
    lines.append(ParsedLine(line_number=0, date=datetime.date(2026, 2, 1), amount=Decimal("-10"), narrative="X"))
    statement = parse(generate_csv(lines), filename="big.csv")
    assert len(statement.lines) == 501 and statement.lines[-1].amount == Decimal("-10.00")
    assert statement.lines[7].bank_reference == "REF7"
