"""The audit log: written by services, chained by hashes, and unchangeable in the database."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from apps.audit.context import RealActor, acting_for
from apps.audit.models import AuditEvent
from apps.audit.services import audit_chain_verify, audit_record
from tests.conftest import SCHOOL_A, console_login, tokens_in
from tests.factories import UserFactory


def record_three(actor=None):
    for n in range(3):
        audit_record(action="test.thing", actor=actor, changes={"n": [n, n + 1]}, detail={"note": f"#{n}"})


def test_events_are_chained_and_the_chain_verifies(in_school_a, admin_a):
    record_three(actor=admin_a)

    events = list(AuditEvent.objects.order_by("id"))
    assert [e.actor for e in events[-3:]] == [admin_a.email] * 3
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:]))
    checked, problem = audit_chain_verify()
    assert problem is None and checked == len(events)


def test_the_database_refuses_update_delete_and_truncate(in_school_a):
    record_three()
    for statement in ("UPDATE audit_auditevent SET action = 'forged'",
                      "DELETE FROM audit_auditevent",
                      "TRUNCATE audit_auditevent"):
        with pytest.raises(DatabaseError, match="audit events cannot be changed or removed"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
    assert AuditEvent.objects.filter(action="test.thing").count() == 3


def test_the_orm_cannot_change_an_event_either(in_school_a):
    audit_record(action="test.thing")
    event = AuditEvent.objects.get(action="test.thing")

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()


def tamper(sql):
    """What someone with the database's superuser could do: switch the triggers off and edit."""
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql)
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")


def test_verification_finds_an_edited_event(in_school_a):
    record_three()
    middle = AuditEvent.objects.filter(action="test.thing").order_by("id")[1]
    tamper(f"UPDATE audit_auditevent SET detail = '{{\"note\": \"nothing happened\"}}' WHERE id = {middle.pk}")

    checked, problem = audit_chain_verify()

    assert problem == f"event {middle.pk} was changed after it was written"


def test_verification_finds_a_removed_event(in_school_a):
    record_three()
    first, middle, last = AuditEvent.objects.filter(action="test.thing").order_by("id")
    tamper(f"DELETE FROM audit_auditevent WHERE id = {middle.pk}")

    checked, problem = audit_chain_verify()

    assert problem.startswith(f"event {last.pk} does not follow the event before it (after event {first.pk})")


def test_the_command_reports_the_first_broken_link_and_fails(school_a, school_b, capsys):
    with schema_context(school_a.schema_name):
        record_three()
        middle = AuditEvent.objects.filter(action="test.thing").order_by("id")[1]
        tamper(f"UPDATE audit_auditevent SET action = 'forged' WHERE id = {middle.pk}")
    with schema_context(school_b.schema_name):
        record_three()

    with pytest.raises(CommandError, match="broken in 1 schema"):
        call_command("verify_audit_chain")
    out = capsys.readouterr().out
    assert "alpha: BROKEN" in out and f"event {middle.pk} was changed" in out
    assert "beta:" in out and "chain intact" in out

    call_command("verify_audit_chain", "--schema", "beta")  # one good schema: no error


def test_new_schools_get_the_same_protection(db):
    from apps.platform.services import school_provision

    school_provision(slug="mlimani", name="Mlimani", admin_email="head@mlimani.test",
                     admin_password="a-long-first-password")
    with schema_context("mlimani"):
        audit_record(action="test.thing")
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent")


def test_break_glass_records_the_real_actor_and_who_was_acted_as(in_school_a, admin_a):
    with acting_for(RealActor(label="platform owner owner@omnicore.test", break_glass_id="bg-7")):
        event = audit_record(action="test.thing", actor=admin_a)

    assert event.actor == "platform owner owner@omnicore.test" and event.actor_id is None
    assert (event.acting_as, event.acting_as_id) == (admin_a.email, admin_a.pk)
    assert event.detail["break_glass"] == "bg-7"


