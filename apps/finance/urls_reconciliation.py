"""/finance/ pages: reconciliation."""

from django.urls import path

from apps.finance import views_reconciliation as views

urlpatterns = [
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/invoices/", views.reconciliation_invoices, name="reconciliation-invoices"),
    path("reconciliation/run/", views.reconciliation_run, name="reconciliation-run"),
    path("reconciliation/suggestions/<int:pk>/confirm/", views.reconciliation_confirm,
         name="reconciliation-confirm"),
    path("reconciliation/<str:kind>/<int:pk>/assign/", views.reconciliation_assign, name="reconciliation-assign"),
    path("reconciliation/<str:kind>/<int:pk>/split/", views.reconciliation_split, name="reconciliation-split"),
    path("reconciliation/<str:kind>/<int:pk>/ignore/", views.reconciliation_ignore, name="reconciliation-ignore"),
    path("reconciliation/<str:kind>/<int:pk>/undo/", views.reconciliation_undo, name="reconciliation-undo"),
]
