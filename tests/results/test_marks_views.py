"""The marks grid, cell saves over HTMX, locking in the page, history, the review queue and the
chain check in the console; bounded queries; another school's host sees none of it."""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.results.marks import mark_set
from apps.results.models import Mark, MarkChange, MarkFlag
from tests.academics.factories import StreamFactory, StudentFactory, TeachingAssignmentFactory
from tests.conftest import console_login
from tests.factories import UserFactory
from tests.results.marks_setup import make_world, publish

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(in_school_a):
    return make_world()


def grid_url(w, name="results:marks-grid"):
    return reverse(name, kwargs={"assessment_id": w.assessment.pk, "stream_id": w.stream.pk,
                                 "subject_id": w.subject.pk})


def save(client, w, student, value, **extra):
    return client.post(grid_url(w, "results:mark-save"), {"student": student.pk, f"mark-{student.pk}": value,
                                                          **extra}, **HTMX)


def test_the_assigned_teacher_sees_her_grid(client, school_a, world):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="67.5",
             actor=world.teacher)
    console_login(client, school_a, world.teacher)

    response = client.get(grid_url(world))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="67.5"' in html and html.count('class="form-control form-control-sm mark-input') == 3
    assert "hx-post" in html and "readonly" not in html
    assert "js/marks-grid.js" in html


def test_other_teachers_and_roles_do_not_reach_the_grid(client, school_a, world):
    other = UserFactory(role="teacher")
    TeachingAssignmentFactory(stream=world.stream, teacher=other)  # she teaches another subject here
    console_login(client, school_a, other)
    assert client.get(grid_url(world)).status_code == 404
    assert save(client, world, world.student, "50").status_code == 404

    console_login(client, school_a, UserFactory(role="accountant"))
    assert client.get(grid_url(world)).status_code == 403
    assert not Mark.objects.exists()


def test_a_cell_saves_over_htmx(client, school_a, world):
    console_login(client, school_a, world.teacher)

    response = save(client, world, world.student, "67,5")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-state="saved"' in body and 'data-shown="67.5"' in body and "saved" in body
    assert Mark.objects.get().score == Decimal("67.50")


def test_a_bad_cell_answers_the_error_and_saves_nothing(client, school_a, world):
    console_login(client, school_a, world.teacher)

    response = save(client, world, world.student, "150")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-state="error"' in body and "Enter a mark from 0 to 100, or ABS for absent." in body
    assert not Mark.objects.exists()


def test_a_student_of_another_stream_cannot_be_saved_through_this_grid(client, school_a, world):
    stranger = StudentFactory(stream=StreamFactory(name="B"))
    console_login(client, school_a, world.teacher)

    assert save(client, world, stranger, "50").status_code == 404
    assert not Mark.objects.exists()


def test_without_javascript_the_whole_grid_posts_all_or_nothing(client, school_a, world):
    console_login(client, school_a, world.teacher)
    values = {f"mark-{s.pk}": v for s, v in zip(world.students, ["50", "abs", "999"], strict=True)}

    response = client.post(grid_url(world), values)
    assert response.status_code == 400
    assert "Enter a mark from 0 to 100" in response.content.decode()
    assert not Mark.objects.exists()

    values[f"mark-{world.students[2].pk}"] = "70"
    assert client.post(grid_url(world), values).status_code == 302
    assert Mark.objects.count() == 3


def test_published_grid_is_read_only_and_the_admin_can_unlock_it(client, school_a, world, admin_a):
    publish(world.term, admin_a)
    console_login(client, school_a, world.teacher)
    html = client.get(grid_url(world)).content.decode()
    assert 'data-state="locked"' in html and "readonly" in html and "hx-post=" not in html
    assert "unlock-form" not in html
    assert 'data-state="error"' in save(client, world, world.student, "50").content.decode()
    assert not Mark.objects.exists()

    console_login(client, school_a, admin_a)
    assert "unlock-form" in client.get(grid_url(world)).content.decode()
    client.post(grid_url(world, "results:marks-unlock"), {"reason": ""})
    assert 'data-state="locked"' in client.get(grid_url(world)).content.decode()
    client.post(grid_url(world, "results:marks-unlock"), {"reason": "Paper re-marked", "scope": "subject"})
    html = client.get(grid_url(world)).content.decode()
    assert 'data-state="unlocked"' in html and "Paper re-marked" in html and 'id="mark-reason"' in html

    console_login(client, school_a, world.teacher)
    assert "Give a reason" in save(client, world, world.student, "50").content.decode()
    assert 'data-state="saved"' in save(client, world, world.student, "50", reason="re-marked").content.decode()

    console_login(client, school_a, admin_a)
    client.post(grid_url(world, "results:marks-relock"), {"reason": "done"})
    assert 'data-state="locked"' in client.get(grid_url(world)).content.decode()


def test_teachers_cannot_unlock(client, school_a, world, admin_a):
    publish(world.term, admin_a)
    console_login(client, school_a, world.teacher)
    assert client.post(grid_url(world, "results:marks-unlock"), {"reason": "please"}).status_code == 403


