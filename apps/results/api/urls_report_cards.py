from django.urls import path

from apps.results.api import report_cards as views

urlpatterns = [
    path("report-cards/", views.ReportCardListView.as_view(), name="report-card-list"),
    path("report-cards/generate/", views.ReportCardGenerateView.as_view(), name="report-card-generate"),
    path("report-cards/<int:pk>/download/", views.ReportCardDownloadView.as_view(), name="report-card-download"),
]
