"""URLs on the platform host: the public site, the owner's console, Django admin, platform API."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core.api.views import ApiRootView, api_not_found

api_patterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.jobs.api.urls")),
    path("", include("apps.platform.api.urls")),
]

urlpatterns = [
    path("", include("apps.platform.urls")),
    path("", include("apps.accounts.urls")),
    path("jobs/", include("apps.jobs.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(urlconf="config.urls_public"), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api_not_found),
]

handler400 = "apps.core.api.exceptions.handler400"
handler403 = "apps.core.api.exceptions.handler403"
handler404 = "apps.core.api.exceptions.handler404"
handler500 = "apps.core.api.exceptions.handler500"
