"""Team pages: creating a team, the overview, plan status and upgrade, history, usage, leaving, transfer."""

import pytest
from django.db import IntegrityError

from accounts import teams
from accounts.models import Membership, Team
from accounts.permissions import NotAllowed
from accounts.workspaces import team_workspace
from generation.models import Generation
from tests.factories import DocumentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def generation(user, team, prompt="Draft a tagline", **fields):
    defaults = {"status": "completed", "plan": "team", "provider": "demo", "model": "demo", "output": "Ok"}
    return Generation.objects.create(user=user, team=team, prompt=prompt, **{**defaults, **fields})


@pytest.fixture
def owner():
    return UserFactory(plan="team", name="Olive Owner")


@pytest.fixture
def member(team):
    user = UserFactory(name="Mia Member")
    Membership.objects.create(team=team, user=user, role="member")
    return user


def test_any_signed_in_user_creates_a_team_and_owns_it(signed_in_client, user):
    response = signed_in_client.post("/teams/", {"name": "Night Shift", "slug": "night-shift"})

    team = Team.objects.get(slug="night-shift")
    assert response.status_code == 302 and response["Location"] == "/teams/night-shift/"
    assert team.owner == user and team.name == "Night Shift"


@pytest.mark.parametrize("slug", ["acme", "ACME", "join", "new", "personal", "has spaces"])
def test_taken_reserved_or_malformed_slugs_are_refused_keeping_the_input(signed_in_client, team, slug):
    response = signed_in_client.post("/teams/", {"name": "My team", "slug": slug})

    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert b'value="My team"' in response.content
    assert Team.objects.count() == 1


def test_slug_suggestion_is_free(signed_in_client, team):
    assert signed_in_client.get("/teams/new/slug/", {"name": "Acme"}).json() == {"slug": "acme-2"}
    assert signed_in_client.get("/teams/new/slug/", {"name": "Blue Sky Co."}).json() == {"slug": "blue-sky-co"}


def test_a_race_for_the_same_slug_becomes_a_form_error(signed_in_client, user, monkeypatch):
    def create_then_collide(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Team.objects, "create", create_then_collide)

    response = signed_in_client.post("/teams/", {"name": "Racers", "slug": "racers"})

    assert response.status_code == 200
    assert "already taken" in response.content.decode()


def test_team_list_shows_the_users_teams_and_roles(client, team, member):
    client.force_login(member)
    page = client.get("/teams/").content.decode()
    assert "Acme Writers" in page and "Member" in page


def test_overview_shows_members_documents_generations_and_brand_voice(client, owner, team, member):
    team.brand_voice = "Warm, plain English."
    team.save()
    DocumentFactory(team=team, title="Launch plan", created_by=member)
    generation(member, team, prompt="Three headlines for the launch")
    client.force_login(member)

    page = client.get("/teams/acme/").content.decode()

    assert "Olive Owner" in page and "Mia Member" in page and "Owner" in page
    assert "Launch plan" in page
    assert "Three headlines for the launch" in page
    assert "Warm, plain English." in page
    assert "collaboration on" in page


def test_recent_generations_say_who_generated_what(client, owner, team, member):
    generation(member, team, prompt="Three headlines for the launch")
    client.force_login(owner)
    page = client.get("/teams/acme/").content.decode()
    assert '<strong>Mia Member</strong> <span class="muted">generated</span> Three headlines for the launch' in page


def test_without_the_team_plan_the_owner_is_offered_the_upgrade(client, owner, team):
    owner.plan = "pro"
    owner.save()
    client.force_login(owner)

    page = client.get("/teams/acme/").content.decode()

    assert "needs the Team plan" in page
    assert 'action="/billing/checkout/"' in page
    assert 'name="price" value="team_monthly"' in page


def test_without_the_team_plan_members_are_told_to_ask_the_owner(client, owner, team, member):
    owner.plan = "free"
    owner.save()
    client.force_login(member)

    page = client.get("/teams/acme/").content.decode()

    assert "needs the Team plan" in page
    assert "Ask Olive Owner" in page
    assert "/billing/checkout/" not in page


