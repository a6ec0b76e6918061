"""Grading schemes, assessments and results in the API (inside the `api` namespace, under /api/v1/)."""

from django.urls import path

from apps.results.api import grading as views

urlpatterns = [
    path("grading-schemes/", views.GradingSchemeListView.as_view(), name="grading-scheme-list"),
    path("grading-schemes/<slug:code>/", views.GradingSchemeDetailView.as_view(), name="grading-scheme-detail"),
    path("grading-schemes/<slug:code>/evaluate/", views.GradingSchemeEvaluateView.as_view(),
         name="grading-scheme-evaluate"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessment-list"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment-detail"),
    path("results/", views.ResultListView.as_view(), name="result-list"),
]
