"""Assessments, marks, grading, results, report cards and the review queue (/results/): the URL lists of its parts, each kept by the module that serves it."""

from apps.results.urls_grading import urlpatterns as grading
from apps.results.urls_marks import urlpatterns as marks
from apps.results.urls_report_cards import urlpatterns as report_cards

app_name = "results"
urlpatterns = [*grading, *marks, *report_cards]
