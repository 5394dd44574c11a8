"""manage.py metrics [--days N] [--json]: the founder figures as a report, or as one JSON object with
exactly the keys docs/metrics.md defines; a bad --days is refused with a clear message."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from generation.metrics import Metrics

pytestmark = pytest.mark.django_db

KEYS = [
    "mrr",
    "arr",
    "paying_customers",
    "trialing",
    "past_due",
    "arpu",
    "signups",
    "free_to_paid",
    "free_to_paid_rate",
    "new_subscriptions",
    "trial_conversions",
    "churned",
    "limit_hits",
    "upgrades_after_limit",
    "upgrades_after_limit_share",
    "by_plan",
    "top_cost_users",
]
PLAN_KEYS = {"users", "generations", "input_tokens", "output_tokens", "model_cost", "revenue", "margin"}
TOP_COST_USER_KEYS = {"email", "plan", "generations", "model_cost"}


def metrics(*args) -> str:
    out = io.StringIO()
    call_command("metrics", *args, stdout=out)
    return out.getvalue()


def test_json_has_exactly_the_documented_keys(founder_world):
    figures = json.loads(metrics("--json"))

    assert list(figures) == KEYS
    assert set(figures["by_plan"]) == {"free", "pro", "team"}
    assert all(set(row) == PLAN_KEYS for row in figures["by_plan"].values())
    assert figures["top_cost_users"] and all(set(row) == TOP_COST_USER_KEYS for row in figures["top_cost_users"])


def test_json_money_is_integer_cents_and_rates_are_fractions(founder_world):
    figures = json.loads(metrics("--json"))

    assert figures == Metrics(30).figures()
    assert figures["mrr"] == 11860 and isinstance(figures["mrr"], int)
    assert all(isinstance(row["margin"], int) for row in figures["by_plan"].values())
    assert figures["free_to_paid_rate"] == 0.5
    assert 0 <= figures["upgrades_after_limit_share"] <= 1


def test_days_sets_the_window(founder_world):
    assert json.loads(metrics("--days", "7", "--json")) == Metrics(7).figures()
    assert json.loads(metrics("--days", "7", "--json"))["signups"] == 1


def test_the_report_reads_like_a_dashboard(founder_world):
    report = metrics()

    assert report.startswith("Founder metrics, last 30 days (2026-05-16 12:00 to 2026-06-15 12:00 UTC)")
    lines = report.splitlines()
    assert "  MRR                   $118.60" in lines
    assert "  Free to paid          2 (50.0% of signups)" in lines
    assert "  Upgrades after limit  2 (66.7% of new subscriptions)" in lines
    [free] = [line for line in lines if line.startswith("  Free  ")]
    assert free.split() == ["Free", "3", "4", "16,000", "23,000", "$0.39", "$0.00", "-$0.39"] + [
        "model", "costs", "more", "than", "the", "plan", "earns",
    ]  # fmt: skip
    assert "bob@example.com" in report.split("Highest model cost")[1]


def test_an_empty_world_reports_zeros(db):
    report = metrics()

    assert "  MRR                   $0.00" in report.splitlines()
    assert "No generations in the window." in report
    assert json.loads(metrics("--json"))["arpu"] == 0


@pytest.mark.parametrize("days", ["0", "-3", "abc", "2.5", "3651"])
def test_a_bad_window_is_refused_clearly(db, days):
    with pytest.raises(CommandError, match=f"--days: give a whole number of days from 1 to 3650, not '{days}'"):
        metrics("--days", days)
