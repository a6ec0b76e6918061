"""Reads of jobs, scoped to what the user may see."""

from django.db.models import QuerySet

from apps.accounts.roles import Role
from apps.jobs.models import Job

# People who oversee everything in their schema also see everyone's jobs.
OVERSEERS = {Role.PLATFORM_OWNER, Role.SCHOOL_ADMIN}


def jobs_for_user(*, user) -> QuerySet[Job]:
    jobs = Job.objects.select_related("started_by")
    if user.role in OVERSEERS or user.is_superuser:
        return jobs
    return jobs.filter(started_by=user)
