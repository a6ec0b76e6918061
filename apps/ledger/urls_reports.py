"""Console URLs of the ledger's reports (included by apps/ledger/urls.py under the ledger namespace)."""

urlpatterns = []
