"""The second factor is enforced here, for every request after sign-in: console pages, HTMX
fragments, Django admin and session-authenticated API calls alike.

Platform owners, school admins and accountants need a confirmed device and a session verified
with it; anyone else who has enrolled a device needs the verified session too. Until then only
the sign-in, sign-out and two-factor pages answer. Bearer-token API calls are not affected: a
token is only issued after the second factor (apps.accounts.api.serializers).
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from apps.accounts.otp import otp_has_confirmed_device, otp_required_for_role
from apps.core.api.errors import error_response

# whether a non-privileged user has a confirmed device, remembered for the session
HAS_DEVICE_SESSION_KEY = "_otp_user_has_device"
# paths open to a signed-in user who has not yet passed the second factor
OPEN_API_PREFIXES = ("/api/v1/auth/", "/api/schema/", "/api/docs/")


def otp_needed(request) -> bool:
    user = request.user
    if otp_required_for_role(user):
        return True
    if HAS_DEVICE_SESSION_KEY not in request.session:
        request.session[HAS_DEVICE_SESSION_KEY] = otp_has_confirmed_device(user)
    return request.session[HAS_DEVICE_SESSION_KEY]


def carries_bearer_token(request) -> bool:
    """Exactly what the JWT authenticator takes ("Bearer <token>"); any other Authorization header
    leaves DRF to fall back to the session, which must then have passed the second factor."""
    parts = request.META.get("HTTP_AUTHORIZATION", "").split()
    return len(parts) == 2 and parts[0] == "Bearer"


def session_owes_second_factor(request) -> bool:
    """A signed-in session that still has to pass the second factor (break-glass sessions do not:
    the platform owner passed it before entering)."""
    user = getattr(request, "user", None)
    if getattr(request, "break_glass", None) is not None:
        return False
    return bool(user is not None and user.is_authenticated and not user.is_verified() and otp_needed(request))


def _open_paths() -> tuple[str, ...]:
    return (reverse("accounts:login"), reverse("accounts:logout"), reverse("accounts:otp-setup"),
            reverse("accounts:otp-verify"), "/i18n/", settings.STATIC_URL)


class OTPRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if session_owes_second_factor(request):
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse(self, request):
        path = request.path_info
        if path.startswith("/api/"):
            if path.startswith(OPEN_API_PREFIXES) or carries_bearer_token(request):
                return None  # DRF checks the token (issued only after the second factor); no session is used
            return error_response(401, "otp_required",
                                  "Finish signing in with your authentication code before using the API.")
        if path.startswith(_open_paths()):
            return None
        target = "accounts:otp-verify" if otp_has_confirmed_device(request.user) else "accounts:otp-setup"
        url = reverse(target)
        if request.method == "GET" and not getattr(request, "htmx", False):
            url += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)  # a fragment must not be swapped in: the whole page goes
        return redirect(url)
