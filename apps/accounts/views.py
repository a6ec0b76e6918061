"""Sign in and out (allauth), the account page and the second factor (django-otp), on the school's
host and on the platform host alike."""

from allauth.account import views as allauth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from apps.accounts.adapter import home_url_for
from apps.accounts.forms import OTPCodeForm
from apps.accounts.otp import (
    backup_codes_replace, otp_has_confirmed_device, otp_required_for_role, otp_verify, totp_enrolment_confirm, totp_enrolment_device,
    totp_enrolment_start, totp_qr_svg, totp_secret,
)


class LoginView(allauth_views.LoginView):
    template_name = "accounts/login.html"


class LogoutView(allauth_views.LogoutView):
    template_name = "accounts/logout.html"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return home_url_for(request)


@login_required
def account(request):
    user = request.user
    backup_left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return render(request, "accounts/account.html", {
        "otp_enrolled": otp_has_confirmed_device(user), "otp_required": otp_required_for_role(user),
        "backup_left": backup_left,
    })


@never_cache
@login_required
def otp_setup(request):
    """Enrol an authenticator app: QR code and secret, confirmed with a code; backup codes once."""
    if otp_has_confirmed_device(request.user):
        return redirect("accounts:account" if request.user.is_verified() else "accounts:otp-verify")
    form = OTPCodeForm(request.POST or None)
    device = totp_enrolment_device(user=request.user)
    if request.method == "POST" and form.is_valid() and device is not None:
        try:
            device, codes = totp_enrolment_confirm(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.messages)
        else:
            otp_login(request, device)
            return render(request, "accounts/otp_backup_codes.html", {"codes": codes, "next": _next_url(request)})
    if device is None:
        device = totp_enrolment_start(user=request.user)
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr_svg": totp_qr_svg(device), "secret": totp_secret(device), "next": _next_url(request),
    })


@never_cache
@login_required
def otp_verify_view(request):
    """The code prompt after the password, for a user with a confirmed device."""
    if not otp_has_confirmed_device(request.user):
        return redirect("accounts:otp-setup")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp_verify(user=request.user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("That code is not right, or was used already. Try the current code or a backup code."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_POST
@login_required
def otp_backup_codes_new(request):
    """Ten new backup codes (the old ones stop working), shown once. Only from a session verified
    with the second factor: the middleware sends anyone else to the code prompt first."""
    if not otp_has_confirmed_device(request.user) or not request.user.is_verified():
        return redirect("accounts:account")
    codes = backup_codes_replace(user=request.user)
    return render(request, "accounts/otp_backup_codes.html", {"codes": codes, "next": "/account/"})
