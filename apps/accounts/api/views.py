"""Sign-in tokens and the current user."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, permissions, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenRefreshView

from apps.accounts.api.authentication import EnrolmentTokenAuthentication
from apps.accounts.api.serializers import (
    MeSerializer, TenantTokenRefreshSerializer, TokenObtainSerializer, TOTPConfirmSerializer, TOTPEnrolmentSerializer,
)
from apps.accounts.otp import totp_enrolment_confirm, totp_enrolment_start, totp_secret


class TokenObtainView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def get_authenticate_header(self, request):
        # with no authenticators DRF would turn a failed sign-in into 403; it is a 401
        return 'Bearer realm="api"'

    @extend_schema(
        request=TokenObtainSerializer, responses={200: TokenObtainSerializer},
        summary="Sign in: access and refresh tokens for this school",
        examples=[OpenApiExample("Sign in", value={"username": "admin@demo.school", "password": "demo-admin-pass",
                                                   "otp": "123456"}, request_only=True)],
        description=("Users with two-factor authentication send `otp`. A platform owner, school admin or accountant "
                     "without it gets 401 `otp_enrolment_required` with `details.enrolment_token` (10 minutes) for "
                     "the enrolment endpoints. Without `otp`: 401 `otp_required`; a wrong one: 401 `otp_invalid`. "
                     "Five failed sign-ins lock the account from that address for 15 minutes (429 `account_locked`)."),
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data, status=status.HTTP_200_OK)


class TokenRefreshRotateView(TokenRefreshView):
    serializer_class = TenantTokenRefreshSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(summary="Exchange a refresh token for a new pair (the old one stops working)", tags=["auth"])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The signed-in user, role and school", tags=["auth"])
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)


class OTPProblem(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "otp_invalid"


class _EnrolmentView(APIView):
    """Authenticated only by the enrolment token the token endpoint handed out."""

    authentication_classes = [EnrolmentTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class TOTPEnrolView(_EnrolmentView):
    @extend_schema(request=None, responses={201: TOTPEnrolmentSerializer}, tags=["auth"],
                   summary="Start two-factor set-up: the secret for an authenticator app (shown once)")
    def post(self, request):
        try:
            device = totp_enrolment_start(user=request.user)
        except ValidationError as error:
            problem = OTPProblem(error.messages[0], code=error.code)
            problem.status_code = status.HTTP_409_CONFLICT
            raise problem from None
        return Response({"secret": totp_secret(device), "otpauth_uri": device.config_url},
                        status=status.HTTP_201_CREATED)


class TOTPConfirmView(_EnrolmentView):
    @extend_schema(request=TOTPConfirmSerializer, responses={200: TOTPConfirmSerializer}, tags=["auth"],
                   summary="Confirm two-factor set-up with a code: ten backup codes (shown once)")
    def post(self, request):
        serializer = TOTPConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            _device, codes = totp_enrolment_confirm(user=request.user, code=serializer.validated_data["code"])
        except ValidationError as error:
            raise OTPProblem(error.messages[0], code=error.code) from None
        return Response({"backup_codes": codes})
