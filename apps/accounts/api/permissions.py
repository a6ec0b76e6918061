"""DRF permission by role: `permission_classes = [HasRole(Role.SCHOOL_ADMIN)]`.

Anonymous requests get 401, signed-in people without the role 403 (the console's equivalent is
apps.accounts.decorators.role_required). Which *objects* a permitted user sees is the selector's
business, not this class's."""

from rest_framework.permissions import BasePermission


def HasRole(*roles) -> type[BasePermission]:  # noqa: N802 (used like a class)
    allowed = frozenset(str(role) for role in roles)

    class _HasRole(BasePermission):
        message = "Your role does not allow this."

        def has_permission(self, request, view):
            user = request.user
            return bool(user and user.is_authenticated and user.role in allowed)

    _HasRole.__name__ = _HasRole.__qualname__ = f"HasRole({', '.join(sorted(allowed))})"
    return _HasRole
