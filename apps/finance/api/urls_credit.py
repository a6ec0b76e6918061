"""/api/v1/ endpoints: credit notes and write-offs."""

from django.urls import path

from apps.finance.api import views_credit as views

urlpatterns = [
    path("credit-notes/", views.CreditNoteListView.as_view(), name="credit-note-list"),
    path("credit-notes/<int:pk>/", views.CreditNoteDetailView.as_view(), name="credit-note-detail"),
    path("credit-notes/<int:pk>/decide/", views.CreditNoteDecideView.as_view(), name="credit-note-decide"),
]
