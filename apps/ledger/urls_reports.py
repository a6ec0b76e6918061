"""Console URLs of the ledger's reports (included by apps/ledger/urls.py under the ledger namespace)."""

from django.urls import path

from apps.ledger import views_reports as views

urlpatterns = [
    path("", views.report_index, name="report-index"),
    path("trial-balance/", views.report_trial_balance, name="report-trial-balance"),
    path("general-ledger/", views.report_general_ledger, name="report-general-ledger"),
    path("income-statement/", views.report_income_statement, name="report-income-statement"),
    path("balance-sheet/", views.report_balance_sheet, name="report-balance-sheet"),
    path("cash-book/", views.report_cash_book, name="report-cash-book"),
    path("expenses/", views.report_expenses, name="report-expenses"),
    path("budget/", views.report_budget, name="report-budget"),
    path("budget/edit/", views.budget_edit, name="budget-edit"),
    path("beancount/", views.export_beancount, name="export-beancount"),
]
