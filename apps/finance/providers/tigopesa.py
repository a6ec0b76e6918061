"""Mixx by Yas (Tigo Pesa) C2B "wallet to account" bill payment: XML.

    <COMMAND><TYPE>SYNC_BILLPAY_REQUEST</TYPE><TXNID>MP261121.1430.T12345</TXNID><MSISDN>255714123456</MSISDN>
    <AMOUNT>150000</AMOUNT><COMPANYNAME>400300</COMPANYNAME><CUSTOMERREFERENCEID>SCH2600012345</CUSTOMERREFERENCEID>
    <SENDERNAME>Amina Juma</SENDERNAME><TXNDATE>20261121143005</TXNDATE></COMMAND>

Signed: X-Tigo-Signature = hex HMAC-SHA256 of the raw body. Answer, XML: SYNC_BILLPAY_RESPONSE with
RESULT TS, ERRORCODE error000 and FLAG Y; refused: RESULT TF, ERRORCODE error100, FLAG N, 400."""

from django.utils import timezone

from apps.finance.providers.base import Malformed, NormalisedPayment, PaymentProvider, register


@register
class TigoPesaProvider(PaymentProvider):
    code = "tigopesa"
    signature_header = "X-Tigo-Signature"
    content_type = "application/xml"

    def parse(self, body, headers):
        root = self.load_xml(body)
        data = {child.tag.upper(): (child.text or "").strip() for child in root}
        if data.get("TYPE") != "SYNC_BILLPAY_REQUEST":
            raise Malformed(f"unexpected TYPE {data.get('TYPE')!r}")
        return [NormalisedPayment(
            transaction_id=self.text(self.required(data, "TXNID"), 80),
            amount=self.money(self.required(data, "AMOUNT"), "AMOUNT"),
            currency="TZS",
            payer_phone=self.phone(data.get("MSISDN")),
            payer_name=self.text(data.get("SENDERNAME"), 120),
            reference=self.text(data.get("CUSTOMERREFERENCEID"), 120),
            paid_at=self.when(data["TXNDATE"]) if data.get("TXNDATE") else timezone.now(),
        )]

    def acknowledge(self, events, ok=True, error=""):
        event = events[0] if events else None
        return self.xml_response("COMMAND", [
            ("TYPE", "SYNC_BILLPAY_RESPONSE"),
            ("TXNID", event.transaction_id if event else ""),
            ("REFID", event.reference if event else ""),
            ("RESULT", "TS" if ok else "TF"),
            ("ERRORCODE", "error000" if ok else "error100"),
            ("ERRORDESC", "Successful" if ok else error[:200]),
            ("MSISDN", event.payer_phone.lstrip("+") if event else ""),
            ("FLAG", "Y" if ok else "N"),
            ("CONTENT", "Payment received" if ok else "Payment not received"),
        ], status=200 if ok else 400)
