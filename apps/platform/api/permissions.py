from rest_framework.permissions import BasePermission

from apps.accounts.roles import Role


class IsPlatformOwner(BasePermission):
    message = "Only the platform owner may do this."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role == Role.PLATFORM_OWNER
                    and request.tenant.is_public)
