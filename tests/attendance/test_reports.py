"""Attendance reports: rates per stream and per student on a small fixture, the chronic-absence list,
CSV export, set-based queries, and who may read a student's attendance."""

import datetime

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.attendance.selectors import chronic_absentees, stream_rates, student_rates
from apps.attendance.services import register_save
from tests.academics.factories import StudentFactory
from tests.attendance.factories import DAY, attendance_cast
from tests.conftest import console_login

# one row per day, one column per student: student 0 absent twice (50 %), student 1 late once
# (100 %), student 2 excused once (75 %), student 3 always present
PLAN = [
    ["absent", "present", "present", "present"],
    ["absent", "late", "present", "present"],
    ["present", "present", "present", "present"],
    ["present", "present", "excused", "present"],
]


@pytest.fixture
def filled(school_a, admin_a):
    with schema_context(school_a.schema_name):
        cast = attendance_cast()
        for day, statuses in enumerate(PLAN):
            register_save(stream=cast.stream, date=DAY + datetime.timedelta(days=day), actor=cast.class_teacher,
                          marks={s.pk: status for s, status in zip(cast.students, statuses, strict=True)})
        return cast


def test_rates_per_stream_and_student(in_school_a, filled, admin_a):
    streams = {row["stream"].pk: row for row in stream_rates(user=admin_a, term=filled.term)}
    assert streams[filled.stream.pk]["days"] == 16 and streams[filled.stream.pk]["absent"] == 2
    assert streams[filled.stream.pk]["rate"] == 81.2  # 13 of 16 (excused is not attended)
    assert streams[filled.other_stream.pk]["rate"] is None  # no register yet, still listed

    rows = {row["student"].pk: row for row in student_rates(user=admin_a, term=filled.term)}
    first, second, third = (filled.students[i].pk for i in (0, 1, 2))
    assert rows[first]["rate"] == 50.0 and rows[first]["absent"] == 2
    assert rows[second]["rate"] == 100.0 and rows[second]["late"] == 1
    assert rows[third]["rate"] == 75.0 and rows[third]["excused"] == 1
    chronic = chronic_absentees(list(rows.values()), threshold=90)
    assert [row["student"].pk for row in chronic] == [first, third]
    assert [row["student"].pk for row in chronic_absentees(list(rows.values()), threshold=60)] == [first]


def test_rates_take_one_query_whatever_the_size(in_school_a, filled, admin_a, django_assert_max_num_queries):
    for _ in range(20):
        StudentFactory(stream=filled.other_stream)
    with django_assert_max_num_queries(2):
        student_rates(user=admin_a, term=filled.term)
    with django_assert_max_num_queries(2):
        stream_rates(user=admin_a, term=filled.term)


def test_teacher_report_covers_her_streams_only(in_school_a, filled):
    StudentFactory(stream=filled.other_stream)
    rows = student_rates(user=filled.class_teacher, term=filled.term)
    assert {row["student"].stream_id for row in rows} == {filled.stream.pk}
    assert {row["stream"].pk for row in stream_rates(user=filled.class_teacher, term=filled.term)} == {filled.stream.pk}


def test_report_page_chart_chronic_list_and_csv(client, school_a, filled, admin_a):
    console_login(client, school_a, admin_a)
    url = reverse("attendance:report") + f"?term={filled.term.pk}&threshold=80"
    body = client.get(url).content.decode()
    assert 'id="stream-rates-data"' in body and "81.2" in body
    chronic = body.split('data-testid="chronic"')[1].split("</ul>")[0]
    assert f'data-student="{filled.students[0].pk}"' in chronic
    assert f'data-student="{filled.students[2].pk}"' in chronic  # 75 % < 80 %
    assert f'data-student="{filled.students[1].pk}"' not in chronic

    response = client.get(url + "&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().strip().splitlines()
    assert len(lines) == 1 + 4
    assert any(filled.students[0].admission_number in line and ",50.0,yes" in line for line in lines)


def test_student_report_for_admin_and_her_teachers_only(client, school_a, filled, admin_a):
    url = reverse("attendance:student-report", args=[filled.students[0].pk]) + f"?term={filled.term.pk}"
    console_login(client, school_a, filled.class_teacher)
    body = client.get(url).content.decode()
    assert "50.0 %" in body and body.count("text-bg-danger") == 2
    console_login(client, school_a, filled.other_teacher)
    assert client.get(url).status_code == 404
    console_login(client, school_a, filled.guardians[0].user)
    assert client.get(url).status_code == 403
    console_login(client, school_a, admin_a)
    assert client.get(url).status_code == 200


def test_another_school_sees_no_rates(client, school_b, filled, admin_b):
    with schema_context(school_b.schema_name):
        from apps.attendance.models import AttendanceMark

        assert AttendanceMark.objects.count() == 0
    console_login(client, school_b, admin_b)
    body = client.get(reverse("attendance:report")).content.decode()
    assert filled.students[0].full_name not in body
    assert client.get(reverse("attendance:student-report", args=[filled.students[0].pk])).status_code == 404
