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
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from apps.accounts.roles import Role
from apps.audit.services import audit_record
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

            with transaction.atomic():
                Tenant.objects.filter(pk=school.pk).update(ready=True, status=Tenant.Status.ACTIVE)
                school.refresh_from_db()
                audit_record(action="school.created", actor=_public_actor(actor), target=school,
                             detail={"slug": school.slug, "host": school.primary_host,
                                     "plan": school.plan.code if school.plan else None})
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


# --- the owner's changes to a school: each audited in the public schema ------------------------


def _public_actor(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _locked(school: Tenant) -> Tenant:
    if connection.schema_name != get_public_schema_name():
        raise RuntimeError("schools are changed from the public schema")
    return Tenant.objects.select_for_update(of=("self",)).select_related("plan").get(pk=school.pk)


def school_suspend(*, school: Tenant, reason: str, actor) -> Tenant:
    """Close a school's console and API (403) and stop its scheduled work; nothing is deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the school is suspended."]})
    if len(reason) > 500:
        raise ValidationError({"reason": ["At most 500 characters."]})
    with transaction.atomic():
        school = _locked(school)
        if not school.ready:
            raise ValidationError("A school that is still being set up cannot be suspended.")
        if school.is_suspended:
            raise ValidationError("This school is already suspended.")
        before = school.status
        school.status = Tenant.Status.SUSPENDED
        school.suspended_at = timezone.now()
        school.suspension_reason = reason
        school.save(update_fields=["status", "suspended_at", "suspension_reason"])
        audit_record(action="school.suspended", actor=_public_actor(actor), target=school,
                     changes={"status": [before, school.status]}, detail={"reason": reason})
    logger.info("school suspended", extra={"school": school.slug})
    return school


def school_resume(*, school: Tenant, actor) -> Tenant:
    with transaction.atomic():
        school = _locked(school)
        if not school.is_suspended:
            raise ValidationError("This school is not suspended.")
        reason = school.suspension_reason
        school.status = Tenant.Status.ACTIVE
        school.suspended_at = None
        school.suspension_reason = ""
        school.save(update_fields=["status", "suspended_at", "suspension_reason"])
        audit_record(action="school.resumed", actor=_public_actor(actor), target=school,
                     changes={"status": [Tenant.Status.SUSPENDED, school.status]},
                     detail={"suspension_reason": reason})
    logger.info("school resumed", extra={"school": school.slug})
    return school


def school_change_plan(*, school: Tenant, plan_code: str, actor) -> Tenant:
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise ValidationError({"plan": [f"No plan “{plan_code}”."]})
    with transaction.atomic():
        school = _locked(school)
        before = school.plan.code if school.plan else None
        if before == plan.code:
            return school
        school.plan = plan
        school.save(update_fields=["plan"])
        audit_record(action="school.plan_changed", actor=_public_actor(actor), target=school,
                     changes={"plan": [before, plan.code]})
    return school


def school_update_limits(*, school: Tenant, limits: dict, actor) -> Tenant:
    """Set this school's own limits: {"students": 500, "sms_per_month": None (the plan's), ...}."""
    from apps.platform.limits import LIMITS

    errors = {}
    for key, value in limits.items():
        if key not in LIMITS:
            errors[key] = [f"No limit “{key}”."]
        elif value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            errors[key] = ["A whole number, 0 or more, or empty for the plan's limit."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        school = _locked(school)
        changes = {}
        for key, value in limits.items():
            field = LIMITS[key].school_field
            if getattr(school, field) != value:
                changes[key] = [getattr(school, field), value]
                setattr(school, field, value)
        if changes:
            school.save(update_fields=[LIMITS[key].school_field for key in changes])
            audit_record(action="school.limits_changed", actor=_public_actor(actor), target=school, changes=changes)
    return school


def school_set_modules(*, school: Tenant, disabled_modules: list[str], actor) -> Tenant:
    """Switch modules off (those listed) and on (the rest) for one school."""
    from apps.platform.modules import MODULES

    unknown = sorted(set(disabled_modules) - set(MODULES))
    if unknown:
        raise ValidationError({"disabled_modules": [f"No module “{key}”." for key in unknown]})
    wanted = [key for key in MODULES if key in set(disabled_modules)]  # registry order, no repeats
    with transaction.atomic():
        school = _locked(school)
        before = list(school.disabled_modules or [])
        if sorted(before) == sorted(wanted):
            return school
        school.disabled_modules = wanted
        school.save(update_fields=["disabled_modules"])
        audit_record(action="school.modules_changed", actor=_public_actor(actor), target=school,
                     changes={"disabled_modules": [before, wanted]},
                     detail={"switched_off": sorted(set(wanted) - set(before)),
                             "switched_on": sorted(set(before) - set(wanted))})
    return school
