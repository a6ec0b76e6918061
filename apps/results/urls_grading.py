"""Assessments, grading schemes and term results in the console (part of the `results` namespace)."""

from django.urls import path

from apps.results import views_grading as views

urlpatterns = [
    path("", views.result_list, name="result-list"),
    path("assessments/", views.assessment_list, name="assessment-list"),
    path("assessments/new/", views.assessment_new, name="assessment-create"),
    path("assessments/<int:assessment_id>/edit/", views.assessment_edit, name="assessment-edit"),
    path("assessments/<int:assessment_id>/delete/", views.assessment_remove, name="assessment-delete"),
    path("grading/", views.scheme_list, name="scheme-list"),
    path("grading/evaluate/", views.scheme_evaluate, name="scheme-evaluate"),
    path("grading/<int:scheme_id>/copy/", views.scheme_copy_view, name="scheme-copy"),
    path("grading/<int:scheme_id>/edit/", views.scheme_edit, name="scheme-edit"),
    path("terms/<int:term_id>/recompute/", views.result_recompute, name="result-recompute"),
    path("terms/<int:term_id>/publish/", views.result_publish, name="result-publish"),
    path("terms/<int:term_id>/unpublish/", views.result_unpublish, name="result-unpublish"),
    path("terms/<int:term_id>/streams/<int:stream_id>/", views.stream_results, name="stream-results"),
    path("terms/<int:term_id>/classes/<int:class_id>/", views.class_results, name="class-results"),
    path("terms/<int:term_id>/students/<int:student_id>/", views.student_results, name="student-results"),
]
