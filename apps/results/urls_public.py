"""Report card verification on the platform host (/verify/<code>/)."""

app_name = "verify"
urlpatterns = []
