"""Idempotency-Key for API writes: a repeated request gets the first response and does nothing twice.

The caller is identified by a hash of its credentials (bearer token's user or session), so one
client can never read another's stored response. A repeat with a different body is refused (422);
a repeat while the first is still running gets 409; a 5xx is not stored, so the client may retry.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone

from apps.core.api.errors import error_response
from apps.core.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _caller(request) -> str | None:
    """A stable id for whoever sent this, or None for an anonymous request (never replayed:
    two strangers choosing the same key must not see each other's responses)."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    credential = _jwt_subject(authorization) or (f"session:{session_key}" if session_key else "")
    return hashlib.sha256(credential.encode()).hexdigest() if credential else None


def _jwt_subject(authorization: str) -> str:
    """The user a bearer token speaks for (tokens rotate; the person behind them does not)."""
    if not authorization.startswith("Bearer "):
        return ""
    from rest_framework_simplejwt.exceptions import TokenError
    from rest_framework_simplejwt.tokens import AccessToken

    try:
        token = AccessToken(authorization.split(" ", 1)[1])
    except TokenError:
        return authorization  # invalid tokens fail authentication anyway; keep callers distinct
    return f"jwt:{token.get('tenant')}:{token.get('user_id')}"


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER, "").strip()
        if not key or request.method not in WRITE_METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        if len(key) > 255:
            return error_response(400, "invalid_idempotency_key", "Idempotency-Key is at most 255 characters.")

        caller = _caller(request)
        if caller is None:
            return self.get_response(request)
        request_hash = hashlib.sha256(
            request.method.encode() + b" " + request.path.encode() + b"\n" + request.body
        ).hexdigest()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    key=key, caller=caller, method=request.method, path=request.path[:500],
                    request_hash=request_hash,
                )
        except IntegrityError:
            return self._replay(caller, key, request_hash)

        try:
            response = self.get_response(request)
        except Exception:
            record.delete()
            raise
        if response.status_code >= 500 or getattr(response, "streaming", False):
            record.delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=bytes(response.content),
        )
        return response

    def _replay(self, caller: str, key: str, request_hash: str):
        record = IdempotencyRecord.objects.filter(caller=caller, key=key).first()
        if record is None:  # finished with a 5xx and was removed between the two statements
            return error_response(409, "idempotency_conflict", "Retry the request.")
        if record.request_hash != request_hash:
            return error_response(
                422, "idempotency_key_reused",
                "This Idempotency-Key was already used for a different request.",
            )
        if record.status_code is None:
            return error_response(409, "idempotency_in_progress",
                                  "A request with this Idempotency-Key is still being processed.")
        response = HttpResponse(bytes(record.body or b""), status=record.status_code,
                                content_type=record.content_type or "application/json")
        response["Idempotent-Replayed"] = "true"
        return response


def idempotency_records_purge(*, older_than_hours: int | None = None) -> int:
    hours = older_than_hours if older_than_hours is not None else settings.IDEMPOTENCY_KEY_TTL_HOURS
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - timedelta(hours=hours)).delete()
    return deleted
