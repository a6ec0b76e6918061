"""Permission rows of the financial reports, the budget editor and the beancount export (console and API)."""

from tests.permission_helpers import school_api, school_page

BOOKS = ("school_admin", "accountant")
ROWS = {
    ("school", "ledger:report-index"): school_page(*BOOKS),
    ("school", "ledger:report-trial-balance"): school_page(*BOOKS),
    ("school", "ledger:report-general-ledger"): school_page(*BOOKS),
    ("school", "ledger:report-income-statement"): school_page(*BOOKS),
    ("school", "ledger:report-balance-sheet"): school_page(*BOOKS),
    ("school", "ledger:report-cash-book"): school_page(*BOOKS),
    ("school", "ledger:report-expenses"): school_page(*BOOKS),
    ("school", "ledger:report-budget"): school_page(*BOOKS),
    ("school", "ledger:budget-edit"): school_page(*BOOKS),
    ("school", "ledger:export-beancount"): school_page(*BOOKS),
    ("school", "api:ledger-report-trial-balance"): school_api(*BOOKS),
    ("school", "api:ledger-report-income-statement"): school_api(*BOOKS),
    ("school", "api:ledger-report-balance-sheet"): school_api(*BOOKS),
    ("school", "api:ledger-export-beancount"): school_api(*BOOKS),
}
