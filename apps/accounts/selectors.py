"""Reads of a school's people, scoped to what the reader may see."""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from apps.accounts.roles import Role

# What the users page and API call a person's state.
STATUS_ACTIVE, STATUS_INVITED, STATUS_DEACTIVATED = "active", "invited", "deactivated"
STATUSES = (STATUS_ACTIVE, STATUS_INVITED, STATUS_DEACTIVATED)
# Django marks an unusable password with this prefix (django.contrib.auth.hashers.UNUSABLE_PASSWORD_PREFIX).
_UNUSABLE = "!"


def user_status(user) -> str:
    if not user.is_active:
        return STATUS_DEACTIVATED
    return STATUS_ACTIVE if user.has_usable_password() else STATUS_INVITED


def users_for_user(*, user, search: str = "", role: str = "", status: str = "") -> QuerySet:
    """The people of this school `user` may see: all of them for a school admin, else only
    themselves. Filters: `search` in names, email and username; a role; a status (STATUSES)."""
    User = get_user_model()
    people = User.objects.all()
    if user.role != Role.SCHOOL_ADMIN:
        people = people.filter(pk=user.pk)
    search = (search or "").strip()
    if search:
        people = people.filter(Q(email__icontains=search) | Q(first_name__icontains=search)
                               | Q(last_name__icontains=search) | Q(username__icontains=search))
    if role:
        people = people.filter(role=role)
    if status == STATUS_DEACTIVATED:
        people = people.filter(is_active=False)
    elif status == STATUS_INVITED:
        people = people.filter(is_active=True, password__startswith=_UNUSABLE)
    elif status == STATUS_ACTIVE:
        people = people.filter(is_active=True).exclude(password__startswith=_UNUSABLE)
    return people.order_by("last_name", "first_name", "email")
