"""The parent portal: his children only (another child is a 404), results and report cards only once
published, the child switcher remembered, notices for his children's streams; another school's parent
sees nothing of school A."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import schema_context

from tests.academics.factories import StudentFactory, StudentGuardianFactory, TermFactory
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.portals.factories import notice, portal_school, publish, register, report_card, results

pytestmark = pytest.mark.django_db

PAGES = ["parent:home", "parent:attendance", "parent:results", "parent:report-cards", "parent:notices"]


@pytest.fixture
def school(in_school_a):
    return portal_school()


@pytest.fixture
def as_parent(client, school_a, school):
    console_login(client, school_a, school.parent)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_every_page_opens_for_a_parent(as_parent, name):
    assert as_parent.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_other_roles_are_refused(client, school_a, school, name):
    console_login(client, school_a, school.teacher)
    assert client.get(reverse(name)).status_code == 403


def test_home_shows_each_child_with_class_todays_attendance_and_latest_published_result(as_parent, school):
    first, second = school.children
    register(stream=first.stream, term=school.term, marks={first: "absent"})
    results(term=school.term, student=first, grades={school.maths: ("80", "A")}, division="I")
    publish(school.term)

    response = as_parent.get("/parent/")

    html = response.content.decode()
    cards = {child.pk: child for child in response.context["children"]}
    assert set(cards) == {first.pk, second.pk}  # never the stranger's child
    assert school.stranger_child.first_name not in html
    assert cards[first.pk].today.status == "absent"
    assert cards[second.pk].today is None and "register not taken yet" in html
    assert cards[first.pk].latest_result.division == "I"
    assert cards[second.pk].latest_result is None and "not yet published" in html
    assert "Form 1A" in html and "Form 2A" in html


def test_home_hides_draft_results(as_parent, school):
    results(term=school.term, student=school.children[0], grades={school.maths: ("80", "A")})

    response = as_parent.get("/parent/")

    assert all(child.latest_result is None for child in response.context["children"])


def test_a_child_that_is_not_his_is_not_found_on_every_page(as_parent, school):
    for name in PAGES:
        assert as_parent.get(reverse(name), {"child": school.stranger_child.pk}).status_code == 404, name
        assert as_parent.get(reverse(name), {"child": "nonsense"}).status_code == 404, name


def test_the_chosen_child_is_remembered(as_parent, school):
    second = school.children[1]

    chosen = as_parent.get("/parent/attendance/", {"child": second.pk})
    later = as_parent.get("/parent/results/")

    assert chosen.context["child"] == second and later.context["child"] == second
    assert 'data-testid="child-switcher"' in later.content.decode()


def test_attendance_shows_the_term_summary_and_the_days_missed(as_parent, school):
    child = school.children[0]
    day = school.term.starts_on + datetime.timedelta(days=1)
    register(stream=child.stream, term=school.term, date=day, marks={child: "absent"})
    register(stream=child.stream, term=school.term, date=day + datetime.timedelta(days=1), marks={child: "late"})
    register(stream=child.stream, term=school.term, date=day + datetime.timedelta(days=2))

    response = as_parent.get("/parent/attendance/", {"child": child.pk})

    summary = response.context["summary"]
    assert (summary["present"], summary["absent"], summary["late"], summary["days"]) == (1, 1, 1, 3)
    assert [mark.status for mark in response.context["exceptions"]] == ["late", "absent"]


def test_results_before_publication_say_not_yet_published(as_parent, school):
    child = school.children[0]
    results(term=school.term, student=child, grades={school.maths: ("80", "A")})

    response = as_parent.get("/parent/results/", {"child": child.pk})

    html = response.content.decode()
    assert response.context["term"] is None
    assert 'data-testid="not-published"' in html and "Mathematics" not in html
    # asking for the draft term by id is refused
    assert as_parent.get("/parent/results/", {"child": child.pk, "term": school.term.pk}).status_code == 404


def test_published_results_show_subjects_grades_positions_and_division(as_parent, school):
    child = school.children[0]
    results(term=school.term, student=child, grades={school.maths: ("80", "A"), school.english: ("58", "C")},
            division="II", position=4, size=41)
    publish(school.term)
    # a later term still in draft is not offered
    draft = TermFactory(number=2, starts_on=datetime.date(2026, 7, 1), ends_on=datetime.date(2026, 9, 30),
                        is_current=False)
    results(term=draft, student=child, grades={school.maths: ("10", "F")})

    response = as_parent.get("/parent/results/", {"child": child.pk})

    html = response.content.decode()
    assert response.context["terms"] == [school.term]
    assert [row.grade for row in response.context["subject_results"]] == ["A", "C"]
    assert "Mathematics" in html and "English" in html
    assert "4/41" in html and 'data-testid="division">II<' in html
    assert ">F<" not in html


def test_results_open_on_the_latest_published_term_with_the_childs_results(as_parent, school):
    child = school.children[0]
    results(term=school.term, student=child, grades={school.maths: ("80", "A")})
    publish(school.term)
    # a later published term without this child's results (another child's only) is not offered
    later = publish(TermFactory(number=2, starts_on=datetime.date(2026, 7, 1), ends_on=datetime.date(2026, 9, 30),
                                is_current=False))
    results(term=later, student=school.stranger_child, grades={school.maths: ("50", "C")})

    response = as_parent.get("/parent/results/", {"child": child.pk})

    assert response.context["term"] == school.term and response.context["terms"] == [school.term]
    assert as_parent.get("/parent/results/", {"child": child.pk, "term": later.pk}).status_code == 404


def test_report_cards_only_ready_ones_of_published_terms(as_parent, school):
    child = school.children[0]
    ready = report_card(term=school.term, student=child)
    draft = TermFactory(number=2, starts_on=datetime.date(2026, 7, 1), ends_on=datetime.date(2026, 9, 30),
                        is_current=False)
    report_card(term=draft, student=child)

    before = as_parent.get("/parent/report-cards/", {"child": child.pk})
    publish(school.term)
    after = as_parent.get("/parent/report-cards/", {"child": child.pk})

    assert before.context["cards"] == [] and 'data-testid="no-report-cards"' in before.content.decode()
    assert after.context["cards"] == [ready]


def test_notices_for_everyone_parents_and_his_childrens_streams(as_parent, school):
    shown = [notice(title="Sports day"), notice(title="Parents meeting", audience="parents"),
             notice(title="Form 1A trip", stream=school.led)]
    hidden = [notice(title="Staff briefing", audience="staff"), notice(title="Draft", published=False),
              notice(title="Old news", expires_on=datetime.date(2020, 1, 1)),
              notice(title="Form 1B trip", stream=school.taught)]

    page = as_parent.get("/parent/notices/")
    home = as_parent.get("/parent/")

    titles = {n.title for n in page.context["page"]}
    assert titles >= {n.title for n in shown}
    assert not titles & {n.title for n in hidden}
    assert {n.title for n in home.context["notices"]} <= titles


def test_a_parent_without_children_is_told_so(client, school_a, school):
    with schema_context(school_a.schema_name):
        lonely = UserFactory(role="parent")
    console_login(client, school_a, lonely)

    for name in PAGES[:-1]:
        response = client.get(reverse(name))
        assert response.status_code == 200 and 'data-testid="no-children"' in response.content.decode(), name


@pytest.mark.parametrize("path", ["/parent/", "/parent/attendance/", "/parent/results/", "/parent/report-cards/",
                                  "/parent/notices/"])
def test_pages_take_the_same_queries_for_one_or_three_children(client, school_a, django_assert_max_num_queries, path):
    with schema_context(school_a.schema_name):
        school = portal_school(children=1)
        publish(school.term)
        child = school.children[0]
        results(term=school.term, student=child, grades={school.maths: ("80", "A")})
        report_card(term=school.term, student=child)
        register(stream=child.stream, term=school.term)
        notice(title="Form trip", stream=child.stream)
    console_login(client, school_a, school.parent)
    client.get(path)
    with CaptureQueriesContext(connection) as one:
        client.get(path)
    with schema_context(school_a.schema_name):
        for stream in (school.taught, school.other):
            extra = StudentFactory(stream=stream)
            StudentGuardianFactory(student=extra, guardian=school.parent.guardian, is_primary=False)
            results(term=school.term, student=extra, grades={school.maths: ("60", "C")})
            register(stream=stream, term=school.term)
            notice(title=f"{stream} trip", stream=stream)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(path)
    assert len(response.context["children"]) == 3


def test_another_schools_parent_sees_nothing_of_school_a(client, school_a, school_b, school):
    with schema_context(school_a.schema_name):
        child_id = school.children[0].pk
        publish(school.term)
        notice(title="Alpha only")
    with schema_context(school_b.schema_name):
        parent_b = UserFactory(role="parent")
    console_login(client, school_b, parent_b)

    home = client.get("/parent/")
    notices = client.get("/parent/notices/")

    assert home.status_code == 200 and home.context["children"] == []
    assert "Alpha only" not in notices.content.decode()
    assert client.get("/parent/results/", {"child": child_id}).status_code == 404