def test_history_lists_team_generations_with_who_and_links(client, owner, team, member):
    mine = generation(owner, team, prompt="Owner prompt")
    theirs = generation(member, team, prompt="Member prompt")
    generation(member, None, prompt="Personal prompt")
    client.force_login(owner)

    page = client.get("/teams/acme/history/").content.decode()
    filtered = client.get("/teams/acme/history/", {"member": member.pk}).content.decode()

    assert f'href="/history/{mine.pk}/"' in page and f'href="/history/{theirs.pk}/"' in page
    assert "Mia Member" in page and "Member prompt" in page
    assert "Personal prompt" not in page
    assert "Member prompt" in filtered and "Owner prompt" not in filtered


def test_brand_voice_editor_saves(client, owner, team):
    client.force_login(owner)
    response = client.post("/teams/acme/brand-voice/", {"brand_voice": "  Short sentences.  "})
    team.refresh_from_db()
    assert response.status_code == 302 and team.brand_voice == "Short sentences."


def test_a_member_leaves(client, team, member):
    client.force_login(member)
    response = client.post("/teams/acme/leave/")
    assert response["Location"] == "/teams/"
    assert not team.memberships.filter(user=member).exists()


def test_the_owner_cannot_leave_before_transferring(client, owner, team):
    client.force_login(owner)
    client.post("/teams/acme/leave/", follow=True)
    assert team.memberships.get(user=owner).role == "owner"


def test_transfer_swaps_roles_and_keeps_one_owner(client, owner, team, member):
    membership = team.memberships.get(user=member)
    membership.role = "admin"
    membership.save()
    client.force_login(owner)

    client.post("/teams/acme/transfer/", {"member": membership.pk})

    assert team.memberships.get(user=member).role == "owner"
    assert team.memberships.get(user=owner).role == "admin"
    assert team.memberships.filter(role="owner").count() == 1
    assert team.owner == member


def test_transfer_to_a_plain_member_changes_nothing(client, owner, team, member):
    client.force_login(owner)
    client.post("/teams/acme/transfer/", {"member": team.memberships.get(user=member).pk})
    assert team.owner == owner
    assert team.memberships.get(user=member).role == "member"


def test_the_database_refuses_a_second_owner(team, member):
    with pytest.raises(IntegrityError):
        Membership.objects.filter(user=member, team=team).update(role="owner")


def test_removal_takes_effect_on_the_next_request(client, owner, team, member):
    document = DocumentFactory(team=team, created_by=member)
    client.force_login(member)
    assert client.get("/teams/acme/").status_code == 200

    owner_client = client.__class__()
    owner_client.force_login(owner)
    owner_client.post(f"/teams/acme/members/{team.memberships.get(user=member).pk}/remove/")

    assert client.get("/teams/acme/").status_code == 404
    assert client.get("/teams/acme/history/").status_code == 404
    assert client.get(f"/documents/{document.pk}/").status_code == 404
    assert client.post(f"/documents/{document.pk}/save/", {"body": "x", "version": 1}).status_code == 404


def test_owner_deletes_the_team_after_typing_its_slug(client, owner, team):
    client.force_login(owner)
    refused = client.post("/teams/acme/delete/", {"confirm_slug": "wrong"})
    assert refused.status_code == 200 and Team.objects.filter(pk=team.pk).exists()
    client.post("/teams/acme/delete/", {"confirm_slug": "acme"})
    assert not Team.objects.filter(pk=team.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_transfers_at_once_leave_exactly_one_owner():
    import threading

    from django.db import connection

    owner = UserFactory(plan="team")
    team = TeamFactory(owner=owner)
    admins = [Membership.objects.create(team=team, user=UserFactory(), role="admin") for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def transfer(target):
        try:
            barrier.wait()
            teams.transfer_ownership(team_workspace(owner, team.slug), target)
            outcomes.append("transferred")
        except NotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer, args=(admin,)) for admin in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "transferred"]
    assert team.memberships.filter(role="owner").count() == 1
    assert team.memberships.get(user=owner).role == "admin"
