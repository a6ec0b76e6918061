"""NMB Bank payment notification (a deposit to the school's collection account quoting a control number),
JSON:

    {"transactionRef": "NMB26112114300512", "controlNumber": "SCH2600012345", "amount": "150000.00",
     "currency": "TZS", "payerName": "AMINA JUMA", "payerMobile": "0754123456",
     "transactionDate": "2026-11-21 14:30:05", "channel": "WAKALA", "accountNumber": "20110012345"}

Signed: X-NMB-Signature = hex HMAC-SHA256 of the raw body. Answer: {"status": "SUCCESS", "statusCode":
"200", "message": "Notification received", "transactionRef": ...}; refused: status FAILED, 400."""

from apps.finance.providers.base import NormalisedPayment, PaymentProvider, register


@register
class NmbProvider(PaymentProvider):
    code = "nmb"
    signature_header = "X-NMB-Signature"

    def parse(self, body, headers):
        data = self.load_json(body)
        return [NormalisedPayment(
            transaction_id=self.text(self.required(data, "transactionRef"), 80),
            amount=self.money(self.required(data, "amount")),
            currency=self.text(data.get("currency") or "TZS", 3).upper(),
            payer_phone=self.phone(data.get("payerMobile")),
            payer_name=self.text(data.get("payerName"), 120),
            reference=self.text(data.get("controlNumber") or data.get("narration"), 120),
            paid_at=self.when(self.required(data, "transactionDate"), ("%Y-%m-%d %H:%M:%S",)),
        )]

    def acknowledge(self, events, ok=True, error=""):
        ref = events[0].transaction_id if events else ""
        if ok:
            return self.json_response({"status": "SUCCESS", "statusCode": "200", "message": "Notification received",
                                       "transactionRef": ref})
        return self.json_response({"status": "FAILED", "statusCode": "400", "message": error[:200],
                                   "transactionRef": ref}, status=400)
