"""OpenAPI description of the tenant-bound JWT authentication (loaded in AccountsConfig.ready)."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class TenantJWTScheme(SimpleJWTScheme):
    target_class = "apps.accounts.api.authentication.TenantJWTAuthentication"
    name = "jwtAuth"

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        definition["description"] = (
            "Access token from POST /api/v1/auth/token/. A token works only in the school it was issued in."
        )
        return definition


class EnrolmentTokenScheme(SimpleJWTScheme):
    target_class = "apps.accounts.api.authentication.EnrolmentTokenAuthentication"
    name = "enrolmentToken"

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        definition["description"] = (
            "The `details.enrolment_token` of a 401 `otp_enrolment_required` from POST /api/v1/auth/token/ "
            "(10 minutes; accepted only by the two-factor enrolment endpoints)."
        )
        return definition


class OTPVerifiedSessionScheme(SessionScheme):
    target_class = "apps.accounts.api.authentication.OTPVerifiedSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        definition = super().get_security_definition(auto_schema)
        definition["description"] = "A console session; one that still owes its second factor is refused."
        return definition
