"""URLs on a school's host (<slug>.<platform host>, or the platform host with X-Tenant-ID)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core.api.views import ApiRootView, api_not_found
from apps.dashboards.views import root

api_patterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.jobs.api.urls")),
]

urlpatterns = [
    path("", root, name="root"),
    path("", include("apps.accounts.urls")),
    path("dashboard/", include("apps.dashboards.urls")),
    path("jobs/", include("apps.jobs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="config.urls_tenant"), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api_not_found),
]

handler400 = "apps.core.api.exceptions.handler400"
handler403 = "apps.core.api.exceptions.handler403"
handler404 = "apps.core.api.exceptions.handler404"
handler500 = "apps.core.api.exceptions.handler500"
