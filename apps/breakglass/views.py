"""The owner starts a session on the platform host, follows a one-time link into the school, and
ends it from the banner (or it expires)."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import schema_context

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.breakglass.forms import BreakGlassStartForm
from apps.breakglass.middleware import SESSION_KEY
from apps.breakglass.models import BreakGlassSession
from apps.breakglass.services import (
    break_glass_end,
    break_glass_enter,
    break_glass_entry_token,
    break_glass_start,
)
from apps.platform.selectors import school_by_slug


@role_required(Role.PLATFORM_OWNER)
def session_list(request):
    sessions = BreakGlassSession.objects.select_related("school")[:200]
    return render(request, "breakglass/session_list.html", {"sessions": sessions})


@role_required(Role.PLATFORM_OWNER)
def session_start(request, slug):
    school = school_by_slug(slug)
    if school is None:
        raise Http404("No such school")
    with schema_context(school.schema_name):
        people = list(get_user_model().objects.filter(is_active=True).order_by("role", "email")[:500])
    form = BreakGlassStartForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            session = break_glass_start(owner=request.user, school=school, acting_as_id=form.cleaned_data["acting_as"],
                                        reason=form.cleaned_data["reason"], minutes=form.cleaned_data["minutes"])
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            port = request.get_port()
            host = school.primary_host + (f":{port}" if port not in ("80", "443") else "")
            return redirect(f"{request.scheme}://{host}/break-glass/enter/{break_glass_entry_token(session=session)}/")
    return render(request, "breakglass/session_start.html", {"form": form, "school": school})


def session_enter(request, token):
    try:
        session = break_glass_enter(token=token, school=request.tenant)
    except ValidationError as error:
        return render(request, "breakglass/ended.html", {"problem": error.messages[0]}, status=403)
    person = get_user_model().objects.get(pk=session.acting_as_id)
    login(request, person, backend="apps.accounts.backends.UsernameOrEmailBackend")
    request.session[SESSION_KEY] = str(session.id)
    return redirect("dashboards:home")


@require_POST
def session_end(request):
    session = getattr(request, "break_glass", None)
    if session is None:
        return redirect("accounts:login")
    break_glass_end(session=session, reason=BreakGlassSession.EndReason.ENDED)
    logout(request)
    messages.info(request, _("The break-glass session has ended."))
    return render(request, "breakglass/ended.html", {"session": session, "ended_by_owner": True})
