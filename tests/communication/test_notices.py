"""Notices: publish / update / withdraw (audited), who sees which (parents: everyone/parents and their
children's streams; staff: everyone/staff; never drafts or expired ones), the admin's pages, API, isolation."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.communication.models import Notice
from apps.communication.selectors import notices_for_user
from apps.communication.services import notice_publish, notice_update, notice_withdraw
from tests.academics.factories import StreamFactory, StudentGuardianFactory
from tests.conftest import console_login, tokens_in
from tests.factories import UserFactory


@pytest.fixture
def world(school_a, admin_a):
    with schema_context(school_a.schema_name):
        link = StudentGuardianFactory()
        parent = link.guardian.user
        teacher = UserFactory(role="teacher")
        other_stream = StreamFactory(name="Z")
        notices = {
            "everyone": notice_publish(title="Sports day", body="Friday.", actor=admin_a),
            "parents": notice_publish(title="Fees reminder", body="Due.", audience="parents", actor=admin_a),
            "staff": notice_publish(title="Staff meeting", body="Monday.", audience="staff", actor=admin_a),
            "my_stream": notice_publish(title="Form meeting", body="Sat.", audience="parents",
                                        stream=link.student.stream, actor=admin_a),
            "other_stream": notice_publish(title="Other meeting", body="Sat.", audience="parents",
                                           stream=other_stream, actor=admin_a),
            "draft": notice_publish(title="Draft", body="Not yet.", publish=False, actor=admin_a),
        }
        expired = notice_publish(title="Old", body="Gone.", actor=admin_a)
        Notice.objects.filter(pk=expired.pk).update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
        return {"parent": parent, "teacher": teacher, "notices": notices}


def _titles(user):
    return set(notices_for_user(user=user).values_list("title", flat=True))


def test_who_sees_which(in_school_a, world, admin_a):
    assert _titles(world["parent"]) == {"Sports day", "Fees reminder", "Form meeting"}
    assert _titles(world["teacher"]) == {"Sports day", "Staff meeting"}
    assert _titles(admin_a) == {"Sports day", "Staff meeting"}


def test_publish_update_withdraw_are_audited(in_school_a, world, admin_a):
    notice = world["notices"]["everyone"]
    notice_update(notice=notice, title="Sports day moved", actor=admin_a)
    notice_withdraw(notice=notice, actor=admin_a)
    assert "Sports day moved" not in _titles(world["parent"])
    with pytest.raises(ValidationError):
        notice_withdraw(notice=notice, actor=admin_a)
    notice_update(notice=notice, publish=True, actor=admin_a)
    assert "Sports day moved" in _titles(world["parent"])
    actions = list(AuditEvent.objects.filter(object_id=str(notice.pk), object_type="communication.notice")
                   .values_list("action", flat=True))
    assert actions.count("communication.notice_update") == 2 and "communication.notice_withdraw" in actions


def test_bad_notices_write_nothing(in_school_a, admin_a):
    with pytest.raises(ValidationError):
        notice_publish(title=" ", body="x", actor=admin_a)
    with pytest.raises(ValidationError):
        notice_publish(title="x", body="x", audience="martians", actor=admin_a)
    with pytest.raises(ValidationError):
        notice_publish(title="x", body="x", expires_on=datetime.date(2020, 1, 1), actor=admin_a)
    assert Notice.objects.count() == 0


def test_admin_pages(client, school_a, admin_a, world):
    console_login(client, school_a, admin_a)
    body = client.get(reverse("communication:notice-list")).content.decode()
    assert "Draft" in body and "Other meeting" in body

    response = client.post(reverse("communication:notice-create"),
                           {"title": "Half term", "body": "School closes Friday.", "audience": "everyone"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Notice saved." in response.content.decode()
    response = client.post(reverse("communication:notice-create"), {"title": "", "body": "", "audience": "everyone"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()

    draft = world["notices"]["draft"]
    row = client.post(reverse("communication:notice-publish", args=[draft.pk]), HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "Withdraw" in row.content.decode()
    response = client.post(reverse("communication:notice-withdraw", args=[draft.pk]))
    assert response.status_code == 302

    edit = reverse("communication:notice-edit", args=[draft.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"title": "Draft renamed", "body": "Still not yet.", "audience": "staff"})
    assert response.status_code == 302
    with schema_context(school_a.schema_name):
        draft.refresh_from_db()
        assert draft.title == "Draft renamed" and draft.audience == "staff" and draft.published_at is None
        assert Notice.objects.filter(title="Half term").exists()


def test_teachers_cannot_manage_notices(client, school_a, world):
    console_login(client, school_a, world["teacher"])
    assert client.get(reverse("communication:notice-list")).status_code == 403
    notice = world["notices"]["everyone"]
    assert client.post(reverse("communication:notice-withdraw", args=[notice.pk])).status_code == 403
    with schema_context(school_a.schema_name):
        notice.refresh_from_db()
        assert notice.published_at is not None


def test_notices_api_and_isolation(api_client, school_a, school_b, admin_b, world):
    token = tokens_in(school_a, world["parent"])["access"]
    response = api_client.get(reverse("api:notice-list"), HTTP_HOST=school_a.primary_host,
                              HTTP_AUTHORIZATION=f"Bearer {token}")
    assert {row["title"] for row in response.json()["data"]} == {"Sports day", "Fees reminder", "Form meeting"}
    token_b = tokens_in(school_b, admin_b)["access"]
    response = api_client.get(reverse("api:notice-list"), HTTP_HOST=school_b.primary_host,
                              HTTP_AUTHORIZATION=f"Bearer {token_b}")
    assert response.json()["meta"]["count"] == 0
