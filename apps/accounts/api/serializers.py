"""Shapes for sign-in tokens and the current user."""

from django.contrib.auth import authenticate
from django.db import connection
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from apps.accounts.api.authentication import TENANT_CLAIM, OTPEnrolmentToken, token_tenant_check
from apps.accounts.lockout import lockout_success
from apps.accounts.otp import otp_has_confirmed_device, otp_required_for_role, otp_verify


def tokens_for(user) -> dict:
    refresh = RefreshToken.for_user(user)
    refresh[TENANT_CLAIM] = connection.schema_name
    refresh["role"] = user.role
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def sign_in_refused(code: str, message: str, **details) -> exceptions.AuthenticationFailed:
    """A 401 whose envelope carries `code` and `details` (apps.core.api.exceptions)."""
    return exceptions.AuthenticationFailed({"detail": message, "code": code, **details}, code=code)


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or email address.")
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)
    otp = serializers.CharField(required=False, allow_blank=True, write_only=True,
                                help_text="A code from the authenticator app, or an unused backup code: required "
                                          "once the user has two-factor authentication.")
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)

    def validate(self, attrs):
        # the Django request, so that axes counts failures and refuses locked-out accounts here too
        request = getattr(self.context.get("request"), "_request", None)
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            raise exceptions.AuthenticationFailed("Wrong username/email or password.", code="invalid_credentials")
        if otp_has_confirmed_device(user):
            if not attrs.get("otp"):
                raise sign_in_refused("otp_required", "Send the code from your authenticator app in `otp`.")
            if otp_verify(user=user, code=attrs["otp"]) is None:
                raise sign_in_refused("otp_invalid", "That authentication code is not right, or was used already.")
        elif otp_required_for_role(user):
            raise sign_in_refused(
                "otp_enrolment_required",
                "Two-factor authentication is required for this account: set it up with the enrolment token "
                "(POST /api/v1/auth/otp/totp/, then /api/v1/auth/otp/totp/confirm/).",
                enrolment_token=str(OTPEnrolmentToken.for_user_here(user)))
        from django.contrib.auth.models import update_last_login

        update_last_login(None, user)
        if request is not None:
            lockout_success(request, user)
        return tokens_for(user)


class TenantTokenRefreshSerializer(TokenRefreshSerializer):
    def validate(self, attrs):
        from rest_framework_simplejwt.exceptions import TokenError
        from rest_framework_simplejwt.tokens import RefreshToken as Refresh

        try:
            token_tenant_check(Refresh(attrs["refresh"], verify=True))
        except TokenError as error:
            raise exceptions.AuthenticationFailed(str(error), code="token_not_valid") from None
        return super().validate(attrs)


class TenantSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    schema = serializers.CharField(source="schema_name")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.CharField()
    tenant = serializers.SerializerMethodField()

    def get_tenant(self, user) -> dict:
        tenant = getattr(self.context["request"], "tenant", None)
        return TenantSerializer(tenant).data if tenant is not None else None


class TOTPEnrolmentSerializer(serializers.Serializer):
    secret = serializers.CharField(read_only=True, help_text="Base32 secret for the authenticator app.")
    otpauth_uri = serializers.CharField(read_only=True, help_text="otpauth:// URI (what the QR code holds).")


class TOTPConfirmSerializer(serializers.Serializer):
    code = serializers.CharField(write_only=True, help_text="The six-digit code the authenticator app shows.")
    backup_codes = serializers.ListField(child=serializers.CharField(), read_only=True,
                                         help_text="Ten single-use backup codes, shown only now.")
