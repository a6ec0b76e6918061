from django.urls import path

from apps.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("<uuid:pk>/", views.job_detail, name="job-detail"),
]
