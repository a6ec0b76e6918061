"""SWIFT MT940 statements through the `mt-940` package: each :61: line with its :86: details; opening
and closing balances from :60F:/:62F:; the line number is where the :61: tag starts in the file."""

import datetime

import mt940 as mt940_lib
from django.utils.translation import gettext as _

from apps.finance.statement_formats.base import (
    ParsedLine, ParsedStatement, clip, decode, line_numbers, malformed, phone_in,
)


def _balance(data: dict, *keys):
    for key in keys:
        value = data.get(key)
        if value is not None and getattr(value, "amount", None) is not None:
            return value.amount.amount, getattr(value, "date", None)
    return None, None


def parse(data: bytes, *, mapping=None) -> ParsedStatement:
    text = decode(data).replace("\r\n", "\n")
    if ":20:" not in text or ":61:" not in text:
        raise malformed(1, _("not an MT940 statement (no :20: or :61: tag)"))
    starts = line_numbers(text, r"(?m)^:61:")
    try:
        transactions = mt940_lib.parse(text)
    except Exception as error:  # the package raises plain errors on a broken tag
        raise malformed(1, _("not a valid MT940 statement (%(error)s)") % {"error": error}) from None
    statement = ParsedStatement()
    opening, start = _balance(transactions.data, "final_opening_balance", "opening_balance")
    closing, end = _balance(transactions.data, "final_closing_balance", "closing_balance")
    statement.opening_balance, statement.closing_balance = opening, closing
    statement.period_start = datetime.date(start.year, start.month, start.day) if start else None
    statement.period_end = datetime.date(end.year, end.month, end.day) if end else None
    for position, transaction in enumerate(transactions):
        number = starts[position] if position < len(starts) else position + 1
        info = transaction.data
        amount = getattr(info.get("amount"), "amount", None)
        day = info.get("date") or info.get("entry_date")
        details = info.get("transaction_details") or ""
        if amount is None or day is None:
            statement.rejected.append((number, _("no amount or date"), clip(details, 300)))
            continue
        if amount == 0:
            statement.rejected.append((number, _("the amount is zero"), clip(details, 300)))
            continue
        day = datetime.date(day.year, day.month, day.day)
        reference = info.get("bank_reference") or ""
        customer = info.get("customer_reference") or ""
        if not reference and customer and customer.upper() != "NONREF":
            reference = customer
        narrative = clip(" ".join(part for part in (details, info.get("extra_details") or "") if part), 400)
        statement.lines.append(ParsedLine(line_number=number, date=day, amount=amount, narrative=narrative,
                                          bank_reference=clip(reference, 80), payer_phone=phone_in(narrative)))
    return statement.finish()
