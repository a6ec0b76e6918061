"""Shapes for sign-in tokens and the current user."""

from django.contrib.auth import authenticate
from django.db import connection
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from apps.accounts.api.authentication import TENANT_CLAIM, token_tenant_check


def tokens_for(user) -> dict:
    refresh = RefreshToken.for_user(user)
    refresh[TENANT_CLAIM] = connection.schema_name
    refresh["role"] = user.role
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Username or email address.")
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)
    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)

    def validate(self, attrs):
        user = authenticate(self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None:
            raise exceptions.AuthenticationFailed("Wrong username/email or password.", code="invalid_credentials")
        from django.contrib.auth.models import update_last_login

        update_last_login(None, user)
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
