"""Console URLs of the fees invoices (included by apps/finance/urls.py)."""

urlpatterns = []
