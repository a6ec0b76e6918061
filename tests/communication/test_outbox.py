"""The outbox: queued once per dedupe key, inside the caller's transaction, guardians with a phone
(primary first) in one insert; the admin's read-only outbox page and API; isolation."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.communication.models import OutboxMessage
from apps.communication.services import guardians_notify, outbox_queue
from tests.academics.factories import StudentFactory, StudentGuardianFactory
from tests.conftest import console_login, tokens_in
from tests.factories import UserFactory


def test_queue_is_idempotent_on_the_dedupe_key(in_school_a):
    first = outbox_queue(kind="test.kind", to="+255712000001", body="Hello", dedupe_key="test:1")
    assert first is not None and first.pk and first.status == "queued"
    assert outbox_queue(kind="test.kind", to="+255712000001", body="Hello again", dedupe_key="test:1") is None
    assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().body == "Hello"


def test_a_rolled_back_action_leaves_no_message(in_school_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_queue(kind="test.kind", to="+255712000001", body="Hello", dedupe_key="test:rollback")
        raise RuntimeError("the action failed")
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize("bad", [{"to": ""}, {"body": "  "}, {"dedupe_key": ""}, {"channel": "pigeon"}])
def test_bad_messages_are_refused(in_school_a, bad):
    fields = {"kind": "test.kind", "to": "+255712000001", "body": "Hello", "dedupe_key": "test:bad", **bad}
    with pytest.raises(ValidationError):
        outbox_queue(**fields)
    assert OutboxMessage.objects.count() == 0


def test_guardians_notify_in_one_insert_primary_first(in_school_a, django_assert_max_num_queries):
    students = [StudentFactory() for _ in range(5)]
    for student in students:
        StudentGuardianFactory(student=student, is_primary=False, relationship="father")
        StudentGuardianFactory(student=student, is_primary=True)
    StudentGuardianFactory(student=students[0], is_primary=False, guardian__phone="")
    with django_assert_max_num_queries(4):  # the guardians, the insert (doubled: search_path)
        new = guardians_notify(students=students, kind="test.notify",
                               body_for=lambda s, g: f"About {s.first_name}",
                               dedupe_for=lambda s, g: f"test.notify:{s.pk}:{g.pk}")
    assert len(new) == 10
    first_two = [m for m in new if m.object_id == str(students[0].pk)]
    assert first_two[0].to == students[0].guardian_links.get(is_primary=True).guardian.phone
    again = guardians_notify(students=students, kind="test.notify", body_for=lambda s, g: "x",
                             dedupe_for=lambda s, g: f"test.notify:{s.pk}:{g.pk}")
    assert again == [] and OutboxMessage.objects.count() == 10


def test_outbox_page_for_admins_only_with_filters(client, school_a, admin_a):
    with schema_context(school_a.schema_name):
        outbox_queue(kind="attendance.absence", to="+255712000001", body="Absent today", dedupe_key="a:1")
        outbox_queue(kind="other.kind", to="+255712000002", body="Something else", dedupe_key="b:1")
        teacher = UserFactory(role="teacher")
    console_login(client, school_a, admin_a)
    body = client.get(reverse("communication:outbox")).content.decode()
    assert "Absent today" in body and "Something else" in body and "Queued" in body
    body = client.get(reverse("communication:outbox") + "?kind=attendance.absence").content.decode()
    assert "Absent today" in body and "Something else" not in body
    body = client.get(reverse("communication:outbox") + "?status=sent").content.decode()
    assert "Absent today" not in body
    console_login(client, school_a, teacher)
    assert client.get(reverse("communication:outbox")).status_code == 403


def test_outbox_api_and_isolation(api_client, school_a, school_b, admin_a, admin_b):
    with schema_context(school_a.schema_name):
        outbox_queue(kind="attendance.absence", to="+255712000001", body="Absent today", dedupe_key="a:1")
    token = tokens_in(school_a, admin_a)["access"]
    response = api_client.get(reverse("api:outbox-list"), HTTP_HOST=school_a.primary_host,
                              HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["meta"]["count"] == 1
    token_b = tokens_in(school_b, admin_b)["access"]
    response = api_client.get(reverse("api:outbox-list"), HTTP_HOST=school_b.primary_host,
                              HTTP_AUTHORIZATION=f"Bearer {token_b}")
    assert response.json()["meta"]["count"] == 0
    with schema_context(school_b.schema_name):
        assert OutboxMessage.objects.count() == 0
