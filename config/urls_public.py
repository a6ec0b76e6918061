"""URLs on the platform host: the public site, the owner's console, Django admin, platform API."""

from django.contrib import admin
from django.urls import include, path

from config.urls_shared import handler400, handler403, handler404, handler500, shared_patterns  # noqa: F401

urlpatterns = [
    path("", include("apps.platform.urls")),
    path("", include("apps.accounts.urls")),
    path("account/", include("allauth.urls")),  # password reset, email, password change
    path("jobs/", include("apps.jobs.urls")),
    path("super-admin/audit/", include("apps.audit.urls")),
    path("super-admin/break-glass/", include("apps.breakglass.urls_public")),
    path("admin/", admin.site.urls),
    path("verify/", include("apps.results.urls_public")),
    *shared_patterns(urlconf=__name__, api_patterns=[
        path("", include("apps.accounts.api.urls")),
        path("", include("apps.jobs.api.urls")),
        path("", include("apps.audit.api.urls")),
        path("", include("apps.platform.api.urls")),
    ]),
]
