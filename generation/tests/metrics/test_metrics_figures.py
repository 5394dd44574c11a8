"""Every founder figure (docs/metrics.md) on a small world built through the fake Stripe:
subscriptions monthly and yearly, a trial that converted and one still running, a past_due one, a
canceled one, a 20%-off coupon, generations with known tokens and prices, and daily-limit hits."""

import pytest

from generation.metrics import Metrics

pytestmark = pytest.mark.django_db


def test_revenue_counts_active_and_past_due_subscriptions_a_month_after_discounts(founder_world):
    figures = Metrics(30).figures()

    # ada $19 - 20% = $15.20; bob $182.40 / 12 = $15.20; cat $49; dan $470.40 / 12 = $39.20 (past_due).
    # eve is trialing (no revenue yet) and fay canceled.
    assert figures["mrr"] == 1520 + 1520 + 4900 + 3920 == 11860
    assert figures["arr"] == 12 * 11860
    assert figures["paying_customers"] == 4
    assert figures["trialing"] == 1
    assert figures["past_due"] == 1
    assert figures["arpu"] == 11860 // 4 == 2965


def test_growth_in_the_window(founder_world):
    figures = Metrics(30).figures()

    assert figures["signups"] == 4  # cat, eve, bob, gus
    assert figures["free_to_paid"] == 2  # cat (trial converted) and bob; eve is still trialing
    assert figures["free_to_paid_rate"] == 0.5
    assert figures["new_subscriptions"] == 3  # cat, bob, eve
    assert figures["trial_conversions"] == 1  # cat's
    assert figures["churned"] == 1  # fay's


def test_limit_hits_and_the_upgrades_that_followed_them(founder_world):
    figures = Metrics(30).figures()

    assert figures["limit_hits"] == 5  # cat, bob, eve, gus twice; ada's is 45 days old
    # bob subscribed 3 days after his hit and eve 1 day after hers; cat's was 10 days before.
    assert figures["upgrades_after_limit"] == 2
    assert figures["upgrades_after_limit_share"] == round(2 / 3, 4)


def test_model_cost_revenue_and_margin_per_plan(founder_world):
    by_plan = Metrics(30).figures()["by_plan"]

    assert by_plan == {
        # bob's Free generation (10k in, 20k out: $0.33) and gus's three (2k in, 1k out: $0.021 each)
        "free": {
            "users": 3,  # fay, gus, sam
            "generations": 4,
            "input_tokens": 16_000,
            "output_tokens": 23_000,
            "model_cost": 39,  # 33 + 6.3 cents
            "revenue": 0,
            "margin": -39,
        },
        # ada's two (400k in, 100k out: $2.70 each) and bob's (1M in, 1M out: $18); the failed call is free
        "pro": {
            "users": 3,  # ada, bob, eve
            "generations": 3,
            "input_tokens": 1_800_000,
            "output_tokens": 1_200_000,
            "model_cost": 2340,
            "revenue": 3040,
            "margin": 700,
        },
        # cat's (100k in, 50k out) at the $1 / $5 it cost when it ran
        "team": {
            "users": 2,  # cat, dan
            "generations": 1,
            "input_tokens": 100_000,
            "output_tokens": 50_000,
            "model_cost": 35,
            "revenue": 8820,
            "margin": 8785,
        },
    }


def test_the_users_who_cost_most(founder_world):
    assert Metrics(30).figures()["top_cost_users"] == [
        {"email": "bob@example.com", "plan": "pro", "generations": 2, "model_cost": 1833},
        {"email": "ada@example.com", "plan": "pro", "generations": 2, "model_cost": 540},
        {"email": "cat@example.com", "plan": "team", "generations": 1, "model_cost": 35},
        {"email": "gus@example.com", "plan": "free", "generations": 3, "model_cost": 6},
    ]


def test_a_shorter_window_counts_less_and_scales_usage_to_a_month(founder_world):
    figures = Metrics(7).figures()

    assert figures["mrr"] == 11860  # revenue is today's, whatever the window
    assert figures["signups"] == 1  # gus
    assert figures["new_subscriptions"] == 2  # bob, eve
    assert figures["churned"] == 1
    assert figures["trial_conversions"] == 0  # cat's trial started 14 days ago
    assert figures["limit_hits"] == 3  # eve, gus twice
    assert figures["upgrades_after_limit"] == 2  # bob's hit was 8 days ago, 3 days before he subscribed
    # 7 days of Pro usage (bob's $18 generation) scaled to 30 days: $77.14
    assert figures["by_plan"]["pro"]["generations"] == 4  # 1 × 30 / 7
    assert figures["by_plan"]["pro"]["model_cost"] == 7714
    assert figures["by_plan"]["pro"]["margin"] == 3040 - 7714
    assert figures["top_cost_users"][0] == {
        "email": "bob@example.com",
        "plan": "pro",
        "generations": 1,
        "model_cost": 1800,
    }


def test_mrr_by_day_rebuilds_the_month_from_the_mirror(founder_world):
    rows = {row["date"].isoformat(): row["mrr"] for row in Metrics(30).mrr_by_day()}

    assert len(rows) == 30
    assert rows["2026-05-17"] == 1520 + 3920 + 1900  # ada, dan and fay
    assert rows["2026-06-08"] == 1520 + 3920 + 1900 + 4900  # cat's trial ended on June 8
    assert rows["2026-06-10"] == 1520 + 3920 + 1900 + 4900 + 1520  # bob from June 10
    assert rows["2026-06-11"] == 1520 + 3920 + 4900 + 1520  # fay ended on June 11
    assert rows["2026-06-15"] == Metrics(30).figures()["mrr"]


def test_generations_by_day_counts_everyone_s_completed_generations(founder_world):
    rows = {row["date"].isoformat(): row["generations"] for row in Metrics(30).generations_by_day()}

    assert len(rows) == 30
    assert rows["2026-05-26"] == 2  # ada's two (the failed call does not count)
    assert rows["2026-06-13"] == 3  # gus's
    assert sum(rows.values()) == 8
