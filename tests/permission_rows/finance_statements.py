"""Permission rows of statement import (console and API): school admins and accountants."""

from tests.permission_helpers import not_checked, school_api, school_page

BOOKKEEPERS = ("school_admin", "accountant")
ONE = "one statement of this school (404 to other schools): tests/finance/test_views_statements.py, " \
      "tests/finance/test_api_statements.py"

ROWS = {
    ("school", "finance:statement-list"): school_page(*BOOKKEEPERS),
    ("school", "finance:statement-upload"): school_page(*BOOKKEEPERS),
    ("school", "finance:statement-detail"): not_checked(ONE),
    ("school", "finance:statement-confirm"): not_checked("POST on a statement: " + ONE),
    ("school", "finance:statement-discard"): not_checked("POST on a statement: " + ONE),
    ("school", "finance:mapping-list"): school_page(*BOOKKEEPERS),
    ("school", "finance:mapping-edit"): not_checked("one saved mapping: tests/finance/test_views_statements.py"),
    ("school", "api:statement-list"): school_api(*BOOKKEEPERS),
    ("school", "api:statement-detail"): not_checked(ONE),
    ("school", "api:statement-confirm"): not_checked("POST on a statement: " + ONE),
    ("school", "api:statement-lines"): not_checked(ONE),
}
