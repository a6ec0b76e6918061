"""Marks entry, history, the review queue and the chain check (part of the `results` namespace, /results/)."""

from django.urls import path

from apps.results import views_marks as views

GRID = "marks/<int:assessment_id>/<int:stream_id>/<int:subject_id>/"

urlpatterns = [
    path("marks/", views.marks_index, name="marks-index"),
    path(GRID, views.marks_grid, name="marks-grid"),
    path(GRID + "save/", views.mark_save, name="mark-save"),
    path(GRID + "unlock/", views.marks_unlock_view, name="marks-unlock"),
    path(GRID + "relock/", views.marks_relock_view, name="marks-relock"),
    path("marks/history/<int:mark_id>/", views.marks_history, name="marks-history"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/policy/", views.tamper_policy, name="tamper-policy"),
    path("review/<int:flag_id>/accept/", views.flag_accept_view, name="flag-accept"),
    path("review/<int:flag_id>/revert/", views.flag_revert_view, name="flag-revert"),
    path("integrity/", views.chain_verify, name="chain-verify"),
]
