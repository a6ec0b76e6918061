"""The teacher's workspace (/teacher/)."""

app_name = "teacher"
urlpatterns = []
