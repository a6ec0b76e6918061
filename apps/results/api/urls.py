"""The results API (in the `api` namespace, under /api/v1/): the URL lists of its parts, each kept by the module that serves it."""

from apps.results.api.urls_grading import urlpatterns as grading
from apps.results.api.urls_marks import urlpatterns as marks
from apps.results.api.urls_report_cards import urlpatterns as report_cards

urlpatterns = [*grading, *marks, *report_cards]
