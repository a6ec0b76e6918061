from django.db.models import QuerySet

from apps.breakglass.models import BreakGlassSession


def break_glass_sessions_for_school(*, school) -> QuerySet[BreakGlassSession]:
    """What a school's admins see of the platform owner's visits to their school."""
    return BreakGlassSession.objects.filter(school=school).order_by("-started_at")
