"""Sign-in tokens and the current user."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenRefreshView

from apps.accounts.api.serializers import MeSerializer, TenantTokenRefreshSerializer, TokenObtainSerializer


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
        examples=[OpenApiExample("Sign in", value={"username": "admin@demo.school", "password": "demo-admin-pass"},
                                 request_only=True)],
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
