"""Notices and messages (/communication/)."""

app_name = "communication"
urlpatterns = []
