"""Writes to users: every change to a person's account goes through here."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F

from apps.accounts import invitations
from apps.accounts.roles import ROLE_PERMISSIONS, SCHOOL_ROLES, Role
from apps.audit.services import audit_record


def user_validate_identity(*, email: str, role: str, check_unique: bool = True) -> dict:
    """Errors by field for a new user's email and role; `check_unique` looks in the current schema."""
    errors: dict[str, list[str]] = {}
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [f"“{email}” is not a valid email address."]
    else:
        if check_unique and get_user_model().objects.filter(email__iexact=email).exists():
            errors["email"] = [f"A user with the email {email} already exists here."]
    if role not in Role.values:
        errors["role"] = [f"“{role}” is not a role; choose one of {', '.join(Role.values)}."]
    return errors


def user_validate_new(*, email: str, password: str, role: str, first_name: str = "", last_name: str = "",
                      check_unique: bool = True) -> dict:
    """Errors by field for a user about to be created in the current schema (empty when fine)."""
    User = get_user_model()
    errors = user_validate_identity(email=email, role=role, check_unique=check_unique)
    try:
        password_validation.validate_password(
            password or "", User(email=email, username=email, first_name=first_name, last_name=last_name)
        )
    except ValidationError as error:
        errors["password"] = list(error.messages)
    return errors


@transaction.atomic
def user_create(*, email: str, role: str, password: str | None = None, password_hash: str | None = None,
                first_name: str = "", last_name: str = "", actor=None, is_staff: bool = False,
                is_superuser: bool = False, unusable_password: bool = False):
    """Create a user in the current schema. `password_hash` is for a password validated earlier
    (e.g. when a job was started) so the plain text never had to be stored; `unusable_password`
    is for an invited user, who chooses a password through the invitation link."""
    if [password is not None, password_hash is not None, unusable_password].count(True) != 1:
        raise ValueError("give exactly one of password, password_hash and unusable_password")
    errors = user_validate_new(email=email, password=password, role=role, first_name=first_name,
                               last_name=last_name) if password is not None else user_validate_identity(email=email, role=role)
    if errors:
        raise ValidationError(errors)
    User = get_user_model()
    email = email.strip().lower()
    user = User(username=email, email=email, role=role, first_name=first_name, last_name=last_name,
                is_staff=is_staff, is_superuser=is_superuser)
    if password is not None:
        user.set_password(password)
    elif password_hash is not None:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    user_groups_match_role(user=user)
    return user


# --- roles as groups ----------------------------------------------------------------------------

def _permission_ids(names: set[str]) -> dict[str, int]:
    """"app_label.codename" -> Permission id in the current schema; every name must exist."""
    found: dict[str, int] = {}
    if names:
        labels = {name.split(".", 1)[0] for name in names}
        codenames = {name.split(".", 1)[-1] for name in names}
        rows = Permission.objects.filter(content_type__app_label__in=labels, codename__in=codenames)
        for pk, label, codename in rows.values_list("pk", "content_type__app_label", "codename"):
            found[f"{label}.{codename}"] = pk
    missing = sorted(names - found.keys())
    if missing:
        raise ImproperlyConfigured(
            f"ROLE_PERMISSIONS names permissions that do not exist here: {', '.join(missing)} "
            "(a typo, or an app whose migrations have not run in this schema)")
    return found


@transaction.atomic
def roles_sync(*, declaration: dict | None = None) -> dict:
    """Make the current schema's role groups hold exactly the declared permissions
    (apps.accounts.roles.ROLE_PERMISSIONS) and contain exactly the users with that role.
    Idempotent; groups that are not roles are left alone. Returns what changed."""
    declaration = ROLE_PERMISSIONS if declaration is None else declaration
    permission_ids = _permission_ids(set().union(*declaration.values()))
    groups = {group.name: group for group in
              Group.objects.filter(name__in=list(declaration)).prefetch_related("permissions")}
    summary = {"groups_created": [], "groups_changed": [], "members_added": 0, "members_removed": 0}
    for role, names in declaration.items():
        group = groups.get(role)
        if group is None:
            group = groups[role] = Group.objects.create(name=role)
            summary["groups_created"].append(str(role))
            have = set()
        else:
            have = {permission.pk for permission in group.permissions.all()}
        want = {permission_ids[name] for name in names}
        if have != want:
            group.permissions.set(want)
            if str(role) not in summary["groups_created"]:
                summary["groups_changed"].append(str(role))

    # membership follows the role field
    User = get_user_model()
    Membership = User.groups.through
    role_memberships = Membership.objects.filter(group__name__in=list(declaration))
    summary["members_removed"], _ = role_memberships.exclude(user__role=F("group__name")).delete()
    existing = set(role_memberships.values_list("user_id", "group_id"))
    missing = [Membership(user_id=user_id, group_id=groups[role].pk)
               for user_id, role in User.objects.filter(role__in=list(declaration)).values_list("pk", "role")
               if (user_id, groups[role].pk) not in existing]
    Membership.objects.bulk_create(missing)
    summary["members_added"] = len(missing)
    return summary


