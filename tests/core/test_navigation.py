"""The sidebar: each role's entries, grouped under headings whose entries sit together."""

import pytest

from apps.core.navigation import nav_for
from tests.factories import UserFactory


def _sections(items) -> list:
    seen = []
    for item in items:
        if not seen or seen[-1] != item["section"]:
            seen.append(item["section"])
    return [str(section) for section in seen]


@pytest.mark.parametrize("role", ["school_admin", "teacher", "parent", "accountant"])
def test_a_heading_appears_once_with_its_entries_together(in_school_a, role):
    items = nav_for(user=UserFactory(role=role), tenant=in_school_a, path="/dashboard/")

    sections = _sections(items)

    assert len(sections) == len(set(sections)), sections


def test_a_school_admin_sees_people_attendance_results_and_school(in_school_a):
    items = nav_for(user=UserFactory(role="school_admin"), tenant=in_school_a, path="/school/students/")

    assert _sections(items) == ["", "People", "Attendance", "Exams and results", "Fees", "Accounting", "School"]
    assert [item["key"] for item in items if item["active"]] == ["students"]


def test_an_accountant_sees_the_books_and_a_teacher_does_not(in_school_a):
    books = {"ledger-reports", "ledger-journal", "ledger-expenses", "ledger-suppliers", "ledger-accounts",
             "ledger-periods"}
    accountant = nav_for(user=UserFactory(role="accountant"), tenant=in_school_a, path="/accounting/journal/")
    teacher = nav_for(user=UserFactory(role="teacher"), tenant=in_school_a, path="/dashboard/")

    assert books <= {item["key"] for item in accountant}
    assert "Accounting" in _sections(accountant)
    assert [item["key"] for item in accountant if item["active"]] == ["ledger-journal"]
    assert not books & {item["key"] for item in teacher}


def test_a_teacher_sees_her_teaching_pages_first(in_school_a):
    items = nav_for(user=UserFactory(role="teacher"), tenant=in_school_a, path="/teacher/")

    assert [item["key"] for item in items][:4] == ["dashboard", "teacher-home", "teacher-students", "teacher-marks"]
    assert "students" not in [item["key"] for item in items]


def test_a_switched_off_module_hides_its_entries(in_school_a):
    in_school_a.disabled_modules = ["results"]

    items = nav_for(user=UserFactory(role="school_admin"), tenant=in_school_a, path="/")

    assert not {"assessments", "results", "report-cards", "marks-review", "grading"} & {i["key"] for i in items}
