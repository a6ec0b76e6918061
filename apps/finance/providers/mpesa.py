"""M-Pesa (Vodacom Tanzania) C2B confirmation: a paybill payment as one JSON object.

    {"TransactionType": "Pay Bill", "TransID": "RKTQDM7W6S", "TransTime": "20261121143005",
     "TransAmount": "150000.00", "BusinessShortCode": "400200", "BillRefNumber": "SCH2600012345",
     "MSISDN": "255754123456", "FirstName": "Amina", "MiddleName": "", "LastName": "Juma", "Currency": "TZS"}

Signed: X-Mpesa-Signature = hex HMAC-SHA256 of the raw body with the channel's secret (the aggregator's
signing; Vodacom's own is by IP allow-list and certificate). Answer: {"ResultCode": 0, "ResultDesc":
"Accepted"}; refused: {"ResultCode": 1, "ResultDesc": "Rejected: ..."} with 400."""

from apps.finance.providers.base import NormalisedPayment, PaymentProvider, register


@register
class MpesaProvider(PaymentProvider):
    code = "mpesa"
    signature_header = "X-Mpesa-Signature"

    def parse(self, body, headers):
        data = self.load_json(body)
        name = " ".join(filter(None, (self.text(data.get(k), 40) for k in ("FirstName", "MiddleName", "LastName"))))
        return [NormalisedPayment(
            transaction_id=self.text(self.required(data, "TransID"), 80),
            amount=self.money(self.required(data, "TransAmount"), "TransAmount"),
            currency=self.text(data.get("Currency") or "TZS", 3).upper(),
            payer_phone=self.phone(data.get("MSISDN")),
            payer_name=name[:120],
            reference=self.text(data.get("BillRefNumber"), 120),
            paid_at=self.when(self.required(data, "TransTime")),
        )]

    def acknowledge(self, events, ok=True, error=""):
        if ok:
            return self.json_response({"ResultCode": 0, "ResultDesc": "Accepted"})
        return self.json_response({"ResultCode": 1, "ResultDesc": f"Rejected: {error}"[:200]}, status=400)
