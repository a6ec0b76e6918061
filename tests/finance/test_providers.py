"""Each payment provider's adapter: a signed notification is accepted, a missing or wrong signature is
refused (401/403) leaving only a rejection log, a realistic body is read into the same normalised payment,
and the answer is in the provider's format."""

import datetime
import json
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django_tenants.utils import schema_context

from apps.finance.models import InboundEvent, PaymentChannel, PaymentEvent, WebhookRejection
from apps.finance.providers import REGISTRY, Malformed, Rejected, provider_get
from tests.finance.webhook_samples import SECRET, body_for, signed_headers

PROVIDERS = ["mpesa", "airtel", "tigopesa", "nmb", "crdb", "nbc", "sandbox"]
URL = "/api/v1/webhooks/{}/"
PAID_AT = datetime.datetime(2026, 11, 21, 11, 30, 5, tzinfo=datetime.UTC)  # 14:30:05 EAT


@pytest.fixture
def channels(school_a):
    with schema_context(school_a.schema_name):
        PaymentChannel.objects.update(is_enabled=True, secret=SECRET)
    return school_a


def test_every_provider_has_an_adapter_and_a_seeded_channel(in_school_a):
    assert sorted(REGISTRY) == sorted(PROVIDERS)
    seeded = {c.provider: (c.account.code, c.is_enabled, bool(c.secret)) for c in PaymentChannel.objects.all()}
    assert seeded == {"mpesa": ("1131", False, False), "airtel": ("1132", False, False),
                      "tigopesa": ("1133", False, False), "nmb": ("1122", False, False),
                      "crdb": ("1121", False, False), "nbc": ("1123", False, False),
                      "sandbox": ("1131", True, True)}
    assert all("{control_number}" in c.instructions for c in PaymentChannel.objects.all())


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_realistic_notification_is_read_into_one_normalised_payment(provider):
    adapter = provider_get(provider)

    [payment] = adapter.parse(body_for(provider, txn="ABC123"), {})

    assert payment.transaction_id == "ABC123" and payment.amount == Decimal("150000.00")
    assert payment.currency == "TZS" and payment.payer_phone == "+255754123456"
    assert payment.reference == "SCH2600012345" and payment.payer_name.lower() == "amina juma"
    assert payment.paid_at == PAID_AT


@pytest.mark.parametrize("provider", PROVIDERS)
def test_the_signature_is_checked(provider):
    adapter, body = provider_get(provider), body_for(provider)
    good = {adapter.signature_header: adapter.sign(body, SECRET)}

    adapter.verify(body, good, SECRET)
    with pytest.raises(Rejected) as missing:
        adapter.verify(body, {}, SECRET)
    with pytest.raises(Rejected) as wrong:
        adapter.verify(body, {adapter.signature_header: adapter.sign(body, "another")}, SECRET)
    with pytest.raises(Rejected) as tampered:
        adapter.verify(body + b" ", good, SECRET)
    with pytest.raises(Rejected) as unset:
        adapter.verify(body, good, "")

    assert (missing.value.status, wrong.value.status, tampered.value.status, unset.value.status) == (401, 403, 403, 403)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("body", [b"", b"{not json", b"<a><b></a>", b'{"x": 1}', b"<COMMAND><TYPE>X</TYPE></COMMAND>"])
def test_an_unreadable_body_is_malformed(provider, body):
    with pytest.raises(Malformed):
        provider_get(provider).parse(body, {})


def test_amounts_must_be_positive_with_two_decimals():
    adapter = provider_get("mpesa")
    for amount in ("0", "-5", "12.345", "abc", "NaN", "Infinity"):
        with pytest.raises(Malformed):
            adapter.parse(body_for("mpesa", amount=amount), {})


def test_an_airtel_transaction_that_failed_is_no_payment():
    data = json.loads(body_for("airtel"))
    data["transaction"]["status_code"] = "TF"

    assert provider_get("airtel").parse(json.dumps(data).encode(), {}) == []


def test_xml_with_entities_is_refused():
    body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><COMMAND><TXNID>&a;</TXNID></COMMAND>'
    with pytest.raises(Malformed):
        provider_get("tigopesa").parse(body, {})


def test_a_masked_or_bad_phone_is_left_blank():
    assert provider_get("mpesa").parse(body_for("mpesa", phone="2557****456"), {})[0].payer_phone == ""
    assert provider_get("mpesa").parse(body_for("mpesa", phone="12"), {})[0].payer_phone == ""


