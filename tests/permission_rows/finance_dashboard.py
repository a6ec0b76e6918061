"""Permission rows of the fees overview and fee reminders: school admins and accountants."""

from tests.permission_helpers import school_page

BOOKKEEPERS = ("school_admin", "accountant")

ROWS = {
    ("school", "finance:dashboard"): school_page(*BOOKKEEPERS),
    ("school", "finance:reminder-new"): school_page(*BOOKKEEPERS),
}
