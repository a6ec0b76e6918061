"""The parent portal (/parent/)."""

from django.urls import path

from apps.portals import parent_views as views
from apps.portals import parent_views_fees as fee_views

app_name = "parent"
urlpatterns = [
    path("", views.home, name="home"),
    path("attendance/", views.attendance, name="attendance"),
    path("results/", views.results, name="results"),
    path("report-cards/", views.report_cards, name="report-cards"),
    path("fees/", fee_views.fees, name="fees"),
    path("fees/receipts/<int:pk>/", fee_views.fee_receipt, name="fee-receipt"),
    path("notices/", views.notices, name="notices"),
]
