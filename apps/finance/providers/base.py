"""One interface for every payment provider: check a notification's signature, read the payments in it,
and answer in the provider's own format. Adapters register themselves by code (`mpesa`, `crdb`, ...)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone

from apps.academics.phones import phone_normalise

# the East Africa time the providers write their local timestamps in
EAT = datetime.timezone(datetime.timedelta(hours=3), "EAT")


class Rejected(Exception):
    """A notification refused before anything of it is stored (bad or missing signature)."""

    def __init__(self, reason: str, status: int = 403):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class Malformed(Exception):
    """A signed notification whose body cannot be read as the provider's format."""


@dataclass(frozen=True)
class NormalisedPayment:
    transaction_id: str
    amount: Decimal
    currency: str
    payer_phone: str  # E.164 or ""
    payer_name: str
    reference: str  # as the payer typed it (a control number, with luck)
    paid_at: datetime.datetime  # aware


class PaymentProvider:
    """An adapter. Subclasses set `code`, `signature_header` and `content_type`, and implement `parse`
    and `acknowledge`. Signing defaults to hex HMAC-SHA256 of the raw body with the school's secret."""

    code = ""
    signature_header = ""  # the HTTP header carrying the signature, e.g. "X-Mpesa-Signature"
    signature_prefix = ""  # e.g. "sha256=" before the hex digest
    content_type = "application/json"
    # headers worth keeping with the raw event (never the signature, cookies or authorization)
    kept_headers = ("Content-Type", "User-Agent", "X-Request-Id", "X-Forwarded-For")

    # --- signing ------------------------------------------------------------------------------------

    def sign(self, body: bytes, secret: str) -> str:
        """The signature header's value for `body` (what the provider, or the sandbox simulator, sends)."""
        return self.signature_prefix + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

    def verify(self, request_body: bytes, headers, secret: str) -> None:
        """Refuse (Rejected) a notification whose signature is missing (401) or wrong (403)."""
        if not secret:
            raise Rejected("no signing secret is set for this channel", 403)
        given = (headers.get(self.signature_header) or "").strip()
        if not given:
            raise Rejected(f"missing {self.signature_header} header", 401)
        if not hmac.compare_digest(given.encode(), self.sign(request_body, secret).encode()):
            raise Rejected("signature does not match", 403)

    # --- reading -------------------------------------------------------------------------------------

    def parse(self, body: bytes, headers) -> list[NormalisedPayment]:
        raise NotImplementedError

    def acknowledge(self, events: list[NormalisedPayment], ok: bool = True, error: str = "") -> HttpResponse:
        raise NotImplementedError

    # --- helpers for adapters -----------------------------------------------------------------------

    @staticmethod
    def load_json(body: bytes):
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise Malformed(f"not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise Malformed("expected a JSON object")
        return data

    @staticmethod
    def load_xml(body: bytes) -> ElementTree.Element:
        # entity declarations are refused outright (no billion laughs, no external entities)
        if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
            raise Malformed("XML with a DOCTYPE or entities is refused")
        try:
            return ElementTree.fromstring(body)
        except ElementTree.ParseError as exc:
            raise Malformed(f"not XML: {exc}") from None

    @staticmethod
    def required(data: dict, key: str) -> str:
        value = data.get(key)
        if value is None or str(value).strip() == "":
            raise Malformed(f"{key} is missing")
        return str(value).strip()

    @staticmethod
    def money(value, field: str = "amount") -> Decimal:
        try:
            amount = Decimal(str(value).replace(",", "").strip())
        except (InvalidOperation, AttributeError):
            raise Malformed(f"{field} is not a number: {value!r}") from None
        if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
            raise Malformed(f"{field} must be a positive amount with at most two decimals: {value!r}")
        return amount

    @staticmethod
    def phone(value) -> str:
        """E.164, or "" when the provider masked or left out the number."""
        text = str(value or "").strip()
        if not text or "*" in text:
            return ""
        try:
            return phone_normalise(text)
        except ValidationError:
            return ""

    @staticmethod
    def when(value, formats: tuple[str, ...] = ("%Y%m%d%H%M%S",)) -> datetime.datetime:
        """An aware time from ISO 8601 or one of `formats` (local times are East Africa Time)."""
        text = str(value or "").strip()
        if not text:
            raise Malformed("the payment time is missing")
        parsed = None
        try:
            parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            for fmt in formats:
                try:
                    parsed = datetime.datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise Malformed(f"unreadable payment time: {text!r}")
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=EAT)
        return parsed

    @staticmethod
    def text(value, limit: int) -> str:
        return " ".join(str(value or "").split())[:limit]

    def json_response(self, data: dict, status: int = 200) -> HttpResponse:
        return HttpResponse(json.dumps(data), status=status, content_type="application/json")

    def xml_response(self, root: str, fields: list[tuple[str, str]], status: int = 200) -> HttpResponse:
        element = ElementTree.Element(root)
        for name, value in fields:
            ElementTree.SubElement(element, name).text = str(value)
        body = b'<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(element)
        return HttpResponse(body, status=status, content_type="application/xml")


REGISTRY: dict[str, PaymentProvider] = {}


def register(cls):
    REGISTRY[cls.code] = cls()
    return cls


def provider_get(code: str) -> PaymentProvider | None:
    from apps.finance import providers  # noqa: F401  (the adapters register on import)

    return REGISTRY.get(code)
