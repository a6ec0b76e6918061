"""One object for a user, or 404 when it is not theirs (CONVENTIONS: access helpers)."""

from apps.accounts.access import get_for_user_or_404
from apps.communication import selectors


def notice_get_for_user(*, user, pk, manage: bool = False):
    """A notice the user may read (manage=True: one a school admin may edit)."""
    notices = selectors.notices_manageable(user=user) if manage else selectors.notices_for_user(user=user)
    return get_for_user_or_404(notices, pk)
