"""Invitations cannot be used as a spam cannon: every email (first or resent) counts against caps per
invitation, per address, per inviter across teams and per team (billing/plans.py); the team's name,
which goes into the subject, has no line breaks; a failed send is a message, never a 500."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Invitation, Team
from billing import plans
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def invite(client, slug="acme", email="colleague@example.com"):
    return client.post(f"/teams/{slug}/invitations/", {"email": email, "role": "member"})


def resend(client, invitation, slug="acme"):
    return client.post(f"/teams/{slug}/invitations/{invitation.pk}/resend/", follow=True)


@pytest.fixture
def signed_in(client, owner, team):
    client.force_login(owner)
    return client


def test_forty_resends_in_a_row_send_one_email(signed_in):
    invite(signed_in)
    invitation = Invitation.objects.get()

    pages = [resend(signed_in, invitation).content.decode() for _ in range(40)]

    assert len(mail.outbox) == 1
    assert "you can resend it in 10 minutes" in pages[0]


def test_resends_are_spaced_and_capped_per_address_per_day(signed_in):
    invite(signed_in)
    invitation = Invitation.objects.get()
    start = timezone.now()

    with time_machine.travel(start + timedelta(minutes=11)):
        resend(signed_in, invitation)
    with time_machine.travel(start + timedelta(minutes=22)):
        resend(signed_in, invitation)
    with time_machine.travel(start + timedelta(minutes=33)):
        capped = resend(signed_in, invitation).content.decode()
    with time_machine.travel(start + timedelta(days=1, minutes=1)):
        resend(signed_in, invitation)

    assert plans.INVITATION_EMAILS_PER_ADDRESS_PER_DAY == 3
    assert "colleague@example.com has received 3 invitation emails today" in capped
    assert len(mail.outbox) == 4


def test_revoking_and_inviting_again_does_not_reset_the_address_cap(signed_in):
    for _ in range(5):
        invite(signed_in)
        signed_in.post(f"/teams/acme/invitations/{Invitation.objects.latest('created_at').pk}/revoke/")

    assert len(mail.outbox) == plans.INVITATION_EMAILS_PER_ADDRESS_PER_DAY


def test_the_daily_cap_per_inviter_spans_all_their_teams_and_survives_deleting_them(signed_in, owner, monkeypatch):
    monkeypatch.setattr(plans, "INVITATION_EMAILS_PER_INVITER_PER_DAY", 3)
    other = TeamFactory(owner=owner, slug="other")
    invite(signed_in, email="a@example.com")
    invite(signed_in, email="b@example.com")
    signed_in.post("/teams/acme/delete/", {"confirm_slug": "acme"})

    invite(signed_in, slug="other", email="c@example.com")
    refused = invite(signed_in, slug="other", email="d@example.com")

    assert refused.status_code == 400
    assert "You have sent 3 invitation emails today" in refused.content.decode()
    assert list(other.invitations.values_list("email", flat=True)) == ["c@example.com"]
    assert len(mail.outbox) == 3


def test_an_inviter_is_throttled_per_hour(signed_in, owner, monkeypatch):
    monkeypatch.setattr(plans, "INVITATION_EMAILS_PER_INVITER_PER_HOUR", 2)
    invite(signed_in, email="a@example.com")
    invite(signed_in, email="b@example.com")

    refused = invite(signed_in, email="c@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        later = invite(signed_in, email="c@example.com")

    assert "in the last hour" in refused.content.decode()
    assert later.status_code == 302


def test_resends_count_toward_the_teams_daily_cap(signed_in, monkeypatch):
    monkeypatch.setattr(plans, "INVITATION_EMAILS_PER_TEAM_PER_DAY", 2)
    invite(signed_in, email="a@example.com")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        resend(signed_in, Invitation.objects.get())
        refused = invite(signed_in, email="b@example.com")

    assert "Acme Writers has sent 2 invitation emails today" in refused.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "name", ["Acme\r\nBcc: victim@example.com", "Acme\nWriters", "Acme\x00", "Tab\there", "A\u2028B"]
)
def test_a_team_name_with_control_characters_is_refused(client, owner, name):
    client.force_login(owner)

    response = client.post("/teams/", {"name": name, "slug": "spam"})

    assert response.status_code == 200
    assert "on one line" in response.content.decode() or "Null characters" in response.content.decode()
    assert not Team.objects.filter(slug="spam").exists()
    with pytest.raises(ValidationError):
        Team(name=name, slug="spam").full_clean()


def test_an_unsendable_team_name_is_a_message_not_a_500(client, owner):
    TeamFactory(owner=owner, name="Old\r\nName", slug="acme")  # saved before names were checked
    client.force_login(owner)

    response = invite(client)

    assert response.status_code == 400
    assert "could not be sent because of a character in the team" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_resending_with_an_unsendable_team_name_is_a_message_not_a_500(client, owner):
    team = TeamFactory(owner=owner, name="Old\r\nName", slug="acme")
    invitation = Invitation.objects.create(team=team, email="colleague@example.com", invited_by=owner)
    old_token = invitation.token
    client.force_login(owner)

    response = resend(client, invitation)

    invitation.refresh_from_db()
    assert response.status_code == 200
    assert "could not be sent because of a character in the team" in response.content.decode()
    assert invitation.token == old_token
