"""Who keeps the books: school admins and accountants see and post everything of the ledger; nobody else
sees any of it. Object lookups for a user go through these helpers (404 when not theirs to see)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.accounts.roles import Role

BOOKKEEPERS = (Role.SCHOOL_ADMIN, Role.ACCOUNTANT)


def keeps_books(user) -> bool:
    return getattr(user, "is_authenticated", False) and getattr(user, "role", None) in BOOKKEEPERS


def require_bookkeeper(user) -> None:
    if not keeps_books(user):
        raise PermissionDenied


def require_school_admin(user) -> None:
    if getattr(user, "role", None) != Role.SCHOOL_ADMIN:
        raise PermissionDenied


def get_for_bookkeeper(queryset, *, user, pk):
    """The row `pk` of `queryset` for a bookkeeper; 404 for anyone else or an unknown id."""
    if not keeps_books(user):
        raise Http404
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
