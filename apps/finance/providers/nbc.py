"""NBC Bank collection notification, JSON, possibly several payments in one batch:

    {"batchId": "NBC-20261121-0042", "payments": [
        {"transactionId": "FT26325ABC12", "reference": "SCH2600012345", "amount": 150000, "currency": "TZS",
         "payerName": "AMINA JUMA", "payerPhone": "+255754123456", "valueDate": "2026-11-21T14:30:05+03:00"}]}

Signed: X-NBC-Signature = "sha256=" + hex HMAC-SHA256 of the raw body. Answer: {"responseCode": "00",
"responseMessage": "Success", "batchId": ..., "received": n}; refused: responseCode "96", 400."""

from apps.finance.providers.base import Malformed, NormalisedPayment, PaymentProvider, register


@register
class NbcProvider(PaymentProvider):
    code = "nbc"
    signature_header = "X-NBC-Signature"
    signature_prefix = "sha256="

    def parse(self, body, headers):
        data = self.load_json(body)
        rows = data.get("payments")
        if not isinstance(rows, list) or not rows or not all(isinstance(row, dict) for row in rows):
            raise Malformed("payments must be a non-empty list")
        return [NormalisedPayment(
            transaction_id=self.text(self.required(row, "transactionId"), 80),
            amount=self.money(self.required(row, "amount")),
            currency=self.text(row.get("currency") or "TZS", 3).upper(),
            payer_phone=self.phone(row.get("payerPhone")),
            payer_name=self.text(row.get("payerName"), 120),
            reference=self.text(row.get("reference"), 120),
            paid_at=self.when(self.required(row, "valueDate")),
        ) for row in rows]

    def acknowledge(self, events, ok=True, error=""):
        if ok:
            return self.json_response({"responseCode": "00", "responseMessage": "Success", "received": len(events)})
        return self.json_response({"responseCode": "96", "responseMessage": error[:200]}, status=400)
