"""OFX statements, 1.x (SGML: leaf elements without end tags) and 2.x (XML), read by a small tolerant
parser: each STMTTRN's TRNAMT, DTPOSTED, FITID, NAME and MEMO; the period from BANKTRANLIST and the
closing balance from LEDGERBAL."""

import re

from django.utils.translation import gettext as _

from apps.finance.statement_formats.base import (
    LineError, ParsedLine, ParsedStatement, clip, decode, malformed, parse_amount, parse_date, phone_in,
)

_TRANSACTION = re.compile(r"<STMTTRN>(.*?)</STMTTRN>", re.IGNORECASE | re.DOTALL)


def _leaf(block: str, name: str) -> str:
    match = re.search(rf"<{name}>([^<\r\n]*)", block, re.IGNORECASE)
    if not match:
        return ""
    return (match.group(1).strip().replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            .replace("&apos;", "'").replace("&quot;", '"'))


def _ofx_date(value: str):
    """"20260115", "20260115120000.000[+3:EAT]" -> date."""
    digits = (value or "").strip()[:8]
    if not digits:
        return None
    return parse_date(digits, "%Y%m%d")


def parse(data: bytes, *, mapping=None) -> ParsedStatement:
    text = decode(data)
    if "<OFX>" not in text.upper():
        raise malformed(1, _("not an OFX file (no <OFX> element)"))
    statement = ParsedStatement()
    tranlist = re.search(r"<BANKTRANLIST>(.*?)(?:</BANKTRANLIST>|$)", text, re.IGNORECASE | re.DOTALL)
    if tranlist:
        head = tranlist.group(1).split("<STMTTRN>")[0] if "<STMTTRN>" in tranlist.group(1) else tranlist.group(1)
        try:
            statement.period_start = _ofx_date(_leaf(head, "DTSTART"))
            statement.period_end = _ofx_date(_leaf(head, "DTEND"))
        except LineError:
            pass
    ledger = re.search(r"<LEDGERBAL>(.*?)(?:</LEDGERBAL>|$)", text, re.IGNORECASE | re.DOTALL)
    if ledger:
        try:
            statement.closing_balance = parse_amount(_leaf(ledger.group(1), "BALAMT"))
        except LineError:
            pass
    for match in _TRANSACTION.finditer(text):
        number = text.count("\n", 0, match.start()) + 1
        block = match.group(1)
        name, memo = _leaf(block, "NAME"), _leaf(block, "MEMO")
        narrative = clip(" ".join(part for part in (name, memo) if part), 400)
        try:
            amount = parse_amount(_leaf(block, "TRNAMT"))
            if amount is None:
                raise LineError(_("no amount (TRNAMT)"))
            day = _ofx_date(_leaf(block, "DTPOSTED"))
            if day is None:
                raise LineError(_("no date (DTPOSTED)"))
        except LineError as error:
            statement.rejected.append((number, str(error), clip(block, 300)))
            continue
        statement.lines.append(ParsedLine(line_number=number, date=day, amount=amount, narrative=narrative,
                                          bank_reference=clip(_leaf(block, "FITID"), 80), payer_name=clip(name, 120),
                                          payer_phone=phone_in(narrative)))
    if statement.closing_balance is not None and statement.lines:
        statement.opening_balance = statement.closing_balance - sum(line.amount for line in statement.lines)
    return statement.finish()
