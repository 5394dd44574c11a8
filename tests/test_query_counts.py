"""Every main page costs the same number of queries whether the user has 1 or 50 teams, documents,
generations and teammates: nothing is loaded per row (owners come with their teams, plans with
owners, authors with documents)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiKey, Invitation, Membership
from billing.plans import PRO
from generation.models import Generation
from tests.factories import DocumentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/dashboard/",
    "/generate/",
    "/generate/status/?workspace={team}&generation={generation}",
    "/history/",
    "/history/{generation}/",
    "/documents/",
    "/documents/{document}/",
    "/documents/{document}/live/?version=0",
    "/teams/",
    "/teams/{team}/",
    "/teams/{team}/history/",
    "/account/",
    "/billing/",
    "/pricing/",
]


def generation(user, team, document=None):
    return Generation.objects.create(
        user=user,
        team=team,
        document=document,
        prompt="A tagline",
        output="Fresh bread daily.",
        status="completed",
        plan=user.plan,
        provider="demo",
        model="demo",
    )


def world(n: int) -> tuple[object, dict]:
    """A user with ``n`` of everything: teams (each with its own owner), teammates and invitations in
    the first team, personal and team documents, and generations in both workspaces."""
    user = UserFactory(plan="team")
    teams = [TeamFactory(owner=user)]
    for _ in range(n - 1):
        team = TeamFactory(owner=UserFactory(plan="team" if len(teams) % 2 else "free"))
        Membership.objects.create(team=team, user=user, role="admin")
        teams.append(team)
    first = teams[0]
    for index in range(n):
        teammate = UserFactory()
        Membership.objects.create(team=first, user=teammate)
        Invitation.objects.create(team=first, email=f"guest{index}-{user.pk}@example.com", invited_by=user)
        personal = DocumentFactory(created_by=user, last_edited_by=teammate)
        shared = DocumentFactory(team=first, created_by=teammate)
        generation(user, None, personal)
        generation(teammate, first, shared)
        generation(user, teams[index], shared)
    ids = {
        "team": first.slug,
        "document": shared.pk,
        "generation": Generation.objects.filter(user=user).latest("created_at").pk,
    }
    return user, ids


def queries(client, path: str) -> int:
    client.get(path)  # warm caches that fill once per process (content types, sites)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_costs_the_same_with_1_or_50_of_everything(client, page):
    counts = []
    for n in (1, 50):
        user, ids = world(n)
        client.force_login(user)
        counts.append(queries(client, page.format(**ids)))
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries with 1 of everything, {counts[1]} with 50"


def test_an_api_generation_without_streaming_costs_at_most_6_queries(client):
    """The per-call cost bounds how many API calls a process serves a second (docs/serving.md).
    Counted on a key's first call, when its owner is looked up and its last use recorded."""
    user = UserFactory(plan=PRO.code)
    _, raw_key = ApiKey.issue(user, "CI")

    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/api/generate",
            {"prompt": "A tagline", "stream": False},
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw_key}"},
        )

    assert response.status_code == 200
    assert len(captured) <= 6, "\n".join(query["sql"] for query in captured)
