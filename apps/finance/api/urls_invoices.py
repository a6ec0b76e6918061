"""API URLs of the fees invoices (included by apps/finance/api/urls.py)."""

urlpatterns = []
