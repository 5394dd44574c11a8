"""The plan catalog: the contract's numbers, and features worded from them (never typed twice)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from billing.plans import COLLABORATION_PLAN, FREE, PLANS, PRO, TEAM, TRIAL_DAYS, get_plan, upgrade_for

# code, name, $/month, $/year, daily generations, max output tokens, collaboration, API keys, team members
CONTRACT = [
    ("free", "Free", "0", "0.00", 10, 500, False, False, None),
    ("pro", "Pro", "19", "182.40", 100, 2000, False, True, None),
    ("team", "Team", "49", "470.40", None, 2000, True, True, 10),
]


@pytest.mark.parametrize("row", CONTRACT, ids=[row[0] for row in CONTRACT])
def test_the_catalog_holds_the_contracts_numbers(row):
    code, name, monthly, yearly, daily, tokens, collaboration, api_keys, members = row
    plan = PLANS[code]
    assert (plan.name, plan.monthly_price, plan.yearly_price) == (name, Decimal(monthly), Decimal(yearly))
    assert (plan.daily_generations, plan.max_output_tokens) == (daily, tokens)
    assert (plan.collaboration, plan.api_keys, plan.max_team_members) == (collaboration, api_keys, members)
    assert plan.lookup_keys == ((f"{code}_monthly", f"{code}_yearly") if plan.is_paid else ())


def test_features_are_worded_from_the_numbers():
    assert FREE.features == (
        "10 generations a day",
        "Answers of up to about 375 words",
        "Personal documents and history",
        "Up to 50 documents of 50,000 characters",
    )
    assert PRO.features[:2] == ("100 generations a day", "Answers of up to about 1,500 words")
    assert "API keys" in PRO.features and f"{TRIAL_DAYS}-day free trial" in PRO.features
    assert "Unlimited generations" in TEAM.features and "Up to 10 people, with roles and invitations" in TEAM.features


def test_changing_a_limit_changes_what_the_plan_says():
    bigger = replace(PRO, daily_generations=250, max_output_tokens=4000, api_keys=False)
    assert bigger.features[:2] == ("250 generations a day", "Answers of up to about 3,000 words")
    assert "API keys" not in bigger.features
    assert "Up to 25 people, with roles and invitations" in replace(TEAM, max_team_members=25).features


def test_the_upgrade_offered_is_the_next_plan_up():
    assert (upgrade_for(FREE), upgrade_for(PRO), upgrade_for(TEAM)) == (PRO, TEAM, None)
    assert COLLABORATION_PLAN == TEAM


def test_unknown_codes_grant_nothing():
    assert get_plan("enterprise") == FREE
