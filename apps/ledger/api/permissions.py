"""Who may use the books' API (the ledger's and the fees'): school admins and accountants, others 403."""

from apps.accounts.api.permissions import HasRole
from apps.ledger.access import BOOKKEEPERS as BOOKKEEPER_ROLES

BOOKKEEPERS = HasRole(*BOOKKEEPER_ROLES)
