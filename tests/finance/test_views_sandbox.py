"""The payment channel pages (the secret only ever "set"/"not set", changed by school admins only), the
sandbox simulator (through the real webhook to a paid invoice), the notifications page; others 403,
school B sees none of it."""

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.finance import tasks_events
from apps.finance.models import InboundEvent, Invoice, Payment, PaymentChannel, PaymentEvent, WebhookRejection
from apps.finance.services import invoice_issue
from apps.finance.services_events import inbound_event_process
from apps.ledger.models import Account
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.finance.factories_invoices import fee_setup


@pytest.fixture
def accountant_client(client, school_a):
    with schema_context(school_a.schema_name):
        user = UserFactory(role="accountant")
    console_login(client, school_a, user)
    return client


@pytest.fixture
def admin_client(client, school_a, admin_a):
    console_login(client, school_a, admin_a)
    return client


@pytest.fixture
def channel(school_a):
    with schema_context(school_a.schema_name):
        return PaymentChannel.objects.get(provider="mpesa")


@pytest.fixture
def processed_inline(monkeypatch):
    monkeypatch.setattr(tasks_events.process_inbound_event_task, "delay",
                        lambda inbound_id: inbound_event_process(inbound_id=inbound_id))


def _form(channel, **changes):
    data = {"account": channel.account_id, "business_number": "400200", "account_name": "Alpha School",
            "instructions": "Pay {control_number}", "order": 1}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_channel_list_says_whether_a_secret_is_set_never_what_it_is(admin_client, school_a):
    with schema_context(school_a.schema_name):
        secret = PaymentChannel.objects.get(provider="sandbox").secret

    response = admin_client.get("/finance/channels/")

    html = response.content.decode()
    assert response.status_code == 200 and secret not in html
    assert "not set" in html and "/api/v1/webhooks/mpesa/" in html


def test_an_admin_sets_the_secret_and_switches_the_channel_on(admin_client, school_a, channel):
    refused = admin_client.post(f"/finance/channels/{channel.pk}/", _form(channel, is_enabled="on"))
    short = admin_client.post(f"/finance/channels/{channel.pk}/", _form(channel, secret="short"))
    saved = admin_client.post(f"/finance/channels/{channel.pk}/",
                              _form(channel, is_enabled="on", secret="a-long-enough-signing-secret"))

    assert (refused.status_code, short.status_code, saved.status_code) == (400, 400, 302)
    assert "Set the signing secret" in refused.content.decode()
    with schema_context(school_a.schema_name):
        channel.refresh_from_db()
        assert channel.is_enabled and channel.secret == "a-long-enough-signing-secret"
        assert channel.business_number == "400200"
        event = AuditEvent.objects.filter(action="finance.payment_channel_update").get()
        assert event.changes["secret"] == ["not set", "changed"]
        assert "a-long-enough-signing-secret" not in str(event.changes)
    page = admin_client.get(f"/finance/channels/{channel.pk}/").content.decode()
    assert "a-long-enough-signing-secret" not in page and 'type="password"' in page


def test_an_accountant_edits_a_channel_but_not_its_secret(accountant_client, school_a, channel):
    page = accountant_client.get(f"/finance/channels/{channel.pk}/")
    response = accountant_client.post(f"/finance/channels/{channel.pk}/",
                                      _form(channel, business_number="999", secret="sneaky-secret-value-123"))

    assert page.status_code == 200 and 'name="secret"' not in page.content.decode()
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        channel.refresh_from_db()
        assert channel.business_number == "999" and channel.secret == ""


def test_a_channel_must_land_in_a_cash_bank_or_wallet_account(admin_client, school_a, channel):
    with schema_context(school_a.schema_name):
        income = Account.objects.get(code="4110")

    response = admin_client.post(f"/finance/channels/{channel.pk}/", _form(channel, account=income.pk))

    assert response.status_code == 400
    with schema_context(school_a.schema_name):
        channel.refresh_from_db()
        assert channel.account.code == "1131"


