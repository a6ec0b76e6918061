"""The register pages: a teacher's own streams only, the grid saved in one POST (HTMX and plain),
errors beside the row, the frozen read-only view, bounded queries, the admin's freeze form."""

import datetime

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.attendance.models import AttendanceMark, Register
from apps.attendance.services import register_freeze, register_save
from apps.communication.models import OutboxMessage
from tests.academics.factories import StudentFactory
from tests.attendance.factories import DAY, attendance_cast
from tests.conftest import console_login


def _url(stream, day=DAY, period=None):
    url = reverse("attendance:register-take", args=[stream.pk]) + f"?date={day.isoformat()}"
    return url + (f"&period={period}" if period else "")


@pytest.fixture
def cast(school_a):
    with schema_context(school_a.schema_name):
        return attendance_cast()


def test_teacher_sees_only_her_streams(client, school_a, cast):
    console_login(client, school_a, cast.class_teacher)
    response = client.get(reverse("attendance:register-list") + f"?date={DAY.isoformat()}")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-stream="{cast.stream.pk}"' in body and f'data-stream="{cast.other_stream.pk}"' not in body
    assert "not taken" in body
    assert client.get(_url(cast.other_stream)).status_code == 404
    assert client.post(_url(cast.other_stream), {}).status_code == 404


def test_the_subject_teacher_can_take_it_too(client, school_a, cast):
    console_login(client, school_a, cast.subject_teacher)
    assert client.get(_url(cast.stream)).status_code == 200


def test_grid_saves_the_whole_register_with_htmx(client, school_a, cast):
    console_login(client, school_a, cast.class_teacher)
    data = {f"s-{s.pk}": "present" for s in cast.students}
    data[f"s-{cast.students[0].pk}"] = "absent"
    data[f"s-{cast.students[1].pk}"] = "absent"
    data[f"n-{cast.students[1].pk}"] = "sick"
    response = client.post(_url(cast.stream), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="register-saved"' in body and "2 absent" in body
    assert "<html" not in body  # the fragment only
    with schema_context(school_a.schema_name):
        register = Register.objects.get(stream=cast.stream, date=DAY)
        assert register.marks.filter(status="absent").count() == 2
        assert register.marks.get(student=cast.students[1]).note == "sick"
        assert OutboxMessage.objects.filter(kind="attendance.absence").count() == 2

    listing = client.get(reverse("attendance:register-list") + f"?date={DAY.isoformat()}").content.decode()
    assert "taken" in listing and "2 absent" in listing


def test_plain_form_redirects_and_an_unmarked_student_saves_nothing(client, school_a, cast):
    console_login(client, school_a, cast.class_teacher)
    data = {f"s-{s.pk}": "present" for s in cast.students[1:]}
    response = client.post(_url(cast.stream), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="err-{cast.students[0].pk}"' in body and "Nothing was saved" in body
    with schema_context(school_a.schema_name):
        assert Register.objects.count() == 0

    data[f"s-{cast.students[0].pk}"] = "late"
    response = client.post(_url(cast.stream), data)
    assert response.status_code == 302 and response["Location"] == _url(cast.stream)
    with schema_context(school_a.schema_name):
        assert AttendanceMark.objects.filter(status="late").count() == 1


def test_mark_all_present_without_javascript_fills_but_does_not_save(client, school_a, cast):
    console_login(client, school_a, cast.class_teacher)
    response = client.post(_url(cast.stream), {f"s-{cast.students[0].pk}": "absent", "fill": "present"})
    body = response.content.decode()
    assert body.count("checked") == len(cast.students)
    assert f'id="s-{cast.students[0].pk}-absent" value="absent"\n               autocomplete="off" checked' in body
    with schema_context(school_a.schema_name):
        assert Register.objects.count() == 0


def test_frozen_register_is_read_only_for_the_teacher(client, school_a, cast, admin_a):
    with schema_context(school_a.schema_name):
        register_save(stream=cast.stream, date=DAY, marks={s.pk: "present" for s in cast.students},
                      actor=cast.class_teacher)
        register_freeze(term=cast.term, through=DAY, actor=admin_a)
    console_login(client, school_a, cast.class_teacher)
    body = client.get(_url(cast.stream)).content.decode()
    assert "only an admin can change it" in body and 'data-testid="save-register"' not in body
    assert client.post(_url(cast.stream), {f"s-{s.pk}": "absent" for s in cast.students}).status_code == 403
    with schema_context(school_a.schema_name):
        assert not AttendanceMark.objects.filter(status="absent").exists()


def test_future_and_holiday_days_are_closed(client, school_a, cast):
    console_login(client, school_a, cast.class_teacher)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert "future" in client.get(_url(cast.stream, tomorrow)).content.decode()
    holiday = datetime.date(2026, 7, 20)
    assert "not within any term" in client.get(_url(cast.stream, holiday)).content.decode()
    assert client.post(_url(cast.stream, holiday), {}).status_code == 403


def test_grid_queries_do_not_grow_with_the_class(client, school_a, cast, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for _ in range(30):
            StudentFactory(stream=cast.stream)
        register_save(stream=cast.stream, date=DAY,
                      marks={s.pk: "present" for s in cast.stream.students.all()}, actor=cast.class_teacher)
    console_login(client, school_a, cast.class_teacher)
    client.get(_url(cast.stream))  # warm the session/tenant caches
    with django_assert_max_num_queries(30):
        response = client.get(_url(cast.stream))
    assert response.content.decode().count('class="btn-check"') == 34 * 4


def test_parents_and_accountants_are_refused(client, school_a, cast):
    with schema_context(school_a.schema_name):
        parent = cast.guardians[0].user
    console_login(client, school_a, parent)
    assert client.get(_url(cast.stream)).status_code == 403
    assert client.get(reverse("attendance:register-list")).status_code == 403


def test_admin_sees_every_stream_and_freezes(client, school_a, cast, admin_a):
    console_login(client, school_a, admin_a)
    body = client.get(reverse("attendance:register-list") + f"?date={DAY.isoformat()}").content.decode()
    assert f'data-stream="{cast.stream.pk}"' in body and f'data-stream="{cast.other_stream.pk}"' in body
    assert "Freeze registers" in body
    response = client.post(reverse("attendance:register-freeze"), {"term": cast.term.pk, "through": "2026-03-31"})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        cast.term.refresh_from_db()
        assert cast.term.attendance_frozen_through == datetime.date(2026, 3, 31)
    # outside the term: refused with a message, nothing changed
    client.post(reverse("attendance:register-freeze"), {"term": cast.term.pk, "through": "2026-09-01"})
    with schema_context(school_a.schema_name):
        cast.term.refresh_from_db()
        assert cast.term.attendance_frozen_through == datetime.date(2026, 3, 31)


def test_another_schools_admin_cannot_reach_these_streams(client, school_b, cast, admin_b):
    console_login(client, school_b, admin_b)
    assert client.get(_url(cast.stream)).status_code == 404
