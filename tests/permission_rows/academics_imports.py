"""Permission rows of the student import and export and the year-end promotion (school admins only)."""

from tests.permission_helpers import not_checked, school_page

ROWS = {
    ("school", "academics:student-import"): school_page("school_admin"),
    ("school", "academics:student-import-template"): school_page("school_admin"),
    ("school", "academics:student-import-detail"): not_checked("an upload of this school: tests/academics/test_imports_views.py"),
    ("school", "academics:student-import-confirm"): not_checked("POST, an upload: tests/academics/test_imports_views.py"),
    ("school", "academics:student-import-discard"): not_checked("POST, an upload: tests/academics/test_imports_views.py"),
    ("school", "academics:student-import-errors"): not_checked("an upload of this school: tests/academics/test_imports_views.py"),
    ("school", "academics:student-export"): school_page("school_admin"),
    ("school", "academics:promotion"): school_page("school_admin"),
}
