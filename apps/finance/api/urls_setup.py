"""API URLs of the fees setup (included by apps/finance/api/urls.py)."""

urlpatterns = []
