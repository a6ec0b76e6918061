from django.urls import path

from apps.platform.api import views

urlpatterns = [
    path("platform/schools/", views.SchoolListCreateView.as_view(), name="platform-school-list"),
    path("platform/schools/<slug:slug>/", views.SchoolDetailView.as_view(), name="platform-school-detail"),
    path("platform/schools/<slug:slug>/suspend/", views.SchoolSuspendView.as_view(), name="platform-school-suspend"),
    path("platform/schools/<slug:slug>/resume/", views.SchoolResumeView.as_view(), name="platform-school-resume"),
]
