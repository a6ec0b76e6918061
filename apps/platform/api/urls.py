from django.urls import path

from apps.platform.api import views

urlpatterns = [
    path("platform/schools/", views.SchoolListCreateView.as_view(), name="platform-school-list"),
]
