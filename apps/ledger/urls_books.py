"""Console URLs of the ledger's books (included by apps/ledger/urls.py under the ledger namespace)."""

from django.urls import path

from apps.ledger import views_books as views

urlpatterns = [
    path("accounts/", views.account_list, name="account-list"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account-edit"),
    path("accounts/<int:pk>/delete/", views.account_delete, name="account-delete"),
    path("journal/", views.entry_list, name="entry-list"),
    path("journal/new/", views.entry_new, name="entry-new"),
    path("journal/new/totals/", views.entry_totals, name="entry-totals"),
    path("journal/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("journal/<int:pk>/reverse/", views.entry_reverse, name="entry-reverse"),
    path("periods/", views.period_list, name="period-list"),
    path("periods/<int:pk>/close/", views.period_close, name="period-close"),
    path("periods/<int:pk>/reopen/", views.period_reopen, name="period-reopen"),
]
