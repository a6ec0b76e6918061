"""The school's people, for its school admins (/settings/users/), and the invitation page.

Each action is a small POST answered, for HTMX, with the fragment it changed (a table row or the
invite form) from accounts/user_list.html; without JavaScript, with a redirect back to the list."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts import services
from apps.accounts.access import user_get_for_user
from apps.accounts.decorators import role_required
from apps.accounts.invitations import InvitationInvalid, invitation_user, school_base_url
from apps.accounts.lockout import locked_usernames, lockout_reset
from apps.accounts.roles import Role
from apps.accounts.selectors import user_status, users_for_user
from apps.accounts.users_forms import InvitationAcceptForm, UserFilterForm, UserInviteForm, UserRoleForm

PAGE_SIZE = 25
TEMPLATE = "accounts/user_list.html"


def _decorate(person, locked: set[str] | None = None):
    person.status = user_status(person)
    person.is_locked = person.username.lower() in (locked if locked is not None else locked_usernames([person.username]))
    person.role_form = UserRoleForm(initial={"role": person.role}, prefix=f"u{person.pk}")
    return person


def _row(request, user, error: str = ""):
    return render(request, f"{TEMPLATE}#row", {"person": _decorate(user), "row_error": error})


def _done(request, user, message: str):
    if request.htmx:
        return _row(request, user)
    messages.success(request, message)
    return redirect("users:user-list")


def _refused(request, user, error: ValidationError):
    text = " ".join(error.messages)
    if request.htmx:
        return _row(request, user, error=text)
    messages.error(request, text)
    return redirect("users:user-list")


@role_required(Role.SCHOOL_ADMIN)
def user_list(request):
    filters = UserFilterForm(request.GET)
    filters.is_valid()
    data = getattr(filters, "cleaned_data", {})
    people = users_for_user(user=request.user, search=data.get("q", ""), role=data.get("role", ""),
                            status=data.get("status", ""))
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = locked_usernames([person.username for person in page])
    for person in page:
        _decorate(person, locked)
    context = {"page": page, "filters": filters, "invite_form": UserInviteForm(),
               "query": request.GET.copy()}
    context["query"].pop("page", None)
    template = f"{TEMPLATE}#table" if request.htmx and request.htmx.target == "user-table" else TEMPLATE
    return render(request, template, context)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def user_invite(request):
    form = UserInviteForm(request.POST)
    if form.is_valid():
        try:
            user = services.user_invite(**form.cleaned_data, actor=request.user,
                                        base_url=school_base_url(request), request=request)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = resolve_url("users:user-list")
                return response
            return redirect("users:user-list")
    if request.htmx:
        return render(request, f"{TEMPLATE}#invite-form", {"invite_form": form})
    return render(request, "accounts/user_invite.html", {"invite_form": form}, status=400)


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def user_role(request, pk):
    user = user_get_for_user(user=request.user, pk=pk)
    form = UserRoleForm(request.POST, prefix=f"u{user.pk}")
    if not form.is_valid():
        return _refused(request, user, ValidationError(_("Choose one of the roles.")))
    try:
        services.user_set_role(user=user, role=form.cleaned_data["role"], actor=request.user, request=request)
    except ValidationError as error:
        user.refresh_from_db()
        return _refused(request, user, error)
    return _done(request, user, _("%(name)s is now %(role)s.") % {"name": user.display_name,
                                                                  "role": user.get_role_display()})


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def user_deactivate(request, pk):
    user = user_get_for_user(user=request.user, pk=pk)
    try:
        services.user_deactivate(user=user, actor=request.user, request=request)
    except ValidationError as error:
        return _refused(request, user, error)
    return _done(request, user, _("%(name)s was deactivated.") % {"name": user.display_name})


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def user_unlock(request, pk):
    """Lift a sign-in lockout before its 15 minutes are up (audited as user.lockout_reset)."""
    user = user_get_for_user(user=request.user, pk=pk)
    lockout_reset(username=user.username, actor=request.user)
    return _done(request, user, _("%(name)s can sign in again.") % {"name": user.display_name})


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def user_reactivate(request, pk):
    user = user_get_for_user(user=request.user, pk=pk)
    services.user_reactivate(user=user, actor=request.user, request=request)
    return _done(request, user, _("%(name)s was reactivated.") % {"name": user.display_name})


@require_POST
@role_required(Role.SCHOOL_ADMIN)
def user_resend_invitation(request, pk):
    user = user_get_for_user(user=request.user, pk=pk)
    try:
        services.invitation_resend(user=user, actor=request.user, base_url=school_base_url(request),
                                   request=request)
    except ValidationError as error:
        return _refused(request, user, error)
    return _done(request, user, _("Invitation sent again to %(email)s.") % {"email": user.email})


def _invitation_page(request, context, status=200):
    context = {"login_url": resolve_url(settings.LOGIN_URL), **context}
    return render(request, "accounts/invitation_accept.html", context, status=status)


def invitation_accept(request, token):
    """Anyone holding the link: choose a password, then sign in. No session is needed (a person
    signed in as someone else is signed out first, so the new password is not set for the wrong one)."""
    try:
        invitee = invitation_user(token)
    except InvitationInvalid as invalid:
        return _invitation_page(request, {"invalid": invalid.reason},
                                status=410 if invalid.reason in ("expired", "used") else 400)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(token=token, password=form.cleaned_data["password1"], request=request)
        except InvitationInvalid as invalid:
            return _invitation_page(request, {"invalid": invalid.reason}, status=410)
        except ValidationError as error:
            form.add_error("password1", error.message_dict.get("password", error.messages))
        else:
            if request.user.is_authenticated:
                logout(request)
            messages.success(request, _("Your password is set. Sign in with %(email)s.") % {"email": invitee.email})
            return redirect(settings.LOGIN_URL)
    return _invitation_page(request, {"form": form, "invitee": invitee}, status=400 if form.errors else 200)
