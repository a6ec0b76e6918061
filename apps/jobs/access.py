"""One way to fetch a job for a user: 404 when it is not theirs to see."""

from django.core.exceptions import ValidationError
from django.http import Http404

from apps.jobs.models import Job
from apps.jobs.selectors import jobs_for_user


def job_get_for_user(*, user, pk) -> Job:
    try:
        return jobs_for_user(user=user).get(pk=pk)
    except (Job.DoesNotExist, ValidationError, ValueError):
        raise Http404("No such job") from None
