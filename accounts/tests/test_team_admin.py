"""Admin pages for teams, memberships and invitations."""

import pytest

from accounts.models import Invitation, Membership
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def team():
    team = TeamFactory(owner=UserFactory(email="owner@example.com", plan="team"), name="Acme", slug="acme")
    Membership.objects.create(team=team, user=UserFactory())
    return team


def test_team_list_shows_owner_plan_and_member_count(staff_client, team):
    page = staff_client.get("/admin/accounts/team/").content.decode()
    assert "owner@example.com" in page and "Team" in page
    assert '<td class="field-member_count">2</td>' in page


def test_team_change_page_lists_memberships_and_invitations(staff_client, team):
    Invitation.objects.create(team=team, email="pending@example.com")
    page = staff_client.get(f"/admin/accounts/team/{team.pk}/change/")
    assert page.status_code == 200
    assert "pending@example.com" in page.content.decode()


@pytest.mark.parametrize("url", ["/admin/accounts/membership/", "/admin/accounts/invitation/"])
def test_membership_and_invitation_lists_load(staff_client, team, url):
    Invitation.objects.create(team=team, email="pending@example.com")
    assert staff_client.get(url).status_code == 200


def test_invitation_page_shows_its_link(staff_client, team, settings):
    settings.SITE_URL = "https://inkwell.example"
    invitation = Invitation.objects.create(team=team, email="pending@example.com")
    page = staff_client.get(f"/admin/accounts/invitation/{invitation.pk}/change/").content.decode()
    assert f"https://inkwell.example/teams/join/{invitation.token}/" in page


def test_revoke_action_revokes_pending_ones_and_says_which(staff_client, team):
    pending = Invitation.objects.create(team=team, email="pending@example.com")
    Invitation.objects.create(team=team, email="used@example.com", accepted_at="2026-01-01T00:00Z")

    response = staff_client.post(
        "/admin/accounts/invitation/",
        {"action": "revoke", "_selected_action": list(Invitation.objects.values_list("pk", flat=True))},
        follow=True,
    )

    pending.refresh_from_db()
    assert pending.revoked_at is not None
    assert Invitation.objects.get(email="used@example.com").revoked_at is None
    assert "Revoked 1 invitation(s): pending@example.com." in response.content.decode()


def test_staff_cannot_give_a_team_a_second_owner(staff_client, team):
    member = team.memberships.get(role="member")

    response = staff_client.post(
        f"/admin/accounts/membership/{member.pk}/change/",
        {"team": team.pk, "user": member.user_id, "role": "owner"},
    )

    assert response.status_code == 200
    assert "already has an owner" in response.content.decode()
    assert team.memberships.filter(role="owner").count() == 1


def test_staff_can_make_someone_owner_once_the_old_owner_is_an_admin(staff_client, team):
    owner = team.memberships.get(role="owner")
    member = team.memberships.get(role="member")
    staff_client.post(
        f"/admin/accounts/membership/{owner.pk}/change/", {"team": team.pk, "user": owner.user_id, "role": "admin"}
    )

    staff_client.post(
        f"/admin/accounts/membership/{member.pk}/change/", {"team": team.pk, "user": member.user_id, "role": "owner"}
    )

    assert team.owner == member.user


def test_a_team_without_an_owner_still_renders(client, team):
    member = team.memberships.get(role="member")
    team.memberships.filter(role="owner").delete()
    client.force_login(member.user)

    page = client.get("/teams/acme/").content.decode()

    assert "has no owner" in page
