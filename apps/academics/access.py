"""One object for a user, or 404 when it is not theirs (CONVENTIONS: access helpers)."""

from apps.academics import selectors
from apps.accounts.access import get_for_user_or_404


def student_get_for_user(*, user, pk):
    return get_for_user_or_404(selectors.students_for_user(user=user), pk)


def stream_get_for_user(*, user, pk):
    return get_for_user_or_404(selectors.streams_for_user(user=user), pk)


def guardian_get_for_user(*, user, pk):
    return get_for_user_or_404(selectors.guardians_for_user(user=user), pk)


def assignment_get_for_user(*, user, pk):
    return get_for_user_or_404(selectors.assignments_for_user(user=user), pk)
