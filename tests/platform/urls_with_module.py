"""A school's URL conf plus a stand-in for a domain module's console page and API (the "lms" module)."""

from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from config.urls_tenant import handler400, handler403, handler404, handler500, urlpatterns as tenant_urlpatterns  # noqa: F401


def lms_home(request):
    return HttpResponse("LMS home")


def lms_api(request):
    return JsonResponse({"data": []})


urlpatterns = [
    path("lms/", include(([path("", lms_home, name="home")], "lms"))),
    path("api/v1/lms/courses/", lms_api),
    *tenant_urlpatterns,
]
