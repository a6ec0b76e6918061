"""A job's page: a progress bar that refreshes itself over HTMX until the job finishes."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from apps.jobs.access import job_get_for_user
from apps.jobs.selectors import jobs_for_user


@login_required
def job_list(request):
    page = Paginator(jobs_for_user(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "jobs/job_list.html", {"page": page})


@login_required
def job_detail(request, pk):
    job = job_get_for_user(user=request.user, pk=pk)
    template = "jobs/job_detail.html#progress" if request.htmx else "jobs/job_detail.html"
    return render(request, template, {"job": job})
