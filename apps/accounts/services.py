"""Writes to users: every change to a person's account goes through here."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F

from apps.accounts.roles import ROLE_PERMISSIONS, Role


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
