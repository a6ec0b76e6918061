"""Lockout after repeated failed sign-ins (django-axes), and the audited unlock.

Axes counts failures per account + IP in the current schema, for the console sign-in and the
token endpoint alike (both authenticate through django.contrib.auth with the request).
"""

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.core.api.errors import error_response

LOCKED_MESSAGE = "Too many failed sign-ins: this account is locked from this address for 15 minutes."


def username_of(request, credentials) -> str | None:
    """The account an attempt was for, in one spelling: the username of the account the email or
    username names in this schema (so both spellings count together), else what was typed; lower case."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email") or credentials.get("login")
    if not value and request is not None:
        post = getattr(request, "POST", {})
        value = post.get("login") or post.get("username")
    if not value:
        return None
    value = value.strip()
    field = "email__iexact" if "@" in value else "username__iexact"
    username = get_user_model().objects.filter(**{field: value}).values_list("username", flat=True).first()
    return (username or value).lower()


def lockout_success(request, user) -> None:
    """A complete sign-in outside django.contrib.auth.login (the token endpoint): logged by axes,
    and the account's earlier failures from this address forgotten, as a console sign-in does."""
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.user_logged_in(None, request, user)


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out attempt answers: the API's error envelope, or the sign-in page again."""
    if request.path.startswith("/api/"):
        return error_response(429, "account_locked", LOCKED_MESSAGE)
    from apps.accounts.forms import LoginForm

    form = LoginForm(data=None, request=request)
    return render(request, "accounts/login.html", {"form": form, "locked_out": True,
                                                   "locked_message": _(LOCKED_MESSAGE)}, status=429)


@transaction.atomic
def lockout_reset(*, username: str, actor) -> int:
    """Clear the failed attempts recorded for `username` in the current schema (every address),
    and audit who did it. Returns how many attempt records were removed."""
    from apps.audit.services import audit_record

    username = username_of(None, {"username": username})
    removed = axes_reset(username=username)
    audit_record(action="user.lockout_reset", actor=actor, detail={"username": username})
    return removed


def locked_usernames(usernames) -> set[str]:
    """Which of these accounts are locked out right now (from any address), in one query."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    names = [name.lower() for name in usernames]
    if not names:
        return set()
    return set(AccessAttempt.objects.filter(
        username__in=names, failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).values_list("username", flat=True))
