"""Writes to users: every change to a person's account goes through here."""

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from apps.accounts.roles import Role


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
                is_superuser: bool = False):
    """Create a user in the current schema. `password_hash` is for a password validated earlier
    (e.g. when a job was started) so the plain text never had to be stored."""
    if (password is None) == (password_hash is None):
        raise ValueError("give exactly one of password and password_hash")
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
    else:
        user.password = password_hash
    user.full_clean()
    user.save()
    return user
