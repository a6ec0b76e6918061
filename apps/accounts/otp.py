"""Second factor: TOTP devices and single-use backup codes (django-otp), who must have them,
and the QR code that enrols an authenticator app (an inline SVG drawn here, no network)."""

import base64

import qrcode
import qrcode.image.svg
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.roles import Role

# roles that may not reach any console page or API data without a confirmed second factor
OTP_REQUIRED_ROLES = frozenset({Role.PLATFORM_OWNER, Role.SCHOOL_ADMIN, Role.ACCOUNTANT})
BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def otp_required_for_role(user) -> bool:
    return getattr(user, "role", None) in OTP_REQUIRED_ROLES


def otp_has_confirmed_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def totp_secret(device: TOTPDevice) -> str:
    """The device's key as the base32 text authenticator apps accept."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline <svg> element."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):]  # without the XML declaration, to sit inside HTML


@transaction.atomic
def totp_enrolment_start(*, user) -> TOTPDevice:
    """A new, unconfirmed TOTP device with a fresh secret for `user` (replacing any unconfirmed one).
    Refused when the user already has a confirmed device."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Two-factor authentication is already set up for this account."),
                              code="otp_already_enrolled")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def totp_enrolment_device(*, user) -> TOTPDevice | None:
    """The unconfirmed device an enrolment started for `user`, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


@transaction.atomic
def totp_enrolment_confirm(*, user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Check `code` against the user's unconfirmed device; on success the device is confirmed and
    ten new single-use backup codes replace any earlier ones. Returns the device and the codes
    (shown once: only they exist in clear text)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise ValidationError(_("Start the set-up first: there is no authenticator waiting to be confirmed."),
                              code="otp_enrolment_not_started")
    if not device.verify_token((code or "").strip().replace(" ", "")):
        raise ValidationError(_("That code is not right; check the time on your phone and try the current code."),
                              code="otp_invalid")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device, backup_codes_replace(user=user)


@transaction.atomic
def backup_codes_replace(*, user) -> list[str]:
    """Ten new backup codes for `user`; the old ones stop working."""
    static, _ = StaticDevice.objects.get_or_create(user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def otp_verify(*, user, code: str):
    """The confirmed device that accepts `code` (a TOTP or an unused backup code, which is then used
    up), or None. django-otp throttles each device after failures and refuses a TOTP used before."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    return match_token(user, code)
