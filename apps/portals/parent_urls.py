"""The parent portal (/parent/)."""

from django.urls import path

from apps.portals import parent_views as views

app_name = "parent"
urlpatterns = [
    path("", views.home, name="home"),
    path("attendance/", views.attendance, name="attendance"),
    path("results/", views.results, name="results"),
    path("report-cards/", views.report_cards, name="report-cards"),
    path("notices/", views.notices, name="notices"),
]
