"""Report card verification on the platform host (/verify/<code>/)."""

from django.urls import path

from apps.results import views_report_cards as views

app_name = "verify"
urlpatterns = [
    path("<str:code>/", views.report_card_verify, name="report-card-verify"),
]
