"""Invitations: a signed, expiring, single-use set-password link on the school's own host."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django_tenants.utils import schema_context

from apps.accounts import invitations
from apps.accounts.services import invitation_accept, invitation_resend, user_deactivate, user_invite
from tests.accounts.signin import console_sign_in
from tests.accounts.users_support import audit_actions

NEW_PASSWORD = "kahawa-ya-asubuhi-7"


def invite(school, admin, mailoutbox, capture, email="neema@alpha.test", role="teacher"):
    with schema_context(school.schema_name), capture(execute=True):
        user = user_invite(email=email, first_name="Neema", last_name="Mushi", role=role, actor=admin,
                           base_url="http://alpha.localhost:8000")
    link = re.search(r"http\S+/account/invitation/\S+/", mailoutbox[-1].body).group(0)
    return user, link


def path_of(link: str) -> str:
    return link.split(":8000", 1)[1]


def test_invite_email_accept_then_sign_in(client, api_client, school_a, admin_a, mailoutbox,
                                          django_capture_on_commit_callbacks):
    user, link = invite(school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks)

    # the invitee cannot sign in yet, and is "invited"
    assert not user.has_usable_password() and user.is_active
    message = mailoutbox[0]
    assert message.to == ["neema@alpha.test"] and school_a.name in message.subject
    assert link.startswith("http://alpha.localhost:8000/account/invitation/")

    page = client.get(path_of(link), HTTP_HOST=school_a.primary_host)
    assert page.status_code == 200 and "neema@alpha.test" in page.content.decode()

    done = client.post(path_of(link), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
                       HTTP_HOST=school_a.primary_host)
    assert done.status_code == 302

    token = api_client.post("/api/v1/auth/token/", {"username": "neema@alpha.test", "password": NEW_PASSWORD},
                            format="json", HTTP_HOST=school_a.primary_host)
    assert token.status_code == 200
    signed_in = console_sign_in(client, school_a.primary_host, "neema@alpha.test", NEW_PASSWORD)
    assert signed_in.status_code == 302 and signed_in.url == "/dashboard/"
    assert audit_actions(school_a, user) == ["user.invited", "user.invitation_accepted"]


def test_a_used_link_shows_a_clear_page(client, school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks):
    user, link = invite(school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks)
    client.post(path_of(link), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, HTTP_HOST=school_a.primary_host)

    again = client.get(path_of(link), HTTP_HOST=school_a.primary_host)
    reuse = client.post(path_of(link), {"password1": "another-pass-123x", "password2": "another-pass-123x"},
                        HTTP_HOST=school_a.primary_host)

    assert again.status_code == 410 and 'data-reason="used"' in again.content.decode()
    assert "already been used" in again.content.decode()
    assert reuse.status_code == 410
    with schema_context(school_a.schema_name):
        assert get_user_model().objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_an_expired_link_shows_a_clear_page(client, school_a, admin_a, mailoutbox, monkeypatch,
                                            django_capture_on_commit_callbacks):
    user, link = invite(school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks)
    later = time.time() + invitations.INVITATION_MAX_AGE.total_seconds() + 60
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    page = client.get(path_of(link), HTTP_HOST=school_a.primary_host)
    post = client.post(path_of(link), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
                       HTTP_HOST=school_a.primary_host)

    assert page.status_code == 410 and "expired" in page.content.decode()
    assert post.status_code == 410
    with schema_context(school_a.schema_name):
        assert not get_user_model().objects.get(pk=user.pk).has_usable_password()


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),  # the signature
    lambda token: "x" + token,  # the payload
    lambda token: "nonsense",
])
def test_a_tampered_link_shows_a_clear_page(client, school_a, admin_a, mailoutbox, tamper,
                                            django_capture_on_commit_callbacks):
    user, link = invite(school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]

    page = client.get(f"/account/invitation/{tamper(token)}/", HTTP_HOST=school_a.primary_host)

    assert page.status_code == 400 and 'data-reason="invalid"' in page.content.decode()


def test_a_link_from_one_school_is_worthless_in_another(client, school_a, school_b, admin_a, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    user, link = invite(school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks)

    page = client.get(path_of(link), HTTP_HOST=school_b.primary_host)

    assert page.status_code == 400


def test_a_weak_or_mismatched_password_is_refused_inline(client, school_a, admin_a, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    user, link = invite(school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks)

    weak = client.post(path_of(link), {"password1": "password", "password2": "password"},
                       HTTP_HOST=school_a.primary_host)
    differ = client.post(path_of(link), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
                         HTTP_HOST=school_a.primary_host)

    assert weak.status_code == 400 and "too common" in weak.content.decode()
    assert differ.status_code == 400 and "differ" in differ.content.decode()
    with schema_context(school_a.schema_name):
        assert not get_user_model().objects.get(pk=user.pk).has_usable_password()


def test_a_deactivated_invitee_cannot_accept(school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks):
    user, link = invite(school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]
    with schema_context(school_a.schema_name):
        user_deactivate(user=user, actor=admin_a)

        with pytest.raises(invitations.InvitationInvalid) as raised:
            invitation_accept(token=token, password=NEW_PASSWORD)
    assert raised.value.reason == "invalid"


def test_resend_sends_another_link_and_both_work_until_one_is_used(school_a, admin_a, mailoutbox,
                                                                  django_capture_on_commit_callbacks):
    user, first = invite(school_a, admin_a, mailoutbox, django_capture_on_commit_callbacks)
    with schema_context(school_a.schema_name), django_capture_on_commit_callbacks(execute=True):
        invitation_resend(user=user, actor=admin_a, base_url="http://alpha.localhost:8000")
    second = re.search(r"http\S+/account/invitation/\S+/", mailoutbox[-1].body).group(0)

    assert len(mailoutbox) == 2
    with schema_context(school_a.schema_name):
        invitation_accept(token=second.rstrip("/").rsplit("/", 1)[1], password=NEW_PASSWORD)
        with pytest.raises(invitations.InvitationInvalid):
            invitation_accept(token=first.rstrip("/").rsplit("/", 1)[1], password=NEW_PASSWORD)
        user.refresh_from_db()
        with pytest.raises(ValidationError):
            invitation_resend(user=user, actor=admin_a)  # nothing pending any more
    assert "user.invitation_resent" in audit_actions(school_a, user)


def test_inviting_an_email_already_here_or_a_platform_role_is_refused(school_a, admin_a):
    with schema_context(school_a.schema_name):
        with pytest.raises(ValidationError) as duplicate:
            user_invite(email=admin_a.email.upper(), first_name="", last_name="", role="teacher", actor=admin_a)
        with pytest.raises(ValidationError) as owner:
            user_invite(email="x@alpha.test", first_name="", last_name="", role="platform_owner", actor=admin_a)
    assert "email" in duplicate.value.message_dict
    assert "role" in owner.value.message_dict


def test_the_link_is_on_the_schools_host_whatever_host_the_request_came_to(school_a):
    on_platform = RequestFactory().get("/api/v1/users/", HTTP_HOST="localhost:8000")
    forged = RequestFactory().get("/", HTTP_HOST="evil.example:8443")
    with schema_context(school_a.schema_name):
        assert invitations.school_base_url(on_platform) == "http://alpha.localhost:8000"
        assert invitations.school_base_url(forged) == "http://alpha.localhost:8443"
        assert invitations.school_base_url() == "http://alpha.localhost"
