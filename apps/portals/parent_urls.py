"""The parent portal (/parent/)."""

app_name = "parent"
urlpatterns = []
