"""One object for a user, or 404 when it is not theirs (CONVENTIONS: access helpers)."""

from apps.accounts.access import get_for_user_or_404
from apps.attendance import selectors


def register_stream_get_for_user(*, user, pk):
    """A stream whose register the user may take (a teacher: her own; an admin: any)."""
    return get_for_user_or_404(selectors.register_streams_for_user(user=user), pk)


def register_get_for_user(*, user, pk):
    return get_for_user_or_404(selectors.registers_for_user(user=user), pk)


def report_student_get_for_user(*, user, pk):
    """A student whose attendance the user may read in the console (admin: any; teacher: hers)."""
    return get_for_user_or_404(selectors.report_students_for_user(user=user), pk)
