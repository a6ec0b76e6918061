"""URLs on a school's host (<slug>.<platform host>, or the platform host with X-Tenant-ID)."""

from django.urls import include, path

from apps.dashboards.views import root
from config.urls_shared import handler400, handler403, handler404, handler500, shared_patterns  # noqa: F401

urlpatterns = [
    path("", root, name="root"),
    path("", include("apps.accounts.urls")),
    path("", include("apps.accounts.users_urls")),  # /settings/users/, /account/invitation/<token>/
    path("account/", include("allauth.urls")),  # password reset, email, password change
    path("dashboard/", include("apps.dashboards.urls")),
    path("jobs/", include("apps.jobs.urls")),
    path("settings/audit/", include("apps.audit.urls")),
    path("break-glass/", include("apps.breakglass.urls_school")),
    path("school/", include("apps.academics.urls")),
    path("attendance/", include("apps.attendance.urls")),
    path("results/", include("apps.results.urls")),
    path("communication/", include("apps.communication.urls")),
    path("accounting/", include("apps.ledger.urls")),
    path("finance/", include("apps.finance.urls")),
    path("teacher/", include("apps.portals.teacher_urls")),
    path("parent/", include("apps.portals.parent_urls")),
    *shared_patterns(urlconf=__name__, api_patterns=[
        path("", include("apps.accounts.api.urls")),
        path("", include("apps.accounts.api.users_urls")),
        path("", include("apps.jobs.api.urls")),
        path("", include("apps.audit.api.urls")),
        path("", include("apps.academics.api.urls")),
        path("", include("apps.attendance.api.urls")),
        path("", include("apps.results.api.urls")),
        path("", include("apps.communication.api.urls")),
        path("", include("apps.ledger.api.urls")),
        path("", include("apps.finance.api.urls")),
    ]),
]
