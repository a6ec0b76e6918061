"""On a school's host: a break-glass session is checked on every request. While it lasts, every
audit event names the platform owner as the actor; once it has expired or been ended, the session
is signed out."""

from django.contrib.auth import logout
from django.shortcuts import render

from apps.audit.context import RealActor, set_real_actor
from apps.breakglass.models import BreakGlassSession
from apps.breakglass.services import break_glass_end

SESSION_KEY = "_break_glass_session"


class BreakGlassMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        set_real_actor(None)  # never carried over from a previous request on this thread
        request.break_glass = None
        session_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        tenant = getattr(request, "tenant", None)
        if session_id and tenant is not None and not tenant.is_public:
            session = BreakGlassSession.objects.select_related("school").filter(pk=session_id, school=tenant).first()
            if session is None or not session.is_active:
                if session is not None:
                    break_glass_end(session=session, reason=BreakGlassSession.EndReason.EXPIRED)
                logout(request)
                return render(request, "breakglass/ended.html", {"session": session}, status=403)
            request.break_glass = session
            set_real_actor(RealActor(label=session.actor_label, break_glass_id=str(session.id)))
        try:
            return self.get_response(request)
        finally:
            set_real_actor(None)
