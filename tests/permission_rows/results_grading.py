"""Permission rows of assessments, grading schemes and term results (console and API)."""

from tests.permission_helpers import not_checked, school_api, school_page

MISSING = 999999  # no such object: the roles allowed in get 404, the others 403 (or sign-in)

ROWS = {
    ("school", "results:result-list"): school_page("school_admin", "teacher"),
    ("school", "results:assessment-list"): school_page("school_admin"),
    ("school", "results:assessment-create"): not_checked("needs a term: tests/results/test_assessments_views.py"),
    ("school", "results:assessment-edit"): school_page("school_admin", allowed=404),
    ("school", "results:assessment-delete"): school_page("school_admin", method="post", allowed=404),
    ("school", "results:scheme-list"): school_page("school_admin"),
    ("school", "results:scheme-evaluate"): school_page("school_admin", method="post"),
    ("school", "results:scheme-copy"): school_page("school_admin", method="post", allowed=404),
    ("school", "results:scheme-edit"): school_page("school_admin", allowed=404),
    ("school", "results:result-recompute"): school_page("school_admin", method="post", allowed=404),
    ("school", "results:result-publish"): school_page("school_admin", method="post", allowed=404),
    ("school", "results:result-unpublish"): school_page("school_admin", method="post", allowed=404),
    ("school", "results:stream-results"): school_page("school_admin", "teacher", allowed=404),
    ("school", "results:class-results"): school_page("school_admin", "teacher", allowed=404),
    ("school", "results:student-results"): school_page("school_admin", "teacher", allowed=404),
    # the API (the sample `code` names no scheme: 404 for those allowed in)
    ("school", "api:grading-scheme-list"): school_api("school_admin", "teacher"),
    ("school", "api:grading-scheme-detail"): school_api("school_admin", "teacher", allowed=404),
    ("school", "api:grading-scheme-evaluate"): school_api("school_admin", "teacher", method="post", allowed=404),
    ("school", "api:assessment-list"): school_api("school_admin", "teacher"),
    ("school", "api:assessment-detail"): not_checked("an integer id: tests/results/test_grading_api.py"),
    ("school", "api:result-list"): school_api("school_admin", "teacher", "parent", "student"),
}

KWARGS = {"assessment_id": MISSING, "scheme_id": MISSING, "term_id": MISSING, "class_id": MISSING,
          "student_id": MISSING}
