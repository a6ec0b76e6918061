"""The academics API (in the `api` namespace, under /api/v1/): the URL lists of its parts, each kept by the module that serves it."""

from apps.academics.api.urls_people import urlpatterns as people

urlpatterns = [*people]
