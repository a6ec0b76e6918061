"""Fetching one object for a user: the object is found only through that user's scoped selector,
so "not yours" and "does not exist" are the same answer, 404 (CONVENTIONS: access helpers).

Later apps follow the same pattern, e.g.

    # apps/academics/selectors.py
    def classes_for_user(*, user):          # a teacher: her classes; a school admin: all
        ...
    # apps/academics/access.py
    def class_get_for_user(*, user, pk):
        return get_for_user_or_404(classes_for_user(user=user), pk)
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.selectors import users_for_user


def get_for_user_or_404(queryset_for_user: QuerySet, pk):
    """The row with this primary key among those the user may see, else Http404 (also for a
    malformed key). `queryset_for_user` must already be scoped by a `<entities>_for_user` selector."""
    try:
        return queryset_for_user.get(pk=pk)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError):
        raise Http404("Not found") from None


def user_get_for_user(*, user, pk):
    """A person of this school that `user` may manage (school admins: everyone)."""
    return get_for_user_or_404(users_for_user(user=user), pk)