def test_the_grid_queries_do_not_grow_with_the_stream(client, school_a, world, django_assert_max_num_queries):
    console_login(client, school_a, world.teacher)

    def students(total):
        while len(world.students) < total:
            student = StudentFactory(stream=world.stream)
            world.students.append(student)
            mark_set(assessment=world.assessment, student=student, subject=world.subject, value="50",
                     actor=world.teacher)
        connection.queries_log.clear()

    students(20)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as twenty:
        assert client.get(grid_url(world)).status_code == 200
    students(60)
    with CaptureQueriesContext(connection) as sixty:
        response = client.get(grid_url(world))
    assert response.content.decode().count("mark-input") >= 60
    assert len(sixty.captured_queries) == len(twenty.captured_queries)
    assert len(sixty.captured_queries) <= 2 * 20


def test_history_shows_the_chain_to_the_teacher_and_the_admin(client, school_a, world, admin_a):
    mark = mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="40",
                    actor=world.teacher)
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="abs",
             actor=world.teacher)
    url = reverse("results:marks-history", kwargs={"mark_id": mark.pk})
    for person in (world.teacher, admin_a):
        console_login(client, school_a, person)
        html = client.get(url).content.decode()
        assert html.count("data-change=") == 2 and "ABS" in html

    console_login(client, school_a, UserFactory(role="teacher"))
    assert client.get(url).status_code == 404


def test_review_queue_lists_accepts_and_reverts(client, school_a, world, admin_a):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="40",
             actor=world.teacher)
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="90", actor=admin_a)
    mark_set(assessment=world.assessment, student=world.students[1], subject=world.subject, value="60",
             actor=admin_a)
    first, second = MarkFlag.objects.order_by("id")
    console_login(client, school_a, admin_a)

    html = client.get(reverse("results:review-queue")).content.decode()
    assert html.count('data-status="open"') == 2 and "40</span> → <strong>90" in html

    refused = client.post(reverse("results:flag-accept", kwargs={"flag_id": second.pk}), {"note": ""}, **HTMX)
    assert "Write a note" in refused.content.decode()
    accepted = client.post(reverse("results:flag-accept", kwargs={"flag_id": second.pk}), {"note": "Fine"}, **HTMX)
    assert 'data-status="accepted"' in accepted.content.decode()

    reverted = client.post(reverse("results:flag-revert", kwargs={"flag_id": first.pk}), {}, **HTMX)
    assert 'data-status="reverted"' in reverted.content.decode()
    assert Mark.objects.get(student=world.student).score == Decimal("40.00")
    assert MarkChange.objects.order_by("-id").first().reason == "reverted after review"

    html = client.get(reverse("results:review-queue"), {"status": "all", "rule": "not_assigned"}).content.decode()
    assert html.count('data-rule="not_assigned"') == 2


def test_review_queue_and_policy_are_for_admins(client, school_a, world, admin_a):
    console_login(client, school_a, world.teacher)
    assert client.get(reverse("results:review-queue")).status_code == 403
    assert client.get(reverse("results:chain-verify")).status_code == 403

    console_login(client, school_a, admin_a)
    bad = client.post(reverse("results:tamper-policy"), {"jump_sd": "0", "jump_marks": "30", "burst_changes": "30",
                                                         "burst_minutes": "10"})
    assert bad.status_code == 400
    good = client.post(reverse("results:tamper-policy"), {"jump_sd": "3", "jump_marks": "25", "burst_changes": "40",
                                                          "burst_minutes": "5"})
    assert good.status_code == 302
    from apps.results.tamper import tamper_policy_get
    assert tamper_policy_get().jump_marks == Decimal("25")


def test_chain_verify_page(client, school_a, world, admin_a):
    mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="40",
             actor=world.teacher)
    console_login(client, school_a, admin_a)
    assert 'data-state="intact"' in client.get(reverse("results:chain-verify")).content.decode()

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE results_markchange DISABLE TRIGGER USER")
        cursor.execute("UPDATE results_markchange SET new_score = 99")
        cursor.execute("ALTER TABLE results_markchange ENABLE TRIGGER USER")
    html = client.get(reverse("results:chain-verify")).content.decode()
    assert 'data-state="broken"' in html and 'data-kind="changed"' in html


def test_marks_index_lists_the_teachers_grids(client, school_a, world, admin_a):
    console_login(client, school_a, world.teacher)
    html = client.get(reverse("results:marks-index"), {"assessment": world.assessment.pk}).content.decode()
    assert grid_url(world) in html


def test_another_schools_host_does_not_show_these_marks(client, school_a, school_b, world, admin_b):
    mark = mark_set(assessment=world.assessment, student=world.student, subject=world.subject, value="40",
                    actor=world.teacher)
    console_login(client, school_b, admin_b)

    assert client.get(reverse("results:marks-history", kwargs={"mark_id": mark.pk})).status_code == 404
    assert client.get(grid_url(world)).status_code == 404
    with schema_context(school_b.schema_name):
        html = client.get(reverse("results:review-queue")).content.decode()
    assert "data-status=" not in html
    assert client.get(reverse("results:chain-verify")).status_code == 200
