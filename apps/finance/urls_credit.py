"""/finance/ pages: credit notes, write-offs, refunds and statements of account."""

from django.urls import path

from apps.finance import views_credit as views

urlpatterns = [
    path("credit-notes/", views.credit_note_list, name="credit-note-list"),
    path("credit-notes/new/", views.credit_note_new, name="credit-note-new"),
    path("credit-notes/<int:pk>/", views.credit_note_detail, name="credit-note-detail"),
    path("credit-notes/<int:pk>/decide/", views.credit_note_decide, name="credit-note-decide"),
    path("refunds/", views.refund_list, name="refund-list"),
    path("refunds/new/", views.refund_new, name="refund-new"),
    path("refunds/<int:pk>/", views.refund_detail, name="refund-detail"),
    path("students/<int:pk>/statement/", views.student_statement, name="student-statement"),
    path("guardians/<int:pk>/statement/", views.guardian_statement, name="guardian-statement"),
]
