"""Isolation: nobody reaches another team's pages, documents or workspace by slug or id."""

import json

import pytest

from accounts.models import Invitation, Membership
from tests.factories import DocumentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours():
    owner = UserFactory(plan="team")
    return TeamFactory(owner=owner, slug="ours")


@pytest.fixture
def theirs():
    owner = UserFactory(plan="team")
    team = TeamFactory(owner=owner, slug="theirs", brand_voice="Secret style guide")
    member = Membership.objects.create(team=team, user=UserFactory(), role="member")
    invitation = Invitation.objects.create(team=team, email="x@example.com", invited_by=owner)
    document = DocumentFactory(team=team, title="Their secret plan", created_by=owner)
    return {"team": team, "member": member, "invitation": invitation, "document": document}


@pytest.fixture
def intruder(client, ours):
    """The owner of another Team-plan team: as privileged as it gets, just not in theirs."""
    client.force_login(ours.owner)
    return client


TEAM_GETS = ["/teams/theirs/", "/teams/theirs/history/", "/teams/theirs/brand-voice/", "/teams/theirs/delete/"]


@pytest.mark.parametrize("url", TEAM_GETS)
def test_team_pages_of_another_team_are_404(intruder, theirs, url):
    assert intruder.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/teams/theirs/invitations/",
        "/teams/theirs/invitations/{invitation}/resend/",
        "/teams/theirs/invitations/{invitation}/revoke/",
        "/teams/theirs/members/{member}/role/",
        "/teams/theirs/members/{member}/remove/",
        "/teams/theirs/transfer/",
        "/teams/theirs/leave/",
        "/teams/theirs/delete/",
        "/teams/theirs/brand-voice/",
    ],
)
def test_team_actions_on_another_team_are_404_and_change_nothing(intruder, theirs, url):
    url = url.format(invitation=theirs["invitation"].pk, member=theirs["member"].pk)
    data = {"email": "spy@example.com", "role": "admin", "member": theirs["member"].pk, "brand_voice": "Pwned"}
    data["confirm_slug"] = "theirs"

    assert intruder.post(url, data).status_code == 404

    team = theirs["team"]
    team.refresh_from_db()
    theirs["member"].refresh_from_db()
    theirs["invitation"].refresh_from_db()
    assert team.brand_voice == "Secret style guide"
    assert theirs["member"].role == "member"
    assert theirs["invitation"].revoked_at is None
    assert not Invitation.objects.filter(email="spy@example.com").exists()


@pytest.mark.parametrize(
    "url",
    [
        "/teams/ours/invitations/{invitation}/resend/",
        "/teams/ours/invitations/{invitation}/revoke/",
        "/teams/ours/members/{member}/role/",
        "/teams/ours/members/{member}/remove/",
    ],
)
def test_ids_from_another_team_under_ones_own_slug_are_404(intruder, theirs, url):
    url = url.format(invitation=theirs["invitation"].pk, member=theirs["member"].pk)
    assert intruder.post(url, {"role": "admin"}).status_code == 404
    assert Membership.objects.filter(pk=theirs["member"].pk, role="member").exists()


def test_transfer_to_someone_in_another_team_is_404(intruder, ours, theirs):
    assert intruder.post("/teams/ours/transfer/", {"member": theirs["member"].pk}).status_code == 404
    assert ours.owner == ours.memberships.get(role="owner").user


@pytest.mark.parametrize("suffix", ["", "live/", "delete/"])
def test_another_teams_document_pages_are_404(intruder, theirs, suffix):
    assert intruder.get(f"/documents/{theirs['document'].pk}/{suffix}").status_code == 404


@pytest.mark.parametrize("suffix", ["save/", "rename/", "delete/"])
def test_another_teams_document_actions_are_404_and_change_nothing(intruder, theirs, suffix):
    document = theirs["document"]
    response = intruder.post(f"/documents/{document.pk}/{suffix}", {"body": "x", "title": "x", "version": 1})
    document.refresh_from_db()
    assert response.status_code == 404
    assert (document.title, document.body) == ("Their secret plan", "First paragraph.")


def test_another_users_personal_document_is_404(client, user):
    private = DocumentFactory(team=None)
    client.force_login(user)
    assert client.get(f"/documents/{private.pk}/").status_code == 404


def test_creating_a_document_in_another_team_is_404(intruder, theirs):
    assert intruder.post("/documents/new/", {"workspace": "theirs", "title": "x"}).status_code == 404
    assert theirs["team"].documents.count() == 1


def test_lists_never_show_another_teams_data(intruder, theirs):
    for url in ["/teams/", "/documents/", "/teams/ours/", "/teams/ours/history/"]:
        page = intruder.get(url).content.decode()
        assert "Their secret plan" not in page and "theirs" not in page and "Secret style guide" not in page, url


def api(client, body):
    return client.post("/api/generate", data=json.dumps(body), content_type="application/json")


def test_api_refuses_another_teams_slug(intruder, theirs):
    response = api(intruder, {"prompt": "Hi", "stream": False, "team": "theirs"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_api_refuses_another_teams_document(intruder, theirs):
    document = theirs["document"]
    response = api(intruder, {"prompt": "Hi", "stream": False, "document": document.pk, "team": "ours"})
    document.refresh_from_db()
    assert response.status_code in (403, 404)
    assert set(response.json()) >= {"error", "message"}
    assert document.body == "First paragraph."


def test_api_refuses_a_removed_member_at_once(client, theirs):
    member = theirs["member"]
    client.force_login(member.user)
    assert api(client, {"prompt": "Hi", "stream": False, "team": "theirs"}).status_code == 200
    member.delete()
    assert api(client, {"prompt": "Hi", "stream": False, "team": "theirs"}).status_code == 403


def test_another_teams_generation_detail_is_404(intruder, theirs):
    from generation.models import Generation

    generation = Generation.objects.create(
        user=theirs["member"].user, team=theirs["team"], prompt="p", plan="team", provider="demo", model="demo"
    )
    assert intruder.get(f"/history/{generation.pk}/").status_code == 404
