"""Job handlers owned by the platform."""

from django.utils.translation import gettext_lazy as _

from apps.jobs.registry import job_handler
from apps.platform.services import school_provision


@job_handler("platform.provision_school", title=_("Create school “%(name)s”"))
def provision_school_job(*, job, reporter, slug, name, admin_email, admin_password_hash, plan_code="standard"):
    school = school_provision(slug=slug, name=name, admin_email=admin_email,
                              admin_password_hash=admin_password_hash, plan_code=plan_code,
                              actor=job.started_by, reporter=reporter)
    return {"slug": school.slug, "name": school.name, "host": school.primary_host}


@job_handler("platform.refresh_analytics", title=_("Refresh platform analytics"))
def refresh_analytics_job(*, job, reporter):
    from apps.platform.analytics import school_stats_refresh

    return school_stats_refresh(reporter=reporter)
