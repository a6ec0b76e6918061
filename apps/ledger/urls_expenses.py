"""Console URLs of the ledger's expenses (included by apps/ledger/urls.py under the ledger namespace)."""

from django.urls import path

from apps.ledger import views_expenses as views

urlpatterns = [
    path("suppliers/", views.supplier_list, name="supplier-list"),
    path("suppliers/<int:pk>/", views.supplier_edit, name="supplier-edit"),
    path("expenses/", views.expense_list, name="expense-list"),
    path("expenses/new/", views.expense_new, name="expense-new"),
    path("expenses/settings/", views.expense_settings, name="expense-settings"),
    path("expenses/<int:pk>/", views.expense_detail, name="expense-detail"),
    path("expenses/<int:pk>/approve/", views.expense_approve, name="expense-approve"),
    path("expenses/<int:pk>/reject/", views.expense_reject, name="expense-reject"),
    path("expenses/<int:pk>/pay/", views.expense_pay, name="expense-pay"),
    path("expenses/<int:pk>/receipt/", views.expense_receipt, name="expense-receipt"),
]
