"""Registers and attendance reports (/attendance/)."""

app_name = "attendance"
urlpatterns = []
