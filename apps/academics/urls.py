"""The school's structure and people (/school/): the URL lists of its parts, each kept by the module that serves it."""

from apps.academics.urls_people import urlpatterns as people
from apps.academics.urls_imports import urlpatterns as imports

app_name = "academics"
urlpatterns = [*people, *imports]
