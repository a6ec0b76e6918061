"""Console URLs of the fees setup (included by apps/finance/urls.py)."""

urlpatterns = []
