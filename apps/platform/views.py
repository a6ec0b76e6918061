"""The platform's public site and the owner's console (/super-admin/): schools, limits, analytics."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.platform import limits
from apps.platform.analytics import analytics_refresh_start, platform_overview
from apps.platform.models import Tenant
from apps.platform.forms import LIMIT_LABELS, PlanForm, SchoolCreateForm, SchoolFilterForm, SchoolLimitsForm, SuspendForm
from apps.platform.selectors import plans_all, school_get_for_owner, schools_search
from apps.platform.services import (school_change_plan, school_resume, school_set_modules, school_start_provisioning,
                                    school_suspend, school_update_limits)

SCHOOLS_PER_PAGE = 25


def home(request):
    """The platform's public site."""
    return render(request, "platform/home.html")


def _owner_page(view):
    """The owner's console exists only on the platform host (a school's host has no such URLs)."""
    return role_required(Role.PLATFORM_OWNER)(view)


@_owner_page
def overview(request):
    from apps.jobs.models import Job

    last_refresh = Job.objects.filter(kind="platform.refresh_analytics").order_by("-created_at").first()
    return render(request, "platform/overview.html", {"stats": platform_overview(), "last_refresh": last_refresh})


@require_POST
@_owner_page
def analytics_refresh(request):
    job = analytics_refresh_start(actor=request.user)
    return redirect("jobs:job-detail", pk=job.pk)


def _role_labels(by_role: dict) -> list[tuple[str, int]]:
    return [(Role(role).label, n) for role, n in sorted(by_role.items()) if role in Role.values and n]


@_owner_page
def school_list(request):
    plans = list(plans_all())
    form = SchoolFilterForm(request.GET or None, plans=plans)
    filters = form.cleaned_data if form.is_valid() else {}
    schools = schools_search(q=filters.get("q", ""), status=filters.get("status", ""), plan=filters.get("plan", ""))
    if request.GET.get("export") == "csv":
        return _schools_csv(schools)
    page = Paginator(schools, SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for school in page:
        snapshot = getattr(school, "snapshot", None)
        rows.append({"school": school, "snapshot": snapshot,
                     "roles": _role_labels(snapshot.users_by_role) if snapshot else []})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "platform/school_list.html",
                  {"page": page, "rows": rows, "form": form, "query": query.urlencode()})


def _schools_csv(schools) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="schools-{timezone.localdate():%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    roles = [role for role in Role if role != Role.PLATFORM_OWNER]
    writer.writerow(["slug", "name", "host", "status", "plan", "created", "users", *[f"users_{r}" for r in roles],
                     "active_7d", "active_30d", "counted_at"])
    for school in schools.iterator(chunk_size=500):
        snapshot = getattr(school, "snapshot", None)
        by_role = snapshot.users_by_role if snapshot else {}
        status = school.status if school.ready else Tenant.Status.PROVISIONING
        writer.writerow([school.slug, school.name, school.primary_host, status,
                         school.plan.code if school.plan else "", school.created_at.date().isoformat(),
                         snapshot.users_total if snapshot else "", *[by_role.get(r, 0) if snapshot else "" for r in roles],
                         snapshot.active_7d if snapshot else "", snapshot.active_30d if snapshot else "",
                         snapshot.computed_at.isoformat() if snapshot else ""])
    return response


@_owner_page
def school_create(request):
    form = SchoolCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = school_start_provisioning(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            return redirect("jobs:job-detail", pk=job.pk)
    return render(request, "platform/school_create.html", {"form": form})


def _detail_context(school, **forms) -> dict:
    plans = list(plans_all())
    snapshot = getattr(school, "snapshot", None)
    context = {
        "tenant": school, "snapshot": snapshot, "roles": _role_labels(snapshot.users_by_role) if snapshot else [],
        "limits": [(key, LIMIT_LABELS[key], limits.value(school, key), getattr(school, limit.school_field) is not None)
                   for key, limit in limits.LIMITS.items()],
        "suspend_form": forms.get("suspend_form") or SuspendForm(),
        "plan_form": forms.get("plan_form") or PlanForm(plans=plans,
                                                        initial={"plan": school.plan.code if school.plan else None}),
    }
    return context


@_owner_page
def school_detail(request, slug):
    school = school_get_for_owner(slug=slug)
    return render(request, "platform/school_detail.html", _detail_context(school))


@require_POST
@_owner_page
def school_suspend_view(request, slug):
    school = school_get_for_owner(slug=slug)
    form = SuspendForm(request.POST)
    if form.is_valid():
        try:
            school_suspend(school=school, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s is suspended.") % {"name": school.name})
            return redirect("platform:school-detail", slug=school.slug)
    return render(request, "platform/school_detail.html", _detail_context(school, suspend_form=form), status=400)


@require_POST
@_owner_page
def school_resume_view(request, slug):
    school = school_get_for_owner(slug=slug)
    try:
        school_resume(school=school, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is active again.") % {"name": school.name})
    return redirect("platform:school-detail", slug=school.slug)


@require_POST
@_owner_page
def school_plan_view(request, slug):
    school = school_get_for_owner(slug=slug)
    form = PlanForm(request.POST, plans=list(plans_all()))
    if form.is_valid():
        school_change_plan(school=school, plan_code=form.cleaned_data["plan"], actor=request.user)
        messages.success(request, _("Plan changed."))
        return redirect("platform:school-detail", slug=school.slug)
    return render(request, "platform/school_detail.html", _detail_context(school, plan_form=form), status=400)


@_owner_page
def school_settings(request, slug):
    """Limits and modules; over HTMX the form alone is swapped, with errors beside the fields."""
    school = school_get_for_owner(slug=slug)
    form = SchoolLimitsForm(request.POST or None, school=school)
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            school = school_update_limits(school=school, limits=form.cleaned_limits(), actor=request.user)
            school = school_set_modules(school=school, disabled_modules=form.cleaned_disabled_modules(),
                                        actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not request.htmx:
                messages.success(request, _("Limits and modules saved."))
                return redirect("platform:school-settings", slug=school.slug)
            form, saved = SchoolLimitsForm(school=school), True
    template = "platform/school_settings.html#settings-form" if request.htmx else "platform/school_settings.html"
    # htmx swaps only 2xx answers, so the form with its errors comes back as 200 to it
    status = 400 if form.errors and not request.htmx else 200
    return render(request, template, {"tenant": school, "form": form, "saved": saved}, status=status)
