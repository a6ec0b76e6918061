"""A notification body as each provider sends it, for a payment at a given time: what the demo seed sends
through the providers' own verify, store and process path, and what tests build their notifications from."""

import datetime
import json
from zoneinfo import ZoneInfo

EAT = ZoneInfo("Africa/Dar_es_Salaam")


def body_for(provider: str, *, txn: str = "TX1", amount: str = "150000.00", reference: str = "SCH2600012345",
             phone: str = "255754123456", name: str = "Amina Juma",
             paid_at: datetime.datetime | None = None) -> bytes:
    at = (paid_at or datetime.datetime(2026, 11, 21, 14, 30, 5, tzinfo=EAT)).astimezone(EAT)
    compact, iso, plain = at.strftime("%Y%m%d%H%M%S"), at.isoformat(timespec="seconds"), at.strftime("%Y-%m-%d %H:%M:%S")
    if provider == "mpesa":
        first, _, last = name.partition(" ")
        return json.dumps({"TransactionType": "Pay Bill", "TransID": txn, "TransTime": compact,
                           "TransAmount": amount, "BusinessShortCode": "400200", "BillRefNumber": reference,
                           "MSISDN": phone, "FirstName": first, "MiddleName": "", "LastName": last}).encode()
    if provider == "airtel":
        return json.dumps({"transaction": {"id": reference, "message": "Paid", "status_code": "TS",
                                           "airtel_money_id": txn, "amount": amount, "currency": "TZS",
                                           "msisdn": phone[-9:], "name": name, "timestamp": iso}}).encode()
    if provider == "tigopesa":
        return (f"<COMMAND><TYPE>SYNC_BILLPAY_REQUEST</TYPE><TXNID>{txn}</TXNID><MSISDN>{phone}</MSISDN>"
                f"<AMOUNT>{amount}</AMOUNT><COMPANYNAME>400300</COMPANYNAME><CUSTOMERREFERENCEID>{reference}"
                f"</CUSTOMERREFERENCEID><SENDERNAME>{name}</SENDERNAME><TXNDATE>{compact}</TXNDATE>"
                "</COMMAND>").encode()
    if provider == "nmb":
        return json.dumps({"transactionRef": txn, "controlNumber": reference, "amount": amount, "currency": "TZS",
                           "payerName": name.upper(), "payerMobile": "0" + phone[-9:],
                           "transactionDate": plain, "channel": "WAKALA"}).encode()
    if provider == "crdb":
        return (f"<PaymentNotification><TransactionID>{txn}</TransactionID><PaymentReference>{reference}"
                f"</PaymentReference><Amount>{amount}</Amount><Currency>TZS</Currency><PayerName>{name.upper()}"
                f"</PayerName><PayerPhone>{phone}</PayerPhone><TransactionDate>{at:%Y-%m-%dT%H:%M:%S}"
                "</TransactionDate><Channel>SIMBANKING</Channel></PaymentNotification>").encode()
    if provider == "nbc":
        return json.dumps({"batchId": f"NBC-{at:%Y%m%d}-0042", "payments": [
            {"transactionId": txn, "reference": reference, "amount": amount, "currency": "TZS",
             "payerName": name.upper(), "payerPhone": "+" + phone, "valueDate": iso}]}).encode()
    if provider == "sandbox":
        return json.dumps({"transaction_id": txn, "amount": amount, "currency": "TZS", "phone": "+" + phone,
                           "name": name, "reference": reference, "paid_at": iso, "via": "mpesa"}).encode()
    raise ValueError(provider)
