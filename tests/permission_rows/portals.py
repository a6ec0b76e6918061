"""Permission rows of the teacher's workspace and the parent portal."""

from tests.permission_helpers import not_checked, school_page

ROWS = {
    # a teacher with no classes sees empty pages; a parent with no children is told so
    ("school", "teacher:home"): school_page("teacher"),
    ("school", "teacher:students"): school_page("teacher"),
    ("school", "teacher:student-detail"): not_checked("a student of her own: tests/portals/test_teacher.py (404 else)"),
    ("school", "teacher:marks"): school_page("teacher"),
    ("school", "teacher:register"): school_page("teacher"),
    ("school", "parent:home"): school_page("parent"),
    ("school", "parent:attendance"): school_page("parent"),
    ("school", "parent:results"): school_page("parent"),
    ("school", "parent:report-cards"): school_page("parent"),
    ("school", "parent:notices"): school_page("parent"),
    ("school", "parent:fees"): school_page("parent"),
    ("school", "parent:fee-receipt"): not_checked("a receipt of his own child's payment: tests/portals/test_parent_fees.py "
                                                  "(404 for anyone else's)"),
}
