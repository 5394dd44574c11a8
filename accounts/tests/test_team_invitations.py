"""Invitations: sent by email, accepted once, by the invited address, within 7 days; resend and revoke."""

from dataclasses import replace
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, Membership
from billing import plans
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def invite(client, owner, email="colleague@example.com", role="member"):
    client.force_login(owner)
    response = client.post("/teams/acme/invitations/", {"email": email, "role": role})
    return response


def link_path(message) -> str:
    line = next(line for line in message.body.splitlines() if "/teams/join/" in line)
    return line.split("http://testserver", 1)[-1].split(" ")[0]


def test_invitation_email_has_a_text_and_html_link_from_site_url(client, owner, team, settings):
    settings.SITE_URL = "https://inkwell.example"

    response = invite(client, owner)

    assert response.status_code == 302
    invitation = Invitation.objects.get()
    (message,) = mail.outbox
    assert message.to == ["colleague@example.com"]
    assert "Acme Writers" in message.subject
    url = f"https://inkwell.example/teams/join/{invitation.token}/"
    assert url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and url in html


def test_accept_creates_the_membership_with_the_invited_role(client, owner, team):
    invite(client, owner, role="admin")
    invitation = Invitation.objects.get()
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)

    page = client.get(f"/teams/join/{invitation.token}/")
    response = client.post(f"/teams/join/{invitation.token}/")

    assert b"Accept and join Acme Writers" in page.content
    assert response.status_code == 302 and response["Location"] == "/teams/acme/"
    assert Membership.objects.get(team=team, user=colleague).role == "admin"
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague and invitation.accepted_at is not None


def test_the_email_case_does_not_matter(client, owner, team):
    invite(client, owner, email="Colleague@Example.com")
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)

    client.post(f"/teams/join/{Invitation.objects.get().token}/")

    assert team.memberships.filter(user=colleague).exists()


def test_a_used_link_is_refused(client, owner, team):
    invite(client, owner)
    token = Invitation.objects.get().token
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)
    client.post(f"/teams/join/{token}/")
    team.memberships.filter(user=colleague).delete()

    response = client.post(f"/teams/join/{token}/")

    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert not team.memberships.filter(user=colleague).exists()


def test_an_expired_link_is_refused(client, owner, team):
    invite(client, owner)
    token = Invitation.objects.get().token
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        page = client.get(f"/teams/join/{token}/")
        response = client.post(f"/teams/join/{token}/")

    assert "has expired" in page.content.decode()
    assert response.status_code == 400
    assert not team.memberships.filter(user=colleague).exists()


def test_a_link_still_works_on_the_seventh_day(client, owner, team):
    invite(client, owner)
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)

    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23)):
        client.post(f"/teams/join/{Invitation.objects.get().token}/")

    assert team.memberships.filter(user=colleague).exists()


def test_signed_in_with_another_email_is_refused_with_a_clear_message(client, owner, team):
    invite(client, owner)
    token = Invitation.objects.get().token
    someone_else = UserFactory(email="someone@example.com")
    client.force_login(someone_else)

    page = client.get(f"/teams/join/{token}/")
    response = client.post(f"/teams/join/{token}/")

    text = page.content.decode()
    assert "This invitation is for colleague@example.com, but you are signed in as someone@example.com" in text
    assert "Sign out" in text
    assert response.status_code == 400
    assert not team.memberships.filter(user=someone_else).exists()
    assert Invitation.objects.get().accepted_at is None


def test_another_verified_address_of_the_user_counts(client, owner, team):
    invite(client, owner)
    colleague = UserFactory(email="primary@example.com")
    colleague.emailaddress_set.create(email="colleague@example.com", verified=True, primary=False)
    client.force_login(colleague)

    client.post(f"/teams/join/{Invitation.objects.get().token}/")

    assert team.memberships.filter(user=colleague).exists()


def test_signed_out_visitors_are_asked_to_sign_in_as_the_invited_address(client, owner, team):
    invite(client, owner)
    client.logout()

    page = client.get(f"/teams/join/{Invitation.objects.get().token}/")

    assert page.status_code == 200
    assert "Sign in as colleague@example.com" in page.content.decode()
    assert "/login/?next=" in page.content.decode()


