"""Assessments, marks, grading, results, report cards and the review queue (/results/)."""

app_name = "results"
urlpatterns = []
