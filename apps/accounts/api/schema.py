"""OpenAPI descriptions of OmniCore's API authentication (loaded in AccountsConfig.ready)."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class Described:
    """A scheme whose security definition carries `description`."""

    description = ""

    def get_security_definition(self, auto_schema):
        return {**super().get_security_definition(auto_schema), "description": self.description}


class TenantJWTScheme(Described, SimpleJWTScheme):
    target_class = "apps.accounts.api.authentication.TenantJWTAuthentication"
    name = "jwtAuth"
    description = "Access token from POST /api/v1/auth/token/. A token works only in the school it was issued in."


class EnrolmentTokenScheme(Described, SimpleJWTScheme):
    target_class = "apps.accounts.api.authentication.EnrolmentTokenAuthentication"
    name = "enrolmentToken"
    description = ("The `details.enrolment_token` of a 401 `otp_enrolment_required` from POST /api/v1/auth/token/ "
                   "(10 minutes; accepted only by the two-factor enrolment endpoints).")


class OTPVerifiedSessionScheme(Described, SessionScheme):
    target_class = "apps.accounts.api.authentication.OTPVerifiedSessionAuthentication"
    name = "cookieAuth"
    description = "A console session; one that still owes its second factor is refused."