def test_revoked_invitation_is_refused(client, owner, team):
    invite(client, owner)
    invitation = Invitation.objects.get()
    client.post(f"/teams/acme/invitations/{invitation.pk}/revoke/")
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)

    response = client.post(f"/teams/join/{invitation.token}/")

    assert response.status_code == 400
    assert "withdrawn" in response.content.decode()
    assert not team.memberships.filter(user=colleague).exists()


def test_resend_sends_a_fresh_link_and_the_old_one_stops_working(client, owner, team):
    invite(client, owner)
    invitation = Invitation.objects.get()
    old_token = invitation.token

    with time_machine.travel(timezone.now() + timedelta(days=6)):
        client.post(f"/teams/acme/invitations/{invitation.pk}/resend/")
    invitation.refresh_from_db()

    assert len(mail.outbox) == 2
    assert invitation.token != old_token and invitation.token in mail.outbox[1].body
    assert invitation.expires_at > timezone.now() + timedelta(days=12)
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)
    assert client.post(f"/teams/join/{old_token}/").status_code == 400
    client.post(f"/teams/join/{invitation.token}/")
    assert team.memberships.filter(user=colleague).exists()


def test_unknown_token_says_the_link_is_not_valid(client, user):
    client.force_login(user)
    page = client.get("/teams/join/not-a-token/")
    assert "not valid" in page.content.decode()


def test_inviting_a_member_or_a_pending_address_again_is_refused_and_keeps_the_input(client, owner, team):
    member = UserFactory(email="member@example.com")
    Membership.objects.create(team=team, user=member)
    invite(client, owner, email="pending@example.com")

    existing = invite(client, owner, email="member@example.com")
    again = invite(client, owner, email="pending@example.com")

    assert existing.status_code == 400 and "already a member" in existing.content.decode()
    assert 'value="member@example.com"' in existing.content.decode()
    assert again.status_code == 400 and "already has a pending invitation" in again.content.decode()
    assert Invitation.objects.count() == 1


def test_invalid_email_is_refused(client, owner, team):
    response = invite(client, owner, email="not an email")
    assert response.status_code == 400
    assert "Enter a valid email address" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.fixture
def room_for(monkeypatch):
    """The Team plan with room for ``n`` people, as if billing/plans.py said so."""

    def set_room(n):
        monkeypatch.setitem(plans.PLANS, "team", replace(plans.TEAM, max_team_members=n))

    return set_room


def test_the_team_plan_allows_ten_people_counting_pending_invitations(client, owner, team):
    for _ in range(4):
        Membership.objects.create(team=team, user=UserFactory())
    for n in range(5):
        assert invite(client, owner, email=f"guest{n}@example.com").status_code == 302

    refused = invite(client, owner, email="eleventh@example.com")

    assert plans.TEAM.max_team_members == 10
    assert refused.status_code == 400
    assert "as many members as its plan allows (Team: 10, counting pending invitations)" in refused.content.decode()
    assert not Invitation.objects.filter(email="eleventh@example.com").exists()
    assert "0 seats left" in client.get("/teams/acme/").content.decode()


def test_member_limit_comes_from_the_plan_catalog(client, owner, team, room_for):
    room_for(2)
    invite(client, owner, email="first@example.com")

    refused = invite(client, owner, email="second@example.com")

    assert refused.status_code == 400
    assert "as many members as its plan allows" in refused.content.decode()
    assert list(Invitation.objects.values_list("email", flat=True)) == ["first@example.com"]


def test_revoking_an_invitation_frees_its_seat(client, owner, team, room_for):
    room_for(2)
    invite(client, owner, email="first@example.com")
    client.post(f"/teams/acme/invitations/{Invitation.objects.get().pk}/revoke/")

    assert invite(client, owner, email="second@example.com").status_code == 302


