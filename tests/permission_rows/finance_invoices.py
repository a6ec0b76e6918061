"""Permission rows of invoices (console and API): school admins and accountants."""

from tests.permission_helpers import not_checked, school_api, school_page

BOOKKEEPERS = ("school_admin", "accountant")
ONE = "one invoice of this school (404 to other schools): tests/finance/test_views_invoices.py, " \
      "tests/finance/test_api_invoices.py"

ROWS = {
    ("school", "finance:invoice-list"): school_page(*BOOKKEEPERS),
    ("school", "finance:invoice-issue"): not_checked("POST issuing a term's invoices (403 for others): "
                                                     "tests/finance/test_views_invoices.py"),
    ("school", "finance:invoice-detail"): not_checked(ONE),
    ("school", "finance:invoice-void"): not_checked("POST on an invoice: " + ONE),
    ("school", "api:invoice-list"): school_api(*BOOKKEEPERS),
    ("school", "api:invoice-detail"): not_checked(ONE),
    ("school", "api:invoice-void"): not_checked("POST on an invoice: " + ONE),
}
