"""API URLs of the ledger's reports (included by apps/ledger/api/urls.py)."""

from django.urls import path

from apps.ledger.api import views_reports as views

urlpatterns = [
    path("ledger/reports/trial-balance/", views.TrialBalanceView.as_view(), name="ledger-report-trial-balance"),
    path("ledger/reports/income-statement/", views.IncomeStatementView.as_view(),
         name="ledger-report-income-statement"),
    path("ledger/reports/balance-sheet/", views.BalanceSheetView.as_view(), name="ledger-report-balance-sheet"),
    path("ledger/export/beancount/", views.BeancountExportView.as_view(), name="ledger-export-beancount"),
]
