"""JWT authentication bound to the school a token was issued in.

A token names its tenant (the schema). Used anywhere else, on another school's host or with
another school's X-Tenant-ID, it is refused with 401 before any user is looked up: user ids are
per schema, so the same id in another school is a different person.
"""

from django.db import connection
from rest_framework import exceptions
from rest_framework_simplejwt.authentication import JWTAuthentication

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