ACKS = {
    "mpesa": lambda r: json.loads(r.content) == {"ResultCode": 0, "ResultDesc": "Accepted"},
    "airtel": lambda r: json.loads(r.content)["status"]["success"] is True,
    "tigopesa": lambda r: ElementTree.fromstring(r.content).findtext("RESULT") == "TS"
    and ElementTree.fromstring(r.content).findtext("TXNID") == "ABC123",
    "nmb": lambda r: json.loads(r.content)["status"] == "SUCCESS",
    "crdb": lambda r: ElementTree.fromstring(r.content).findtext("StatusCode") == "0",
    "nbc": lambda r: json.loads(r.content)["responseCode"] == "00",
    "sandbox": lambda r: json.loads(r.content) == {"ok": True, "received": 1},
}
ERRORS = {
    "mpesa": lambda r: json.loads(r.content)["ResultCode"] == 1,
    "airtel": lambda r: json.loads(r.content)["status"]["success"] is False,
    "tigopesa": lambda r: ElementTree.fromstring(r.content).findtext("RESULT") == "TF",
    "nmb": lambda r: json.loads(r.content)["status"] == "FAILED",
    "crdb": lambda r: ElementTree.fromstring(r.content).findtext("StatusCode") == "1",
    "nbc": lambda r: json.loads(r.content)["responseCode"] == "96",
    "sandbox": lambda r: json.loads(r.content)["ok"] is False,
}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_signed_notification_is_stored_raw_and_acknowledged_in_the_providers_format(
        client, channels, provider, django_capture_on_commit_callbacks, monkeypatch):
    from apps.finance import tasks_events

    queued = []
    monkeypatch.setattr(tasks_events.process_inbound_event_task, "delay", queued.append)
    body = body_for(provider, txn="ABC123")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL.format(provider), body, HTTP_HOST=channels.primary_host,
                               HTTP_USER_AGENT="provider/1.0", HTTP_COOKIE="x=y", **signed_headers(provider, body))

    assert response.status_code == 200 and ACKS[provider](response), response.content
    with schema_context(channels.schema_name):
        inbound = InboundEvent.objects.get()
        assert inbound.provider == provider and inbound.body.encode() == body
        assert inbound.status == InboundEvent.Status.RECEIVED and len(inbound.body_sha256) == 64
        assert inbound.headers.get("User-Agent") == "provider/1.0"
        assert not any("signature" in h.lower() or h.lower() == "cookie" for h in inbound.headers)
        assert inbound.remote_addr == "127.0.0.1"
        assert queued == [inbound.pk] and not WebhookRejection.objects.exists()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_bad_or_missing_signature_stores_only_a_rejection(client, channels, provider):
    body = body_for(provider)
    wrong = signed_headers(provider, body, secret="not-the-secret")

    missing = client.post(URL.format(provider), body, content_type=wrong["content_type"],
                          HTTP_HOST=channels.primary_host)
    refused = client.post(URL.format(provider), body, HTTP_HOST=channels.primary_host, **wrong)

    assert (missing.status_code, refused.status_code) == (401, 403)
    assert refused.json()["error"]["code"] == "bad_signature"
    with schema_context(channels.schema_name):
        assert not InboundEvent.objects.exists() and not PaymentEvent.objects.exists()
        assert list(WebhookRejection.objects.order_by("id").values_list("provider", "status_code")) == [
            (provider, 401), (provider, 403)]
        assert "body" not in {f.name for f in WebhookRejection._meta.fields}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_signed_but_unreadable_body_is_stored_failed_and_answered_with_the_providers_error(
        client, channels, provider):
    body = b"<garbage" if provider in ("tigopesa", "crdb") else b'{"unexpected": true}'

    response = client.post(URL.format(provider), body, HTTP_HOST=channels.primary_host,
                           **signed_headers(provider, body))

    assert response.status_code == 400 and ERRORS[provider](response), response.content
    with schema_context(channels.schema_name):
        inbound = InboundEvent.objects.get()
        assert inbound.status == InboundEvent.Status.FAILED and inbound.error


def test_unknown_provider_404_and_switched_off_channel_403_store_only_rejections(client, school_a):
    body = body_for("mpesa")
    unknown = client.post(URL.format("paypal"), body, content_type="application/json",
                          HTTP_HOST=school_a.primary_host)
    off = client.post(URL.format("mpesa"), body, HTTP_HOST=school_a.primary_host,
                      **signed_headers("mpesa", body))  # seeded switched off

    assert (unknown.status_code, off.status_code) == (404, 403)
    with schema_context(school_a.schema_name):
        assert not InboundEvent.objects.exists()
        assert list(WebhookRejection.objects.order_by("id").values_list("provider", "status_code")) == [
            ("paypal", 404), ("mpesa", 403)]


def test_a_bearer_token_or_xml_accept_header_changes_nothing(client, channels, monkeypatch):
    from apps.finance import tasks_events

    monkeypatch.setattr(tasks_events.process_inbound_event_task, "delay", lambda pk: None)
    body = body_for("crdb")

    response = client.post(URL.format("crdb"), body, HTTP_HOST=channels.primary_host, HTTP_ACCEPT="application/xml",
                           HTTP_AUTHORIZATION="Bearer not-a-token", HTTP_IDEMPOTENCY_KEY="k1",
                           **signed_headers("crdb", body))

    assert response.status_code == 200 and response["Content-Type"] == "application/xml"


def test_the_webhook_is_not_on_the_platform_host(client, channels):
    body = body_for("sandbox")
    response = client.post(URL.format("sandbox"), body, HTTP_HOST="localhost", **signed_headers("sandbox", body))

    assert response.status_code == 404


def test_school_b_sees_none_of_school_as_notifications(client, channels, school_b, monkeypatch):
    from apps.finance import tasks_events

    monkeypatch.setattr(tasks_events.process_inbound_event_task, "delay", lambda pk: None)
    body = body_for("sandbox")
    client.post(URL.format("sandbox"), body, HTTP_HOST=channels.primary_host, **signed_headers("sandbox", body))
    client.post(URL.format("sandbox"), body, HTTP_HOST=school_b.primary_host, **signed_headers("sandbox", body))

    with schema_context(school_b.schema_name):
        # school B's sandbox has its own secret: school A's signature is refused there
        assert not InboundEvent.objects.exists()
        assert WebhookRejection.objects.get().status_code == 403
    with schema_context(channels.schema_name):
        assert InboundEvent.objects.count() == 1
