"""Permission rows of suppliers and expenses (console and API): school admins and accountants."""

from tests.permission_helpers import not_checked, school_api, school_page

BOOKKEEPERS = ("school_admin", "accountant")
ONE = "one supplier or expense of this school (404 to other schools): tests/ledger/test_views_expenses.py, " \
      "tests/ledger/test_api_expenses.py"

ROWS = {
    ("school", "ledger:supplier-list"): school_page(*BOOKKEEPERS),
    ("school", "ledger:supplier-edit"): not_checked(ONE),
    ("school", "ledger:expense-list"): school_page(*BOOKKEEPERS),
    ("school", "ledger:expense-new"): school_page(*BOOKKEEPERS),
    ("school", "ledger:expense-settings"): school_page("school_admin"),
    ("school", "ledger:expense-detail"): not_checked(ONE),
    ("school", "ledger:expense-approve"): not_checked("POST on an expense, maker-checker: " + ONE),
    ("school", "ledger:expense-reject"): not_checked("POST on an expense, maker-checker: " + ONE),
    ("school", "ledger:expense-pay"): not_checked("POST on an expense: " + ONE),
    ("school", "ledger:expense-receipt"): not_checked("an expense's receipt, 404 to everyone but bookkeepers: " + ONE),
    ("school", "api:supplier-list"): school_api(*BOOKKEEPERS),
    ("school", "api:supplier-detail"): not_checked(ONE),
    ("school", "api:expense-list"): school_api(*BOOKKEEPERS),
    ("school", "api:expense-detail"): not_checked(ONE),
    ("school", "api:expense-approve"): not_checked("POST on an expense, maker-checker: " + ONE),
    ("school", "api:expense-reject"): not_checked("POST on an expense, maker-checker: " + ONE),
    ("school", "api:expense-pay"): not_checked("POST on an expense: " + ONE),
}
