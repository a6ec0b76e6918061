"""Break-glass: the owner enters a school with a reason and an expiry; both logs record it, and
everything done meanwhile names the owner as the real actor."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.audit.context import RealActor, acting_for
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.breakglass.models import BreakGlassSession
from apps.breakglass.services import (
    break_glass_end,
    break_glass_enter,
    break_glass_entry_token,
    break_glass_expire_due,
    break_glass_start,
)
from tests.conftest import console_login
from tests.factories import UserFactory

REASON = "Bursar asked for help with a stuck fee import"


def start(owner, school, person, minutes=15):
    return break_glass_start(owner=owner, school=school, acting_as_id=person.pk, reason=REASON, minutes=minutes)


def test_starting_is_audited_in_the_platform_and_in_the_school(platform_owner, school_a, admin_a):
    session = start(platform_owner, school_a, admin_a)

    platform_event = AuditEvent.objects.get(action="break_glass.started")
    assert platform_event.actor == platform_owner.email and platform_event.detail["reason"] == REASON
    with schema_context(school_a.schema_name):
        school_event = AuditEvent.objects.get(action="break_glass.started")
    assert school_event.actor == f"platform owner {platform_owner.email}"
    assert school_event.detail["acting_as"] == admin_a.email and school_event.detail["session"] == str(session.id)


@pytest.mark.parametrize("reason, minutes, field", [("", 15, "reason"), ("too short", 15, "reason"),
                                                     (REASON, 0, "minutes"), (REASON, 61, "minutes")])
def test_a_reason_and_at_most_an_hour_are_required(platform_owner, school_a, admin_a, reason, minutes, field):
    with pytest.raises(ValidationError) as refusal:
        break_glass_start(owner=platform_owner, school=school_a, acting_as_id=admin_a.pk, reason=reason,
                          minutes=minutes)

    assert field in refusal.value.message_dict
    assert not BreakGlassSession.objects.exists()


def test_the_user_acted_as_must_belong_to_that_school(platform_owner, school_a, school_b):
    with schema_context(school_b.schema_name):
        stranger = UserFactory(email="only-in-beta@example.test")
    with schema_context(school_a.schema_name):
        UserFactory.create_batch(3)

    with pytest.raises(ValidationError) as refusal:
        break_glass_start(owner=platform_owner, school=school_a, acting_as_id=stranger.pk + 1000, reason=REASON,
                          minutes=10)
    assert "acting_as" in refusal.value.message_dict


def test_the_entry_link_works_once_and_only_in_its_school(platform_owner, school_a, school_b, admin_a):
    session = start(platform_owner, school_a, admin_a)
    token = break_glass_entry_token(session=session)

    with pytest.raises(ValidationError):
        break_glass_enter(token=token, school=school_b)
    assert break_glass_enter(token=token, school=school_a).entered_at is not None
    with pytest.raises(ValidationError, match="already used"):
        break_glass_enter(token=token, school=school_a)
    with pytest.raises(ValidationError, match="not valid"):
        break_glass_enter(token=token + "x", school=school_a)


def enter(client, platform_owner, school, person, minutes=15):
    session = start(platform_owner, school, person, minutes)
    response = client.get(f"/break-glass/enter/{break_glass_entry_token(session=session)}/", HTTP_HOST=school.primary_host)
    assert response.status_code == 302 and response.url == "/dashboard/"
    return session


def test_entering_shows_the_banner_and_needs_no_second_factor(client, platform_owner, school_a, admin_a):
    enter(client, platform_owner, school_a, admin_a)

    page = client.get("/dashboard/", HTTP_HOST=school_a.primary_host).content.decode()

    assert 'data-testid="break-glass-banner"' in page
    assert platform_owner.email in page and admin_a.email in page and REASON in page


def test_what_is_done_during_the_session_names_the_real_actor(client, platform_owner, school_a, admin_a):
    session = enter(client, platform_owner, school_a, admin_a)

    response = client.get("/settings/audit/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 200
    # the middleware bound the real actor for that request, as it does for every request of the session
    with schema_context(school_a.schema_name), acting_for(
            RealActor(label=session.actor_label, break_glass_id=str(session.id))):
        event = audit_record(action="test.during_break_glass", actor=admin_a)
    assert event.actor == f"platform owner {platform_owner.email}" and event.acting_as == admin_a.email


def test_the_school_admins_see_the_session_in_their_audit_page(client, platform_owner, school_a, admin_a):
    start(platform_owner, school_a, admin_a)
    console_login(client, school_a, admin_a)

    page = client.get("/settings/audit/").content.decode()

    assert 'data-testid="break-glass-sessions"' in page and REASON in page


def test_ending_on_demand_signs_out_and_is_audited_both_sides(client, platform_owner, school_a, admin_a):
    session = enter(client, platform_owner, school_a, admin_a)

    ended = client.post("/break-glass/end/", HTTP_HOST=school_a.primary_host)
    after = client.get("/dashboard/", HTTP_HOST=school_a.primary_host)

    assert "has ended" in ended.content.decode()
    assert after.status_code == 302 and after.url.startswith("/login/")
    session.refresh_from_db()
    assert session.end_reason == "ended"
    assert AuditEvent.objects.filter(action="break_glass.ended").count() == 1
    with schema_context(school_a.schema_name):
        assert AuditEvent.objects.filter(action="break_glass.ended").count() == 1


def test_an_expired_session_is_ended_and_signed_out(client, platform_owner, school_a, admin_a):
    session = enter(client, platform_owner, school_a, admin_a)
    BreakGlassSession.objects.filter(pk=session.pk).update(started_at=timezone.now() - timedelta(minutes=30),
                                                           expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get("/dashboard/", HTTP_HOST=school_a.primary_host)

    assert response.status_code == 403 and "expired" in response.content.decode()
    session.refresh_from_db()
    assert session.end_reason == "expired"
    assert client.get("/dashboard/", HTTP_HOST=school_a.primary_host).status_code == 302


def test_beat_ends_expired_sessions_nobody_is_using(platform_owner, school_a, admin_a):
    session = start(platform_owner, school_a, admin_a)
    BreakGlassSession.objects.filter(pk=session.pk).update(started_at=timezone.now() - timedelta(minutes=30),
                                                           expires_at=timezone.now() - timedelta(minutes=1))

    assert break_glass_expire_due() == 1
    assert break_glass_expire_due() == 0
    assert break_glass_end(session=session, reason="ended") is False


def test_only_the_owner_starts_sessions(client, db, school_a):
    console_login(client, None, UserFactory(role="staff"))

    assert client.get("/super-admin/break-glass/").status_code == 403
    assert client.post(f"/super-admin/break-glass/{school_a.slug}/start/", {"reason": REASON}).status_code == 403
    assert not BreakGlassSession.objects.exists()


def test_owner_console_starts_a_session_and_redirects_into_the_school(client, platform_owner, school_a, admin_a):
    console_login(client, None, platform_owner)

    form = client.get(f"/super-admin/break-glass/{school_a.slug}/start/")
    response = client.post(f"/super-admin/break-glass/{school_a.slug}/start/",
                           {"acting_as": admin_a.pk, "reason": REASON, "minutes": 20})

    assert admin_a.email in form.content.decode()
    assert response.status_code == 302
    assert response.url.startswith(f"http://{school_a.primary_host}/break-glass/enter/")
    assert BreakGlassSession.objects.get().expires_at > timezone.now() + timedelta(minutes=19)
