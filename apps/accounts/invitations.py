"""Invitation links: signed, expiring, single-use set-password links on the school's own host.

The token is a TimestampSigner signature (salted with the school's schema, so a link never works in
another school) over the user id and a fingerprint of the user's current password field. An invitee
has an unusable password ("!" and random characters); choosing a password changes the field, so the
fingerprint no longer matches and the link is spent. Links expire after INVITATION_MAX_AGE.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

logger = logging.getLogger(__name__)

INVITATION_MAX_AGE: timedelta = getattr(settings, "INVITATION_MAX_AGE", timedelta(days=7))
_SALT = "apps.accounts.invitation"


class InvitationInvalid(Exception):
    """`reason` is "expired", "used" or "invalid" (tampered, replaced, or the person was deactivated)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=f"{_SALT}:{connection.schema_name}")


def _fingerprint(user) -> str:
    return salted_hmac(_SALT, f"{user.pk}:{user.password}").hexdigest()[:32]


def invitation_token(user) -> str:
    return _signer().sign_object({"u": user.pk, "f": _fingerprint(user)})


def invitation_user(token: str, *, user=None):
    """The invitee a token names, or InvitationInvalid. Pass `user` to check a row read again."""
    try:
        data = _signer().unsign_object(token, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired:
        raise InvitationInvalid("expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise InvitationInvalid("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("f"), str):
        raise InvitationInvalid("invalid")
    if user is None:
        user = get_user_model().objects.filter(pk=data["u"]).first()
    if user is None or user.pk != data["u"] or not user.is_active:
        raise InvitationInvalid("invalid")
    if user.has_usable_password():
        raise InvitationInvalid("used")
    if not constant_time_compare(data["f"], _fingerprint(user)):
        raise InvitationInvalid("invalid")
    return user


def school_base_url(request=None) -> str:
    """The current school's address, e.g. https://demo.example.org or http://demo.localhost:8000.

    The host is always the school's own (from the database, never from the request, so a forged
    Host header cannot send invitees elsewhere); a request only lends its scheme and port, which in
    development are not known otherwise. Without a request: https unless cookies are not secure."""
    from apps.platform.models import Tenant

    tenant = Tenant.objects.get(schema_name=connection.schema_name)
    if request is None:
        scheme, port = ("https" if settings.SESSION_COOKIE_SECURE else "http"), ""
    else:
        scheme = request.scheme
        host = request.get_host()
        port = host.rsplit(":", 1)[1] if ":" in host and not host.endswith("]") else ""
        port = "" if (scheme, port) in {("http", "80"), ("https", "443")} else port
    return f"{scheme}://{tenant.primary_host}{':' + port if port else ''}"


def invitation_link(*, user, base_url: str | None = None) -> str:
    path = reverse("users:invitation-accept", args=[invitation_token(user)], urlconf="config.urls_tenant")
    return f"{(base_url or school_base_url()).rstrip('/')}{path}"


def invitation_send(*, user, base_url: str | None = None) -> None:
    from apps.platform.models import Tenant

    school = Tenant.objects.get(schema_name=connection.schema_name)
    context = {"user": user, "school": school, "link": invitation_link(user=user, base_url=base_url),
               "expires": timezone.now() + INVITATION_MAX_AGE, "role": user.get_role_display()}
    subject = " ".join(render_to_string("accounts/email/invitation_subject.txt", context).split())
    body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, None, [user.email])


def invitation_send_on_commit(*, user, base_url: str | None = None) -> None:
    """Send once the invitee's row is committed; a mail server failure is logged and the admin can
    resend from the users page (the user exists either way)."""
    schema = connection.schema_name

    def send():
        from django_tenants.utils import schema_context

        with schema_context(schema):
            invitation_send(user=user, base_url=base_url)

    transaction.on_commit(send, robust=True)
