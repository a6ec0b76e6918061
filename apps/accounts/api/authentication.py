"""JWT authentication bound to the school a token was issued in.

A token names its tenant (the schema). Used anywhere else, on another school's host or with
another school's X-Tenant-ID, it is refused with 401 before any user is looked up: user ids are
per schema, so the same id in another school is a different person.
"""

from datetime import timedelta

from django.db import connection
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import Token

from apps.accounts.middleware import session_owes_second_factor
from apps.core.logging import bind_context

TENANT_CLAIM = "tenant"


class TokenTenantMismatch(exceptions.AuthenticationFailed):
    default_code = "token_tenant_mismatch"
    default_detail = "This token was issued for another school."


def token_tenant_check(token) -> None:
    if token.get(TENANT_CLAIM) != connection.schema_name:
        raise TokenTenantMismatch()


class TenantJWTAuthentication(JWTAuthentication):
    def get_validated_token(self, raw_token):
        token = super().get_validated_token(raw_token)
        token_tenant_check(token)
        return token

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            # DRF authenticates inside the view, after the log-context middleware ran
            bind_context(user=str(result[0].pk))
        return result


class OTPEnrolmentToken(Token):
    """Issued by the token endpoint to a user who must set up a second factor first. Its own
    token type, so the access-token authentication and the refresh endpoint refuse it; only the
    enrolment endpoints (EnrolmentTokenAuthentication) accept it."""

    token_type = "otp_enrolment"
    lifetime = timedelta(minutes=10)

    @classmethod
    def for_user_here(cls, user) -> "OTPEnrolmentToken":
        token = cls.for_user(user)
        token[TENANT_CLAIM] = connection.schema_name
        return token


class EnrolmentTokenAuthentication(JWTAuthentication):
    """Bearer <enrolment token> for /api/v1/auth/otp/totp/ and its confirm step, nowhere else."""

    def get_validated_token(self, raw_token):
        try:
            token = OTPEnrolmentToken(raw_token)
        except TokenError as error:
            raise InvalidToken({"detail": "Not a valid enrolment token: sign in again for a new one.",
                                "code": "token_not_valid", "reason": str(error)}) from None
        token_tenant_check(token)
        return token


class OTPVerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication for the API, for sessions that have passed the second factor when
    their user needs one: a second lock behind OTPRequiredMiddleware, should a request reach DRF
    with a session that still owes it."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and session_owes_second_factor(request._request):
            raise OTPRequiredForSession()
        return result


class OTPRequiredForSession(exceptions.AuthenticationFailed):
    default_code = "otp_required"
    default_detail = "Finish signing in with your authentication code before using the API."
