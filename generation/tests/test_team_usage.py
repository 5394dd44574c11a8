"""A team's usage this month, per person, on the team page: for the owner and admins only."""

import pytest
import time_machine
from django.utils import timezone

from accounts.models import Membership
from generation import stats
from generation.models import Generation

pytestmark = pytest.mark.django_db


def generation(user, team, status="completed", **fields):
    return Generation.objects.create(
        user=user, team=team, prompt="Draft", status=status, plan="team", provider="demo", model="demo", **fields
    )


def test_owner_and_admins_see_usage_this_month_per_member(client, owner, team, member):
    generation(member, team, input_tokens=10, output_tokens=30)
    generation(member, team, input_tokens=5, output_tokens=15)
    generation(member, team, status="failed", input_tokens=7)  # refunded: not a generation they got
    generation(member, None, input_tokens=1000, output_tokens=1000)  # personal: not the team's

    rows = {row["user"]: row for row in stats.team_usage_this_month(team)}

    assert rows[member]["generations"] == 2
    assert (rows[member]["input_tokens"], rows[member]["output_tokens"]) == (15, 45)
    assert rows[owner]["generations"] == 0
    client.force_login(owner)
    assert "Usage this month" in client.get("/teams/acme/").content.decode()


def test_usage_keeps_former_members_and_skips_last_month(team, member):
    with time_machine.travel(timezone.now().replace(day=1) - timezone.timedelta(days=2)):
        generation(member, team)
    generation(member, team)
    Membership.objects.filter(user=member).delete()

    (former,) = [row for row in stats.team_usage_this_month(team) if row["user"] == member]

    assert former["current"] is False and former["generations"] == 1


def test_the_month_starts_at_midnight_in_the_usage_time_zone(team, member, settings, time_machine):
    settings.USAGE_TIMEZONE = "America/New_York"
    time_machine.move_to("2026-04-01 03:00:00+00:00", tick=False)  # still March 31 in New York
    generation(member, team)
    time_machine.move_to("2026-04-01 05:00:00+00:00", tick=False)  # April 1, 01:00 in New York

    (row,) = [row for row in stats.team_usage_this_month(team) if row["user"] == member]

    assert stats.month_start().isoformat() == "2026-04-01"
    assert row["generations"] == 0


def test_members_do_not_see_usage(client, team, member):
    generation(member, team)
    client.force_login(member)
    assert "Usage this month" not in client.get("/teams/acme/").content.decode()
