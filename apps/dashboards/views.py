from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.accounts.roles import Role
from apps.dashboards.selectors import school_admin_widgets, school_summary, teacher_widgets


def root(request):
    return redirect("dashboards:home" if request.user.is_authenticated else "accounts:login")


@login_required
def home(request):
    context = {"summary": school_summary(school=request.tenant)}
    today = timezone.localdate()
    if request.user.role == Role.SCHOOL_ADMIN:
        context["admin"] = school_admin_widgets(school=request.tenant, date=today)
    elif request.user.role == Role.TEACHER:
        context["teacher"] = teacher_widgets(user=request.user, school=request.tenant, date=today)
    # the bursar's workspace starts at the fees overview
    context["fees_overview"] = (request.user.role in (Role.SCHOOL_ADMIN, Role.ACCOUNTANT)
                                and request.tenant.module_enabled("finance"))
    return render(request, "dashboards/home.html", context)
