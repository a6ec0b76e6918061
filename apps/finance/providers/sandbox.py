"""The sandbox provider: what the console's payment simulator sends (and what a developer can send with
curl), JSON:

    {"transaction_id": "SBX-MP-7F3K2Q9A", "amount": "150000.00", "currency": "TZS", "phone": "+255754123456",
     "name": "Amina Juma", "reference": "SCH2600012345", "paid_at": "2026-11-21T14:30:05+03:00",
     "via": "mpesa"}

`via` says which channel it looks like (for display only). Signed: X-Sandbox-Signature = "sha256=" + hex
HMAC-SHA256 of the raw body with the school's sandbox secret. Answer: {"ok": true, "received": n};
refused: {"ok": false, "error": ...}, 400."""

import json
import secrets

from django.utils import timezone

from apps.finance.providers.base import NormalisedPayment, PaymentProvider, register


@register
class SandboxProvider(PaymentProvider):
    code = "sandbox"
    signature_header = "X-Sandbox-Signature"
    signature_prefix = "sha256="

    def parse(self, body, headers):
        data = self.load_json(body)
        return [NormalisedPayment(
            transaction_id=self.text(self.required(data, "transaction_id"), 80),
            amount=self.money(self.required(data, "amount")),
            currency=self.text(data.get("currency") or "TZS", 3).upper(),
            payer_phone=self.phone(data.get("phone")),
            payer_name=self.text(data.get("name"), 120),
            reference=self.text(data.get("reference"), 120),
            paid_at=self.when(self.required(data, "paid_at")),
        )]

    def acknowledge(self, events, ok=True, error=""):
        if ok:
            return self.json_response({"ok": True, "received": len(events)})
        return self.json_response({"ok": False, "error": error[:200]}, status=400)

    @staticmethod
    def payload(*, amount, reference: str, phone: str = "", name: str = "", via: str = "mpesa",
                transaction_id: str = "") -> bytes:
        """A notification body as the simulator sends it (a fresh transaction id unless one is given)."""
        return json.dumps({
            "transaction_id": transaction_id or f"SBX-{via[:2].upper()}-{secrets.token_hex(5).upper()}",
            "amount": str(amount), "currency": "TZS", "phone": phone, "name": name, "reference": reference,
            "paid_at": timezone.now().isoformat(), "via": via,
        }).encode()
