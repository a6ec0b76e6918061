"""Permission-matrix rows for marks entry and tamper review (console and API)."""

from tests.permission_helpers import not_checked, school_api, school_page

ROWS = {
    ("school", "results:marks-index"): school_page("school_admin", "teacher"),
    ("school", "results:marks-grid"): not_checked("needs an assessment, stream and subject: tests/results/test_marks_views.py"),
    ("school", "results:mark-save"): not_checked("needs an assessment, stream and subject: tests/results/test_marks_views.py"),
    ("school", "results:marks-unlock"): not_checked("needs a published term: tests/results/test_marks_views.py"),
    ("school", "results:marks-relock"): not_checked("needs an unlocked term: tests/results/test_marks_views.py"),
    ("school", "results:marks-history"): not_checked("needs a mark: tests/results/test_marks_views.py (404 for others)"),
    ("school", "results:review-queue"): school_page("school_admin"),
    ("school", "results:chain-verify"): school_page("school_admin"),
    # an empty thresholds form comes back with its errors
    ("school", "results:tamper-policy"): school_page("school_admin", method="post", allowed=400),
    ("school", "results:flag-accept"): not_checked("needs a flag: tests/results/test_marks_views.py"),
    ("school", "results:flag-revert"): not_checked("needs a flag: tests/results/test_marks_views.py"),
    ("school", "api:mark-list"): school_api("school_admin", "teacher"),
    ("school", "api:mark-flag-list"): school_api("school_admin"),
    ("school", "api:mark-flag-accept"): not_checked("needs a flag: tests/results/test_marks_api.py"),
    ("school", "api:mark-flag-revert"): not_checked("needs a flag: tests/results/test_marks_api.py"),
}

KWARGS = {"assessment_id": 1, "stream_id": 1, "subject_id": 1, "mark_id": 1, "flag_id": 1}
