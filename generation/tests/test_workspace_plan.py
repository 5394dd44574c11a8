"""The plan a generation runs under (Workspace.plan): the team's (its owner's) in a Team-plan
workspace, else the user's own.

These go through POST /api/generate, with the quota reading limits from the plan catalog.
"""

import json

import pytest

from accounts.models import Membership
from billing.plans import FREE, PRO, TEAM
from generation.models import DailyUsage, Generation
from generation.quota import usage_day
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def member_on(plan, team):
    user = UserFactory(plan=plan.code)
    Membership.objects.create(team=team, user=user)
    DailyUsage.objects.create(user=user, day=usage_day(), used=plan.daily_generations)  # their own day used up
    return user


def generate(client, **fields):
    body = {"prompt": "A tagline for a bakery", "stream": False, **fields}
    return client.post("/api/generate", data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("plan", [FREE, PRO])
def test_a_member_generates_past_their_own_limit_in_the_team_workspace(client, team, plan):
    member = member_on(plan, team)
    client.force_login(member)

    in_team = generate(client, team="acme")
    personal = generate(client)

    assert in_team.status_code == 200
    assert (in_team.json()["limit"], in_team.json()["remaining"]) == (None, None)
    assert in_team["X-Usage-Limit"] == "unlimited"
    assert personal.status_code == 402
    assert personal.json()["error"] == "daily_limit_reached"
    assert personal.json()["limit"] == plan.daily_generations
    generation = Generation.objects.get(user=member)
    assert (generation.team, generation.plan) == (team, TEAM.code)
    assert DailyUsage.objects.get(user=member).used == plan.daily_generations  # the team's work cost them nothing


def test_many_team_generations_past_the_pro_limit(client, team, settings):
    settings.RATE_LIMIT_PER_MINUTE = 0
    member = member_on(PRO, team)
    client.force_login(member)

    statuses = {generate(client, team="acme").status_code for _ in range(5)}

    assert statuses == {200}
    assert Generation.objects.filter(user=member, team=team, status="completed").count() == 5


@pytest.mark.parametrize("plan", [FREE, PRO])
def test_owner_downgraded_members_fall_back_to_their_own_plan(client, owner, team, plan):
    member = member_on(plan, team)
    owner.plan = PRO.code
    owner.save()
    client.force_login(member)

    response = generate(client, team="acme")

    assert response.status_code == 402
    assert response.json()["limit"] == plan.daily_generations
    assert not Generation.objects.filter(user=member).exists()


def test_after_a_downgrade_generation_in_the_team_uses_and_counts_the_members_plan(client, owner, team):
    member = UserFactory(plan=PRO.code)
    Membership.objects.create(team=team, user=member)
    owner.plan = FREE.code
    owner.save()
    client.force_login(member)

    response = generate(client, team="acme")

    assert response.status_code == 200
    assert response.json()["limit"] == PRO.daily_generations
    assert Generation.objects.get(user=member).plan == PRO.code
    assert DailyUsage.objects.get(user=member).used == 1


def test_the_owner_upgrading_again_lifts_the_limit(client, owner, team):
    member = member_on(PRO, team)
    owner.plan = FREE.code
    owner.save()
    client.force_login(member)
    assert generate(client, team="acme").status_code == 402

    owner.plan = TEAM.code
    owner.save()

    assert generate(client, team="acme").status_code == 200