def test_resending_an_expired_invitation_needs_a_free_seat(client, owner, team, room_for):
    room_for(2)
    invite(client, owner, email="first@example.com")
    expired = Invitation.objects.get()
    old_link = expired.token
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        invite(client, owner, email="second@example.com")  # the expired one no longer holds a seat
        page = client.post(f"/teams/acme/invitations/{expired.pk}/resend/", follow=True).content.decode()

    expired.refresh_from_db()
    assert "as many members as its plan allows" in page
    assert expired.token == old_link


def test_accepting_is_refused_when_the_team_is_full(client, owner, team, room_for):
    invite(client, owner)
    Membership.objects.create(team=team, user=UserFactory())
    room_for(2)
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)

    response = client.post(f"/teams/join/{Invitation.objects.get().token}/")

    assert response.status_code == 400
    assert "is full: its Team plan allows 2 people" in response.content.decode()
    assert not team.memberships.filter(user=colleague).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one_membership():
    import threading

    from django.db import connection

    from accounts import invitations, teams

    team = TeamFactory(owner=UserFactory(plan="team"))
    colleague = UserFactory(email="colleague@example.com")
    invitation = Invitation.objects.create(team=team, email="colleague@example.com")
    barrier = threading.Barrier(2)
    outcomes = []

    def click():
        try:
            barrier.wait()
            invitations.accept(invitation.token, colleague)
            outcomes.append("joined")
        except teams.TeamError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["This invitation has already been used.", "joined"]
    assert team.memberships.filter(user=colleague).count() == 1


def test_expired_invitations_stay_listed_and_can_be_resent(client, owner, team):
    invite(client, owner)
    invitation = Invitation.objects.get()

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        page = client.get("/teams/acme/").content.decode()
        client.post(f"/teams/acme/invitations/{invitation.pk}/resend/")
    colleague = UserFactory(email="colleague@example.com")
    client.force_login(colleague)
    with time_machine.travel(timezone.now() + timedelta(days=9)):
        client.post(f"/teams/join/{Invitation.objects.get().token}/")

    assert "colleague@example.com" in page and "Expired" in page
    assert team.memberships.filter(user=colleague).exists()


def test_inviting_again_after_expiry_supersedes_the_old_invitation(client, owner, team):
    invite(client, owner)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        invite(client, owner)
    old, new = Invitation.objects.order_by("created_at")
    assert old.revoked_at is not None and new.revoked_at is None


def test_when_the_email_cannot_be_sent_no_invitation_is_left_and_the_user_is_told(client, owner, team, monkeypatch):
    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("accounts.invitations.send_mail", smtp_down)

    response = invite(client, owner)

    assert response.status_code == 400
    assert "could not be sent just now" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("name", ["Join", "new"])
def test_slug_suggestions_skip_reserved_addresses(signed_in_client, name):
    assert signed_in_client.get("/teams/new/slug/", {"name": name}).json() == {"slug": f"{name.lower()}-2"}


def test_a_team_cannot_send_unlimited_invitations_a_day(client, owner, team, monkeypatch):
    monkeypatch.setattr(plans, "INVITATION_EMAILS_PER_TEAM_PER_DAY", 2)
    invite(client, owner, email="a@example.com")
    invite(client, owner, email="b@example.com")

    refused = invite(client, owner, email="c@example.com")
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        later = invite(client, owner, email="c@example.com")

    assert refused.status_code == 400 and "invitation emails today" in refused.content.decode()
    assert later.status_code == 302
    assert Invitation.objects.filter(email="c@example.com").count() == 1


def test_an_address_too_long_to_store_is_a_form_error(client, owner, team):
    response = invite(client, owner, email="a" * 250 + "@example.com")

    assert response.status_code == 400
    assert "at most 254 characters" in response.content.decode()
    assert "a" * 250 + "@example.com" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("token", ["%00", "abc%00def", "a%2Fb"])
def test_a_malformed_invitation_token_is_not_found(client, owner, token):
    client.force_login(owner)

    assert client.get(f"/teams/join/{token}/").status_code == 404
    assert client.post(f"/teams/join/{token}/").status_code == 404
