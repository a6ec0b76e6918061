"""What both URL confs serve: language switch, the API frame (schema, docs, 404) and error handlers."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core.api.views import ApiRootView, api_not_found

handler400 = "apps.core.api.exceptions.handler400"
handler403 = "apps.core.api.exceptions.handler403"
handler404 = "apps.core.api.exceptions.handler404"
handler500 = "apps.core.api.exceptions.handler500"


def shared_patterns(*, api_patterns: list, urlconf: str) -> list:
    return [
        path("i18n/", include("django.conf.urls.i18n")),
        path("api/v1/", include(([path("", ApiRootView.as_view(), name="root"), *api_patterns], "api"))),
        path("api/schema/", SpectacularAPIView.as_view(urlconf=urlconf), name="api-schema"),
        path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
        re_path(r"^api/", api_not_found),  # unknown API paths answer the error envelope
    ]
