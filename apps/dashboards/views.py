from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from apps.dashboards.selectors import school_summary


def root(request):
    return redirect("dashboards:home" if request.user.is_authenticated else "accounts:login")


@login_required
def home(request):
    return render(request, "dashboards/home.html", {"summary": school_summary(school=request.tenant)})
