"""What every statement parser returns, and the small readers they share: amounts written as banks write
them, dates in a few formats, phones found in a narrative, and the line where a tag starts in the file."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.academics.phones import phone_normalise


@dataclass
class ParsedLine:
    line_number: int
    date: datetime.date
    amount: Decimal  # money in positive, money out negative
    narrative: str = ""
    bank_reference: str = ""
    payer_name: str = ""
    payer_phone: str = ""
    balance: Decimal | None = None


@dataclass
class ParsedStatement:
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    opening_balance: Decimal | None = None
    closing_balance: Decimal | None = None
    lines: list[ParsedLine] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (line number, reason, text)

    def finish(self) -> "ParsedStatement":
        """Fill the period from the lines when the file did not say it; refuse a file with no good line."""
        if not self.lines:
            if self.rejected:
                line, reason, _text = self.rejected[0]
                raise malformed(line, reason)
            raise malformed(0, _("the file has no transaction lines"))
        dates = [line.date for line in self.lines]
        self.period_start = self.period_start or min(dates)
        self.period_end = self.period_end or max(dates)
        return self


class LineError(ValueError):
    """One line of a file that cannot be read; the parser records it as rejected with this reason."""


def malformed(line: int, reason: str) -> ValidationError:
    if line:
        return ValidationError(_("Line %(line)s: %(reason)s.") % {"line": line, "reason": reason},
                               code="malformed", params={"line": line, "reason": reason})
    return ValidationError(_("The file cannot be read: %(reason)s.") % {"reason": reason},
                           code="malformed", params={"line": 0, "reason": reason})


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


_CURRENCY = re.compile(r"^(TZS|TSH|TSHS|USD|KES|UGX)\.?\s*|\s*(TZS|TSH|TSHS|USD|KES|UGX)$", re.IGNORECASE)


def parse_amount(value) -> Decimal | None:
    """"1,250,000.00", "TZS 1,250,000", "(5,000.00)", "5,000.00 DR", 1250000.0 -> Decimal; None for blank."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, float)):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text in ("", "-", "--"):
        return None
    negative = False
    upper = text.upper()
    if upper.endswith("DR") or upper.endswith("CR"):
        negative = upper.endswith("DR")
        text = text[:-2]
    text = _CURRENCY.sub("", text.strip())
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    text = _CURRENCY.sub("", text.strip()).replace(",", "").replace("'", "")
    if text.startswith("+"):
        text = text[1:]
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise LineError(_("“%(value)s” is not an amount") % {"value": value}) from None
    if not amount.is_finite():
        raise LineError(_("“%(value)s” is not an amount") % {"value": value})
    amount = amount.quantize(Decimal("0.01"))
    return -amount if negative else amount


FALLBACK_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d-%b-%y",
                         "%d/%m/%y", "%Y/%m/%d", "%d %B %Y", "%Y%m%d")


def parse_date(value, date_format: str = "") -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if not text:
        return None
    formats = ((date_format,) if date_format else ()) + FALLBACK_DATE_FORMATS
    candidates = (text, text.split(" ")[0], text.split("T")[0])
    for candidate in candidates:
        for fmt in formats:
            try:
                return datetime.datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    raise LineError(_("“%(value)s” is not a date") % {"value": value})


_PHONE = re.compile(r"(?<![\d])(?:\+?255|0)\s?[67]\d{2}\s?\d{3}\s?\d{3}(?![\d])")


def phone_in(text: str) -> str:
    """The first Tanzanian mobile number written in `text`, in E.164; "" when none."""
    for match in _PHONE.finditer(text or ""):
        try:
            return phone_normalise(match.group(0).replace(" ", ""))
        except ValidationError:
            continue
    return ""


def phone_or_blank(value) -> str:
    try:
        return phone_normalise(str(value or "").strip())
    except ValidationError:
        return phone_in(str(value or ""))


def line_numbers(text: str, pattern: str) -> list[int]:
    """The line (1-based) where each match of `pattern` starts in `text`, in order."""
    numbers, line, position = [], 1, 0
    for match in re.finditer(pattern, text):
        line += text.count("\n", position, match.start())
        position = match.start()
        numbers.append(line)
    return numbers


def clip(value, length: int) -> str:
    return " ".join(str(value or "").split())[:length]
