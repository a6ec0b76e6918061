"""ISO 20022 bank-to-customer statements (camt.053.001.02 and later) with the standard library's XML
parser (no DTD is accepted): each Ntry's amount and credit/debit mark, booking date, bank reference,
unstructured remittance text and the debtor's name; opening (OPBD) and closing (CLBD) balances."""

import xml.etree.ElementTree as ElementTree

from django.utils.translation import gettext as _

from apps.finance.statement_formats.base import (
    LineError, ParsedLine, ParsedStatement, clip, decode, line_numbers, malformed, parse_amount, parse_date,
    phone_in,
)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_namespaces(root):
    for element in root.iter():
        element.tag = _local(element.tag)
    return root


def _text(element, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def _signed(element) -> "tuple":
    amount = parse_amount(_text(element, "Amt"))
    if amount is None:
        raise LineError(_("no amount"))
    mark = _text(element, "CdtDbtInd").upper()
    if mark not in ("CRDT", "DBIT"):
        raise LineError(_("no credit/debit mark (CdtDbtInd)"))
    return -abs(amount) if mark == "DBIT" else abs(amount)


def _date(element, *paths):
    for path in paths:
        value = _text(element, path)
        if value:
            return parse_date(value[:10], "%Y-%m-%d")
    return None


def parse(data: bytes, *, mapping=None) -> ParsedStatement:
    text = decode(data)
    if "<!DOCTYPE" in text[:2048].upper() or "<!ENTITY" in text.upper():
        raise malformed(1, _("XML with a document type is not accepted"))
    try:
        root = _strip_namespaces(ElementTree.fromstring(text.encode("utf-8")))
    except ElementTree.ParseError as error:
        raise malformed(error.position[0], _("not well-formed XML (%(error)s)") % {"error": error}) from None
    stmt = root.find(".//BkToCstmrStmt/Stmt")
    if stmt is None:
        raise malformed(1, _("not a CAMT.053 statement (no BkToCstmrStmt/Stmt)"))
    statement = ParsedStatement()
    for balance in stmt.findall("Bal"):
        code = _text(balance, "Tp/CdOrPrtry/Cd").upper()
        try:
            value = _signed(balance)
        except LineError:
            continue
        if code in ("OPBD", "PRCD") and statement.opening_balance is None:
            statement.opening_balance = value
        elif code in ("CLBD",):
            statement.closing_balance = value
    try:
        statement.period_start = _date(stmt, "FrToDt/FrDtTm")
        statement.period_end = _date(stmt, "FrToDt/ToDtTm")
    except LineError:
        pass
    starts = line_numbers(text, r"<(?:[\w.-]+:)?Ntry[\s>]")
    for position, entry in enumerate(stmt.findall("Ntry")):
        number = starts[position] if position < len(starts) else position + 1
        details = entry.find("NtryDtls/TxDtls")
        narrative = " ".join(part.text.strip() for part in entry.iter("Ustrd") if part.text and part.text.strip())
        narrative = narrative or _text(entry, "AddtlNtryInf") or _text(details, "AddtlTxInf")
        reference = (_text(entry, "AcctSvcrRef") or _text(details, "Refs/AcctSvcrRef") or _text(entry, "NtryRef")
                     or _text(details, "Refs/EndToEndId"))
        if reference.upper() == "NOTPROVIDED":
            reference = ""
        payer = (_text(details, "RltdPties/Dbtr/Nm") or _text(details, "RltdPties/Dbtr/Pty/Nm")
                 or _text(entry, ".//RltdPties/Dbtr/Nm"))
        try:
            amount = _signed(entry)
            day = _date(entry, "BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm")
            if day is None:
                raise LineError(_("no booking date"))
        except LineError as error:
            statement.rejected.append((number, str(error), clip(narrative or reference, 300)))
            continue
        narrative = clip(narrative, 400)
        statement.lines.append(ParsedLine(line_number=number, date=day, amount=amount, narrative=narrative,
                                          bank_reference=clip(reference, 80), payer_name=clip(payer, 120),
                                          payer_phone=phone_in(narrative)))
    return statement.finish()
