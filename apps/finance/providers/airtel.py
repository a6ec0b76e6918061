"""Airtel Money (Tanzania) collection callback: one transaction per notification, only "TS" (successful)
ones are payments.

    {"transaction": {"id": "SCH2600012345", "message": "Paid TZS 150000", "status_code": "TS",
     "airtel_money_id": "MP261121.1430.A12345", "amount": "150000", "currency": "TZS",
     "msisdn": "684123456", "name": "Amina Juma", "timestamp": "2026-11-21T14:30:05+03:00"}}

`id` is the reference the payer gave. Signed: X-Airtel-Signature = hex HMAC-SHA256 of the raw body.
Answer: {"status": {"code": "200", "message": "SUCCESS", "result_code": "ESB000010", "success": true}};
refused: the same with success false and code "400"."""

from apps.finance.providers.base import Malformed, NormalisedPayment, PaymentProvider, register


@register
class AirtelProvider(PaymentProvider):
    code = "airtel"
    signature_header = "X-Airtel-Signature"

    def parse(self, body, headers):
        data = self.load_json(body).get("transaction")
        if not isinstance(data, dict):
            raise Malformed("transaction is missing")
        if self.text(data.get("status_code"), 4).upper() != "TS":
            return []  # a failed or pending transaction: nothing was paid
        return [NormalisedPayment(
            transaction_id=self.text(self.required(data, "airtel_money_id"), 80),
            amount=self.money(self.required(data, "amount")),
            currency=self.text(data.get("currency") or "TZS", 3).upper(),
            payer_phone=self.phone(data.get("msisdn")),
            payer_name=self.text(data.get("name"), 120),
            reference=self.text(data.get("id"), 120),
            paid_at=self.when(self.required(data, "timestamp")),
        )]

    def acknowledge(self, events, ok=True, error=""):
        status = {"code": "200" if ok else "400", "message": "SUCCESS" if ok else f"FAILED: {error}"[:200],
                  "result_code": "ESB000010" if ok else "ESB000001", "success": ok}
        return self.json_response({"status": status}, status=200 if ok else 400)
