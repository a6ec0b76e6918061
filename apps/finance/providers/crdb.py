"""CRDB Bank payment notification, XML (as the bank's collection service sends it):

    <PaymentNotification><TransactionID>CRDB2611211430AB12</TransactionID><PaymentReference>SCH2600012345
    </PaymentReference><Amount>150000.00</Amount><Currency>TZS</Currency><PayerName>AMINA JUMA</PayerName>
    <PayerPhone>255754123456</PayerPhone><TransactionDate>2026-11-21T14:30:05</TransactionDate>
    <Channel>SIMBANKING</Channel></PaymentNotification>

Signed: X-CRDB-Signature = hex HMAC-SHA256 of the raw body. Answer, XML: <PaymentNotificationResponse>
<StatusCode>0</StatusCode><StatusDescription>Received</StatusDescription><TransactionID>...; refused:
StatusCode 1 with the reason, 400."""

from apps.finance.providers.base import NormalisedPayment, PaymentProvider, register


@register
class CrdbProvider(PaymentProvider):
    code = "crdb"
    signature_header = "X-CRDB-Signature"
    content_type = "application/xml"

    def parse(self, body, headers):
        root = self.load_xml(body)
        data = {child.tag: (child.text or "").strip() for child in root}
        return [NormalisedPayment(
            transaction_id=self.text(self.required(data, "TransactionID"), 80),
            amount=self.money(self.required(data, "Amount"), "Amount"),
            currency=self.text(data.get("Currency") or "TZS", 3).upper(),
            payer_phone=self.phone(data.get("PayerPhone")),
            payer_name=self.text(data.get("PayerName"), 120),
            reference=self.text(data.get("PaymentReference"), 120),
            paid_at=self.when(self.required(data, "TransactionDate")),
        )]

    def acknowledge(self, events, ok=True, error=""):
        return self.xml_response("PaymentNotificationResponse", [
            ("StatusCode", "0" if ok else "1"),
            ("StatusDescription", "Received" if ok else error[:200]),
            ("TransactionID", events[0].transaction_id if events else ""),
        ], status=200 if ok else 400)
