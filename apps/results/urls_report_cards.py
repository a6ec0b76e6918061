from django.urls import path

from apps.results import views_report_cards as views

urlpatterns = [
    path("report-cards/", views.report_card_list, name="report-card-list"),
    path("report-cards/generate/", views.report_card_generate, name="report-card-generate"),
    path("report-cards/zip/", views.report_card_zip, name="report-card-zip"),
    path("report-cards/<int:pk>/download/", views.report_card_download, name="report-card-download"),
]
