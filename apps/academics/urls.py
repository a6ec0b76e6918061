"""The school's structure and people (/school/)."""

app_name = "academics"
urlpatterns = []
