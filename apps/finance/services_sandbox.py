"""Payment channel settings (edited by the bursar; the signing secret by school admins only, never shown)
and the sandbox simulator: "a parent pays 150,000 with reference X", built as the sandbox provider's
notification, signed with the school's sandbox secret and handed to the same webhook view providers reach
(URL resolution, signature check, raw store, queueing and the acknowledgement are the real ones; only the
network and the middleware are skipped)."""

import hashlib
import io
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.handlers.wsgi import WSGIRequest
from django.db import transaction
from django.urls import resolve, reverse
from django.utils.translation import gettext as _

from apps.accounts.roles import Role
from apps.audit.services import audit_record
from apps.finance.models import InboundEvent, PaymentChannel
from apps.finance.providers import provider_get
from apps.finance.providers.sandbox import SandboxProvider
from apps.ledger.models import Account

RECEIVING = (Account.Purpose.CASH, Account.Purpose.BANK, Account.Purpose.WALLET)
EDITABLE = ("is_enabled", "account", "business_number", "account_name", "instructions", "order")


@transaction.atomic
def payment_channel_update(*, channel: PaymentChannel, actor, secret: str | None = None, request=None,
                           **fields) -> PaymentChannel:
    """Change a channel's settings; `secret` (None: unchanged) only by a school admin. A channel cannot
    accept notifications without a secret to check them with."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if secret is not None and getattr(actor, "role", None) != Role.SCHOOL_ADMIN:
        raise PermissionDenied
    channel = PaymentChannel.objects.select_for_update().get(pk=channel.pk)
    account = fields.get("account", channel.account)
    if account.is_group or not account.is_active or account.purpose not in RECEIVING:
        raise ValidationError({"account": _("Money is received into an active cash, bank or mobile-money account.")},
                              code="bad_account")
    if secret is not None:
        secret = secret.strip()
        if len(secret) < 16:
            raise ValidationError({"secret": _("The signing secret must have at least 16 characters.")},
                                  code="short_secret")
    if fields.get("is_enabled", channel.is_enabled) and not (secret or channel.secret):
        raise ValidationError({"is_enabled": _("Set the signing secret before accepting notifications.")},
                              code="no_secret")
    changes = {}
    for name, value in fields.items():
        old = getattr(channel, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(channel, name, value)
    if secret is not None and secret != channel.secret:
        changes["secret"] = ["set" if channel.secret else "not set", "changed"]  # never the value
        channel.secret = secret
    if changes:
        channel.full_clean()
        channel.save()
        audit_record(action="finance.payment_channel_update", actor=actor, target=channel, changes=changes,
                     request=request)
    return channel


def _webhook_request(*, request, provider: str, body: bytes, headers: dict) -> tuple[str, WSGIRequest]:
    path = reverse("api:webhook", kwargs={"provider": provider})
    host = request.get_host()
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": "",
        "CONTENT_TYPE": provider_get(provider).content_type, "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": request.scheme, "HTTP_HOST": host,
        "SERVER_NAME": host.split(":")[0], "SERVER_PORT": str(request.get_port()),
        "REMOTE_ADDR": request.META.get("REMOTE_ADDR") or "127.0.0.1",
        "HTTP_USER_AGENT": "OmniCore sandbox simulator",
        **{"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()},
    }
    inner = WSGIRequest(environ)
    inner.tenant = getattr(request, "tenant", None)
    inner.urlconf = getattr(request, "urlconf", None)
    return path, inner


def sandbox_payment_simulate(*, request, amount, reference: str, via: str = "mpesa", phone: str = "",
                             name: str = "", actor) -> InboundEvent:
    """Send "a parent paid `amount` quoting `reference`" through the sandbox webhook; the notification as
    it was stored (the worker turns it into a payment event and, matched, a payment)."""
    channel = PaymentChannel.objects.filter(provider="sandbox").first()
    if channel is None or not channel.is_enabled or not channel.secret:
        raise ValidationError(_("The sandbox channel is switched off."), code="sandbox_off")
    value = Decimal(str(amount))
    if value <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")}, code="not_positive")
    adapter = provider_get("sandbox")
    body = SandboxProvider.payload(amount=value.quantize(Decimal("0.01")), reference=reference.strip(),
                                   phone=phone, name=name.strip(), via=via)
    path, inner = _webhook_request(request=request, provider="sandbox", body=body,
                                   headers={adapter.signature_header: adapter.sign(body, channel.secret)})
    match = resolve(path)
    response = match.func(inner, *match.args, **match.kwargs)
    inbound = InboundEvent.objects.filter(provider="sandbox", body_sha256=hashlib.sha256(body).hexdigest()) \
        .order_by("-id").first()
    if inbound is None:
        raise ValidationError(_("The webhook refused the notification (%(status)s).") % {
            "status": response.status_code}, code="refused")
    with transaction.atomic():
        audit_record(action="finance.sandbox_payment_simulate", actor=actor, target=inbound, request=request,
                     detail={"amount": str(value), "reference": reference, "via": via,
                             "status_code": response.status_code})
    return inbound
