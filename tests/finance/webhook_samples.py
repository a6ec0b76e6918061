"""Realistic notification bodies for each payment provider, and signing them as the provider would."""

import json

from apps.finance.providers import provider_get

SECRET = "test-channel-secret"


def body_for(provider: str, *, txn: str = "TX1", amount: str = "150000.00", reference: str = "SCH2600012345",
             phone: str = "255754123456", name: str = "Amina Juma") -> bytes:
    if provider == "mpesa":
        first, _, last = name.partition(" ")
        return json.dumps({"TransactionType": "Pay Bill", "TransID": txn, "TransTime": "20261121143005",
                           "TransAmount": amount, "BusinessShortCode": "400200", "BillRefNumber": reference,
                           "MSISDN": phone, "FirstName": first, "MiddleName": "", "LastName": last}).encode()
    if provider == "airtel":
        return json.dumps({"transaction": {"id": reference, "message": "Paid", "status_code": "TS",
                                           "airtel_money_id": txn, "amount": amount, "currency": "TZS",
                                           "msisdn": phone[-9:], "name": name,
                                           "timestamp": "2026-11-21T14:30:05+03:00"}}).encode()
    if provider == "tigopesa":
        return (f"<COMMAND><TYPE>SYNC_BILLPAY_REQUEST</TYPE><TXNID>{txn}</TXNID><MSISDN>{phone}</MSISDN>"
                f"<AMOUNT>{amount}</AMOUNT><COMPANYNAME>400300</COMPANYNAME><CUSTOMERREFERENCEID>{reference}"
                f"</CUSTOMERREFERENCEID><SENDERNAME>{name}</SENDERNAME><TXNDATE>20261121143005</TXNDATE>"
                "</COMMAND>").encode()
    if provider == "nmb":
        return json.dumps({"transactionRef": txn, "controlNumber": reference, "amount": amount, "currency": "TZS",
                           "payerName": name.upper(), "payerMobile": "0" + phone[-9:],
                           "transactionDate": "2026-11-21 14:30:05", "channel": "WAKALA"}).encode()
    if provider == "crdb":
        return (f"<PaymentNotification><TransactionID>{txn}</TransactionID><PaymentReference>{reference}"
                f"</PaymentReference><Amount>{amount}</Amount><Currency>TZS</Currency><PayerName>{name.upper()}"
                f"</PayerName><PayerPhone>{phone}</PayerPhone><TransactionDate>2026-11-21T14:30:05"
                "</TransactionDate><Channel>SIMBANKING</Channel></PaymentNotification>").encode()
    if provider == "nbc":
        return json.dumps({"batchId": "NBC-20261121-0042", "payments": [
            {"transactionId": txn, "reference": reference, "amount": amount, "currency": "TZS",
             "payerName": name.upper(), "payerPhone": "+" + phone, "valueDate": "2026-11-21T14:30:05+03:00"}]}).encode()
    if provider == "sandbox":
        return json.dumps({"transaction_id": txn, "amount": amount, "currency": "TZS", "phone": "+" + phone,
                           "name": name, "reference": reference, "paid_at": "2026-11-21T14:30:05+03:00",
                           "via": "mpesa"}).encode()
    raise ValueError(provider)


def signed_headers(provider: str, body: bytes, secret: str = SECRET) -> dict:
    """Django test client keyword arguments carrying the provider's signature header."""
    adapter = provider_get(provider)
    header = "HTTP_" + adapter.signature_header.upper().replace("-", "_")
    return {header: adapter.sign(body, secret), "content_type": adapter.content_type}
