"""The platform's public site and the owner's school pages (the full console grows in /super-admin/)."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from apps.accounts.decorators import role_required
from apps.accounts.roles import Role
from apps.platform.forms import SchoolCreateForm
from apps.platform.selectors import school_counts, schools_for_platform
from apps.platform.services import school_start_provisioning


def home(request):
    """The platform's public site."""
    return render(request, "platform/home.html")


@role_required(Role.PLATFORM_OWNER)
def overview(request):
    return render(request, "platform/overview.html", {"counts": school_counts()})


@role_required(Role.PLATFORM_OWNER)
def school_list(request):
    return render(request, "platform/school_list.html", {"schools": schools_for_platform()})


@role_required(Role.PLATFORM_OWNER)
def school_create(request):
    form = SchoolCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = school_start_provisioning(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("jobs:job-detail", pk=job.pk)
    return render(request, "platform/school_create.html", {"form": form})
