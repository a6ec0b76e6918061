"""Permission rows of reconciliation (console and API): school admins and accountants."""

from tests.permission_helpers import not_checked, school_api, school_page

BOOKKEEPERS = ("school_admin", "accountant")
POSTS = "POST on a statement line, event or suggestion of this school (403 for others, 404 to other schools): " \
        "tests/finance/test_views_reconciliation.py, tests/finance/test_api_reconciliation.py"

ROWS = {
    ("school", "finance:reconciliation"): school_page(*BOOKKEEPERS),
    ("school", "finance:reconciliation-invoices"): school_page(*BOOKKEEPERS),
    ("school", "finance:reconciliation-run"): not_checked("POST starting the matching job: " + POSTS),
    ("school", "finance:reconciliation-confirm"): not_checked(POSTS),
    ("school", "finance:reconciliation-assign"): not_checked(POSTS),
    ("school", "finance:reconciliation-split"): not_checked(POSTS),
    ("school", "finance:reconciliation-ignore"): not_checked(POSTS),
    ("school", "finance:reconciliation-undo"): not_checked(POSTS),
    ("school", "api:reconciliation-suggestion-list"): school_api(*BOOKKEEPERS),
    ("school", "api:reconciliation-suggestion-confirm"): not_checked(POSTS),
    ("school", "api:reconciliation-suggestion-reject"): not_checked(POSTS),
}
KWARGS = {"kind": "line"}
