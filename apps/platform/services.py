"""Provisioning schools: validate, clone the template schema, add the host name and the admin.

A school's schema is a spare clone of the migrated template renamed (apps.platform.spares), or,
with no spare ready, a fresh clone (apps.platform.cloning, under a tenth of a second where migrating
a new schema takes about a second; benchmarks/tenant_provisioning.py measures all three).
Steps commit one by one so progress can be watched; the school is `ready` only after the last,
and any failure removes everything the earlier steps made.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django_tenants.utils import schema_context, schema_exists

from apps.accounts.roles import Role
from apps.accounts.services import roles_sync, user_create, user_validate_identity, user_validate_new
from apps.platform.cloning import schema_clone
from apps.platform.models import Domain, Plan, Tenant
from apps.platform.slugs import schema_name_for, slug_validate
from apps.platform.spares import spare_schema_claim

logger = logging.getLogger(__name__)

PROVISION_STEPS = 3
DEFAULT_PLAN_CODE = "standard"


def school_validate_new(*, slug: str, name: str, admin_email: str, admin_password: str | None,
                        check_password: bool = True) -> dict:
    """Errors by field for a school about to be provisioned (empty when it can go ahead)."""
    errors: dict[str, list[str]] = {}
    try:
        slug_validate(slug)
    except ValidationError as error:
        errors["slug"] = list(error.messages)
    else:
        host = f"{slug}.{settings.PLATFORM_HOST}"
        if (Tenant.objects.filter(slug=slug).exists() or Domain.objects.filter(domain=host).exists()
                or schema_exists(schema_name_for(slug), case_sensitive=False)):
            errors["slug"] = [f"“{slug}” is already taken by another school."]
    if not (name or "").strip():
        errors["name"] = ["A school needs a name."]
    elif len(name) > 200:
        errors["name"] = ["A school's name is at most 200 characters."]
    # the admin will be the school's first user, so there is nobody to clash with
    if check_password:
        user_errors = user_validate_new(email=admin_email, password=admin_password, role=Role.SCHOOL_ADMIN,
                                        check_unique=False)
    else:
        user_errors = user_validate_identity(email=admin_email, role=Role.SCHOOL_ADMIN, check_unique=False)
    errors.update({f"admin_{field}": messages for field, messages in user_errors.items()})
    return errors


def school_provision(*, slug: str, name: str, admin_email: str, admin_password: str | None = None,
                     admin_password_hash: str | None = None, plan_code: str = DEFAULT_PLAN_CODE,
                     actor=None, reporter=None) -> Tenant:
    """Create a ready school with its schema, host name and first school admin, or nothing at all.
    A job passes `admin_password_hash`: the password was validated when the job was started."""
    if connection.schema_name != "public":
        raise RuntimeError("schools are provisioned from the public schema")
    if (admin_password is None) == (admin_password_hash is None):
        raise ValueError("give exactly one of admin_password and admin_password_hash")
    errors = school_validate_new(slug=slug, name=name, admin_email=admin_email,
                                 admin_password=admin_password, check_password=admin_password is not None)
    if errors:
        raise ValidationError(errors)
    if not schema_exists(settings.TENANT_BASE_SCHEMA):
        raise RuntimeError("the school template schema is missing: run `manage.py migrate` first")

    def step(message: str) -> None:
        if reporter is not None:
            reporter.step(message)

    # Hashing the admin's password (Argon2: ~0.1 s of CPU, with the GIL released) runs while the
    # database copies the template. The password was validated above, as user_create would.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="provision-password") as hasher:
        if admin_password is not None:
            hashing = hasher.submit(make_password, admin_password)
        school = None
        try:
            with transaction.atomic():
                plan = Plan.objects.filter(code=plan_code).first()
                school = Tenant(schema_name=schema_name_for(slug), slug=slug, name=name.strip(), plan=plan,
                                country=settings.OMNICORE_DEFAULT_COUNTRY,
                                currency=settings.OMNICORE_DEFAULT_CURRENCY)
                school.full_clean()
                school.save()
                if not spare_schema_claim(new_name=school.schema_name):
                    schema_clone(settings.TENANT_BASE_SCHEMA, school.schema_name)
                transaction.on_commit(_replenish_spares_later)
                Domain.objects.create(domain=school.primary_host, tenant=school, is_primary=True)
            step("School schema created")

            if admin_password is not None:
                admin_password_hash = hashing.result()
            with transaction.atomic(), schema_context(school.schema_name):
                # the template's groups came with the clone; this also catches a declaration newer
                # than the template (sync_roles not run yet, or a spare cloned before the upgrade)
                roles_sync()
                user_create(email=admin_email, password_hash=admin_password_hash, role=Role.SCHOOL_ADMIN,
                            actor=actor)
            step("School admin created")

            Tenant.objects.filter(pk=school.pk).update(ready=True, status=Tenant.Status.ACTIVE)
            school.refresh_from_db()
            step("School is ready")
        except Exception:
            if school is not None and school.pk:
                school_remove_unfinished(school=school)
            raise
    logger.info("school provisioned", extra={"school": slug})
    return school


def _replenish_spares_later() -> None:
    from apps.platform.tasks import replenish_spare_schemas_task

    try:
        replenish_spare_schemas_task.delay()
    except Exception:  # the school exists; beat replenishes spares on its own schedule as well
        logger.warning("could not queue spare schema replenishing", exc_info=True)


def school_remove_unfinished(*, school: Tenant) -> None:
    """Undo a provisioning that failed part-way: its schema, host names and row."""
    connection.set_schema_to_public()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA IF EXISTS %s CASCADE" % connection.ops.quote_name(school.schema_name))
        Domain.objects.filter(tenant_id=school.pk).delete()
        Tenant.objects.filter(pk=school.pk, ready=False).delete()


def school_start_provisioning(*, slug: str, name: str, admin_email: str, admin_password: str,
                              plan_code: str = DEFAULT_PLAN_CODE, actor=None):
    """Validate now (so a person sees mistakes at once), then provision in a background job."""
    from apps.jobs.services import job_start

    errors = school_validate_new(slug=slug, name=name, admin_email=admin_email, admin_password=admin_password)
    if errors:
        raise ValidationError(errors)
    return job_start(
        kind="platform.provision_school",
        # the password is kept only as its hash; it was validated above
        params={"slug": slug, "name": name.strip(), "admin_email": admin_email,
                "admin_password_hash": make_password(admin_password), "plan_code": plan_code},
        actor=actor,
        total=PROVISION_STEPS,
    )


def plans_ensure_defaults() -> None:
    Plan.objects.get_or_create(code=DEFAULT_PLAN_CODE, defaults={"name": "Standard"})