def test_the_simulator_pays_an_invoice_through_the_webhook(accountant_client, school_a, admin_a, processed_inline,
                                                           django_capture_on_commit_callbacks):
    with schema_context(school_a.schema_name):
        setup = fee_setup(actor=admin_a, students=1)
        invoice = invoice_issue(student=setup["students"][0], term=setup["term"], actor=admin_a,
                                issued_on=timezone.localdate())

    with django_capture_on_commit_callbacks(execute=True):
        response = accountant_client.post("/finance/sandbox/", {
            "amount": str(invoice.total), "reference": invoice.control_number, "via": "airtel",
            "phone": "0754 123 456", "name": "Amina Juma"})

    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        inbound = InboundEvent.objects.get()
        assert response["Location"] == f"/finance/sandbox/?sent={inbound.pk}"
        assert inbound.status == InboundEvent.Status.PROCESSED
        assert inbound.headers["User-Agent"] == "OmniCore sandbox simulator"
        event = PaymentEvent.objects.get()
        assert event.payer_phone == "+255754123456" and event.status == PaymentEvent.Status.MATCHED
        payment = Payment.objects.get(event=event)
        invoice.refresh_from_db()
        assert invoice.status == Invoice.Status.PAID
        assert AuditEvent.objects.filter(action="finance.sandbox_payment_simulate").count() == 1
    page = accountant_client.get(response["Location"]).content.decode()
    assert payment.receipt_number in page and invoice.control_number in page and "hx-trigger" not in page
    partial = accountant_client.get(f"/finance/sandbox/{inbound.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="sandbox-status"' in partial and "<html" not in partial and payment.receipt_number in partial


def test_a_notification_still_waiting_keeps_polling(accountant_client, school_a, monkeypatch):
    monkeypatch.setattr(tasks_events.process_inbound_event_task, "delay", lambda pk: None)

    response = accountant_client.post("/finance/sandbox/", {"amount": "1000", "reference": "X", "via": "mpesa"},
                                      follow=True)

    html = response.content.decode()
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in html and "Received" in html


def test_bad_input_to_the_simulator_sends_nothing(accountant_client, school_a):
    response = accountant_client.post("/finance/sandbox/", {"amount": "-5", "reference": "", "via": "mpesa",
                                                            "phone": "12"})

    assert response.status_code == 400
    with schema_context(school_a.schema_name):
        assert not InboundEvent.objects.exists() and not WebhookRejection.objects.exists()


def test_the_simulator_is_gone_while_the_sandbox_is_switched_off(accountant_client, school_a):
    with schema_context(school_a.schema_name):
        inbound = InboundEvent.objects.create(provider="sandbox", body="{}", body_sha256="x")
        PaymentChannel.objects.filter(provider="sandbox").update(is_enabled=False)

    assert accountant_client.get("/finance/sandbox/").status_code == 404
    assert accountant_client.get(f"/finance/sandbox/{inbound.pk}/").status_code == 404


def test_the_notifications_page_lists_events_and_refusals_in_bounded_queries(
        accountant_client, school_a, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for n in range(30):
            InboundEvent.objects.create(provider="mpesa", body="{}", body_sha256=str(n), status="failed", error="bad")
        WebhookRejection.objects.create(provider="crdb", reason="signature does not match", status_code=403)

    with django_assert_max_num_queries(30):
        response = accountant_client.get("/finance/notifications/?status=failed")

    html = response.content.decode()
    assert response.status_code == 200 and html.count('data-testid="inbound-row"') == 30
    assert "signature does not match" in html


def test_others_are_refused(client, school_a, channel):
    with schema_context(school_a.schema_name):
        teacher = UserFactory(role="teacher")
        inbound = InboundEvent.objects.create(provider="sandbox", body="{}", body_sha256="x")
    console_login(client, school_a, teacher)

    assert client.get(f"/finance/channels/{channel.pk}/").status_code == 403
    assert client.post(f"/finance/channels/{channel.pk}/", _form(channel, business_number="1")).status_code == 403
    assert client.post("/finance/sandbox/", {"amount": "1", "reference": "X", "via": "mpesa"}).status_code == 403
    assert client.get(f"/finance/sandbox/{inbound.pk}/").status_code == 403
    with schema_context(school_a.schema_name):
        assert not InboundEvent.objects.exclude(pk=inbound.pk).exists()
        channel.refresh_from_db()
        assert channel.business_number == ""


def test_school_b_sees_none_of_school_as_notifications(client, school_a, school_b, admin_b):
    with schema_context(school_a.schema_name):
        InboundEvent.objects.create(provider="mpesa", body="{}", body_sha256="x", error="only-in-school-a")
    console_login(client, school_b, admin_b)

    response = client.get("/finance/notifications/")

    assert response.status_code == 200 and "only-in-school-a" not in response.content.decode()