def test_an_event_is_part_of_its_action_and_rolls_back_with_it(in_school_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="test.rolled_back")
        raise RuntimeError("the action failed")

    assert not AuditEvent.objects.filter(action="test.rolled_back").exists()


def test_one_schools_log_is_invisible_in_another(school_a, school_b):
    with schema_context(school_a.schema_name):
        audit_record(action="test.only_in_alpha")
    with schema_context(school_b.schema_name):
        assert not AuditEvent.objects.filter(action="test.only_in_alpha").exists()


# --- the audit page and API -----------------------------------------------------------------------


@pytest.fixture
def admin_client(client, school_a, admin_a):
    console_login(client, school_a, admin_a)
    return client


def test_school_admin_reads_filters_and_exports_the_log(admin_client, school_a, django_assert_max_num_queries):
    with schema_context(school_a.schema_name):
        for n in range(30):
            audit_record(action="user.invited" if n % 2 else "school.settings_changed", detail={"n": n})

    # host, session, user, second factor, events, their count, the action list: each after SET search_path
    with django_assert_max_num_queries(16):
        page = admin_client.get("/settings/audit/", {"action": "user."})
    exported = admin_client.get("/settings/audit/export.csv", {"action": "user."})

    assert page.status_code == 200
    assert page.content.decode().count("<code>user.invited</code>") == 15
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert rows[0][:5] == ["id", "created_at", "actor", "acting_as", "action"]
    assert len(rows) == 16 and {row[4] for row in rows[1:]} == {"user.invited"}


def test_htmx_filtering_returns_only_the_results(admin_client, school_a):
    response = admin_client.get("/settings/audit/", {"q": "x"}, HTTP_HX_REQUEST="true")

    assert response.content.decode().lstrip().startswith('<div id="audit-results">')


def test_other_roles_cannot_read_the_log(client, school_a):
    with schema_context(school_a.schema_name):
        teacher = UserFactory(role="teacher")
    console_login(client, school_a, teacher)

    assert client.get("/settings/audit/").status_code == 403
    assert client.get("/settings/audit/export.csv").status_code == 403


def test_the_api_lists_events_for_admins_only(api_client, school_a, school_b, admin_a):
    with schema_context(school_a.schema_name):
        audit_record(action="test.via_api", actor=admin_a)
        teacher = UserFactory(role="teacher")
    admin_token = tokens_in(school_a, admin_a)["access"]

    listed = api_client.get("/api/v1/audit-events/", {"action": "test."}, HTTP_HOST=school_a.primary_host,
                            HTTP_AUTHORIZATION=f"Bearer {admin_token}")
    as_teacher = api_client.get("/api/v1/audit-events/", HTTP_HOST=school_a.primary_host,
                                HTTP_AUTHORIZATION=f"Bearer {tokens_in(school_a, teacher)['access']}")
    elsewhere = api_client.get("/api/v1/audit-events/", HTTP_HOST=school_b.primary_host,
                               HTTP_AUTHORIZATION=f"Bearer {admin_token}")

    assert listed.status_code == 200
    assert [e["action"] for e in listed.json()["data"]] == ["test.via_api"]
    assert listed.json()["data"][0]["actor"] == SCHOOL_A["admin_email"]
    assert as_teacher.status_code == 403
    assert elsewhere.status_code == 401


def test_the_platform_has_its_own_log_for_the_owner(client, platform_owner):
    audit_record(action="school.suspended", actor=platform_owner, detail={"reason": "unpaid"})
    console_login(client, None, platform_owner)

    page = client.get("/super-admin/audit/")

    assert page.status_code == 200 and "school.suspended" in page.content.decode()
    with schema_context("alpha"):
        assert not AuditEvent.objects.filter(action="school.suspended").exists()




def test_the_next_page_keeps_the_filters(admin_client, school_a):
    with schema_context(school_a.schema_name):
        for n in range(60):
            audit_record(action="user.invited", detail={"n": n})

    page = admin_client.get("/settings/audit/", {"action": "user."}).content.decode()

    assert 'href="?action=user.&amp;page=2"' in page
