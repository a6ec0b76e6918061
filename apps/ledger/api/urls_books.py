"""API URLs of the ledger's books (included by apps/ledger/api/urls.py)."""

from django.urls import path

from apps.ledger.api import views_books as views

urlpatterns = [
    path("ledger/accounts/", views.AccountListView.as_view(), name="ledger-account-list"),
    path("ledger/accounts/<int:pk>/", views.AccountDetailView.as_view(), name="ledger-account-detail"),
    path("ledger/entries/", views.EntryListView.as_view(), name="ledger-entry-list"),
    path("ledger/entries/<int:pk>/", views.EntryDetailView.as_view(), name="ledger-entry-detail"),
    path("ledger/entries/<int:pk>/reverse/", views.EntryReverseView.as_view(), name="ledger-entry-reverse"),
    path("ledger/periods/", views.PeriodListView.as_view(), name="ledger-period-list"),
    path("ledger/periods/<int:pk>/close/", views.PeriodCloseView.as_view(), name="ledger-period-close"),
    path("ledger/periods/<int:pk>/reopen/", views.PeriodReopenView.as_view(), name="ledger-period-reopen"),
]
