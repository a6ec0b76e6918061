"""Platform staff and jobs live in the public schema too, which has none of the school apps' tables: deleting one
must not look for their rows there (students, marks, registers refer to users only inside a school)."""

from django.contrib.auth import get_user_model
from django.db import connection
from django_tenants.utils import schema_context

from tests.academics.factories import StreamFactory
from tests.conftest import console_login
from tests.factories import UserFactory


def test_a_platform_user_can_be_deleted_in_public(platform_owner):
    connection.set_schema_to_public()
    person = UserFactory(role="staff")

    person.delete()

    assert not get_user_model().objects.filter(pk=person.pk).exists()


def test_platform_users_can_be_deleted_in_bulk_in_public(platform_owner):
    connection.set_schema_to_public()
    people = [UserFactory(role="staff").pk for _ in range(2)]

    get_user_model().objects.filter(pk__in=people).delete()

    assert not get_user_model().objects.filter(pk__in=people).exists()


def test_the_admin_confirms_deleting_a_platform_user(client, platform_owner):
    connection.set_schema_to_public()
    person = UserFactory(role="staff")
    console_login(client, None, platform_owner)

    page = client.get(f"/admin/accounts/user/{person.pk}/delete/")
    done = client.post(f"/admin/accounts/user/{person.pk}/delete/", {"post": "yes"})

    assert page.status_code == 200 and str(person) in page.content.decode()
    assert done.status_code == 302
    assert not get_user_model().objects.filter(pk=person.pk).exists()


def test_in_a_school_a_teacher_leading_a_stream_is_still_protected(in_school_a):
    teacher = UserFactory(role="teacher")
    StreamFactory(class_teacher=teacher)

    teacher.delete()  # the stream keeps no dangling reference: class teacher set to null

    with schema_context(in_school_a.schema_name):
        assert not get_user_model().objects.filter(pk=teacher.pk).exists()


def test_a_platform_job_can_be_deleted_in_public(platform_owner):
    from apps.jobs.models import Job

    connection.set_schema_to_public()
    job = Job.objects.create(kind="platform.refresh_analytics", title="Refresh", started_by=platform_owner)
    Job.objects.create(kind="platform.refresh_analytics", title="Refresh again")

    job.delete()
    Job.objects.filter(title="Refresh again").delete()

    assert not Job.objects.filter(title__startswith="Refresh").exists()