def user_groups_match_role(*, user) -> None:
    """Keep the user's role group equal to `user.role` (other groups are not touched)."""
    Membership = type(user).groups.through
    Membership.objects.filter(user_id=user.pk, group__name__in=list(ROLE_PERMISSIONS)).exclude(
        group__name=user.role).delete()
    if user.role not in ROLE_PERMISSIONS:
        return  # platform owners: no group
    group = Group.objects.filter(name=user.role).first()
    if group is None:  # a schema whose roles were never synced (sync_roles not yet run after an upgrade)
        roles_sync()
        group = Group.objects.get(name=user.role)
    user.groups.add(group)


# --- managing a school's people: roles, invitations, deactivation ------------------------------

def _school_role_check(role: str) -> None:
    if role not in SCHOOL_ROLES:
        choices = ", ".join(str(r) for r in SCHOOL_ROLES)
        raise ValidationError({"role": [f"“{role}” is not a school role; choose one of {choices}."]})


def _last_active_admin_check(*, user, field: str, doing: str) -> None:
    """A school keeps at least one active school admin: refuse to demote or deactivate the last."""
    if user.role != Role.SCHOOL_ADMIN or not user.is_active:
        return
    User = get_user_model()
    # lock every active admin row, so two admins demoting each other at once cannot both succeed
    admins = list(User.objects.select_for_update().filter(role=Role.SCHOOL_ADMIN, is_active=True)
                  .values_list("pk", flat=True))
    if [pk for pk in admins if pk != user.pk]:
        return
    raise ValidationError({field: [f"{user.display_name} is the school's last active school admin and cannot "
                                   f"be {doing}; make someone else a school admin first."]})


@transaction.atomic
def user_set_role(*, user, role: str, actor, request=None):
    """Give a user another role (their group follows); the last active school admin keeps theirs."""

    _school_role_check(role)
    if user.role == role:
        return user
    if role != Role.SCHOOL_ADMIN:
        _last_active_admin_check(user=user, field="role", doing="given another role")
    before = user.role
    user.role = role
    user.save(update_fields=["role"])
    user_groups_match_role(user=user)
    audit_record(action="user.role_changed", actor=actor, target=user, changes={"role": [before, role]},
                 request=request)
    return user


@transaction.atomic
def user_deactivate(*, user, actor, request=None):
    """Stop a user from signing in (sessions end at their next request, refresh tokens are revoked).
    Nothing is deleted; user_reactivate undoes it."""

    if not user.is_active:
        return user
    _last_active_admin_check(user=user, field="user", doing="deactivated")
    user.is_active = False
    user.save(update_fields=["is_active"])
    _refresh_tokens_revoke(user=user)
    audit_record(action="user.deactivated", actor=actor, target=user, changes={"is_active": [True, False]},
                 request=request)
    return user


def _refresh_tokens_revoke(*, user) -> None:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    outstanding = OutstandingToken.objects.filter(user_id=user.pk, blacklistedtoken__isnull=True)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=token) for token in outstanding],
                                         ignore_conflicts=True)


@transaction.atomic
def user_reactivate(*, user, actor, request=None):

    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(action="user.reactivated", actor=actor, target=user, changes={"is_active": [False, True]},
                 request=request)
    return user


@transaction.atomic
def user_create_by_admin(*, email: str, first_name: str, last_name: str, role: str, password: str, actor,
                         request=None):
    """A user made with a password (integrations through the API): active at once, no email sent."""

    _school_role_check(role)
    user = user_create(email=email, role=role, password=password, first_name=first_name, last_name=last_name,
                       actor=actor)
    audit_record(action="user.created", actor=actor, target=user, changes={"role": [None, role]},
                 detail={"email": user.email}, request=request)
    return user


@transaction.atomic
def user_invite(*, email: str, first_name: str, last_name: str, role: str, actor, base_url: str | None = None,
                request=None):
    """Create a user who has no password yet and email them a signed link to choose one.

    The invitee is active with an *unusable* password: they cannot sign in until they accept, and
    "invited" is simply "active, no usable password" (apps.accounts.selectors.user_status). The
    email goes out after the transaction commits; `base_url` is the school's address as the admin
    reached it (scheme and port), else it comes from settings."""

    _school_role_check(role)
    user = user_create(email=email, role=role, first_name=first_name, last_name=last_name,
                       unusable_password=True, actor=actor)
    audit_record(action="user.invited", actor=actor, target=user, changes={"role": [None, role]},
                 detail={"email": user.email}, request=request)
    invitations.invitation_send_on_commit(user=user, base_url=base_url)
    return user


@transaction.atomic
def invitation_resend(*, user, actor, base_url: str | None = None, request=None):
    """Email the invitation again (the earlier link stays valid until it expires or is used)."""

    if not user.is_active or user.has_usable_password():
        raise ValidationError({"user": [f"{user.display_name} has no pending invitation."]})
    audit_record(action="user.invitation_resent", actor=actor, target=user, detail={"email": user.email},
                 request=request)
    invitations.invitation_send_on_commit(user=user, base_url=base_url)
    return user


@transaction.atomic
def invitation_accept(*, token: str, password: str, request=None):
    """Set the invitee's password from a valid link; the link dies with it (single use).
    Raises invitations.InvitationInvalid for an expired, used or tampered link, and
    ValidationError({"password": ...}) for a password the validators refuse."""

    user = invitations.invitation_user(token)
    user = type(user).objects.select_for_update().get(pk=user.pk)
    invitations.invitation_user(token, user=user)  # again, under the lock: two tabs cannot both accept
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as error:
        raise ValidationError({"password": list(error.messages)}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(action="user.invitation_accepted", actor=user, target=user, request=request)
    return user
