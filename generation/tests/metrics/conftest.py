"""The founder metrics' tests: billing's fake Stripe fixtures, and a small world built through them."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from billing import stripe_api
from billing.tests import conftest as billing_fixtures
from generation.models import Generation, LimitHit
from tests.factories import UserFactory

# The fake Stripe and its webhook delivery, shared with billing's tests.
fake, catalog, webhook_endpoint = billing_fixtures.fake, billing_fixtures.catalog, billing_fixtures.webhook_endpoint
post_event, post_new_events = billing_fixtures.post_event, billing_fixtures.post_new_events


NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@dataclass
class FounderWorld:
    """Who is in the world (users by first name) and the moment the figures are read."""

    users: dict
    now: datetime = NOW


@pytest.fixture
def founder_world(catalog, post_new_events, time_machine, settings):
    """Eight people, subscribed through the fake Stripe (webhooks delivered as things happen), with
    generations of known tokens at $3 / $15 per million tokens and daily-limit hits, seen on NOW;
    docs/metrics.md defines the figures the tests expect of it:

    - ada (joined 60 days ago): Pro monthly since day -40 with a 20%-off coupon, active ($15.20 a month);
      hit the limit on day -45 (outside the 30-day window); 2 Pro generations on day -20, one failed call;
    - dan (-50): Team yearly since -45 ($39.20 a month), payment failed on -2: past_due;
    - fay (-40): Pro monthly from -35, canceled on -4;
    - cat (-25): hit the limit on -24, Team monthly trial from -14 ending on -7 and paid: active;
      1 Team generation on -6 at an older price ($1 / $5);
    - bob (-10): 1 Free generation on -9, hit the limit on -8, Pro yearly on -5 ($15.20 a month),
      1 Pro generation on -3;
    - eve (-15): hit the limit on -3, Pro monthly trial from -2: trialing;
    - gus (-3): 3 Free generations on -2, 2 limit hits on -1;
    - sam: staff, joined 400 days ago.
    """
    settings.LLM_PRICE_INPUT_PER_MTOK, settings.LLM_PRICE_OUTPUT_PER_MTOK = Decimal("3"), Decimal("15")
    users = {}
    subscriptions = {}
    coupon = catalog.create_coupon(percent_off=20, duration="forever", name="Launch offer")

    def at(days):
        time_machine.move_to(days_ago(days), tick=False)

    def join(name, days, **fields):
        at(days)
        users[name] = UserFactory(email=f"{name}@example.com", **fields)

    def subscribe(name, days, price, **options):
        at(days)
        customer = stripe_api.customer_for(users[name])
        event = catalog.create_subscription(customer.id, price, **options)
        subscriptions[name] = event["data"]["object"]["id"]
        post_new_events()

    def limit_hit(name, days):
        at(days)
        LimitHit.objects.create(user=users[name])

    def generate(name, days, plan, input_tokens, output_tokens, **fields):
        at(days)
        Generation.objects.create(
            user=users[name],
            plan=plan,
            prompt="A launch email",
            provider="demo",
            model="inkwell-demo",
            status=fields.pop("status", Generation.Status.COMPLETED),
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            **fields,
        )

    join("sam", 400, is_staff=True)
    join("ada", 60)
    join("dan", 50)
    limit_hit("ada", 45)
    subscribe("dan", 45, "team_yearly")
    join("fay", 40)
    subscribe("ada", 40, "pro_monthly", coupon=coupon["id"])
    subscribe("fay", 35, "pro_monthly")
    generate("ada", 31, "pro", 1_000_000, 1_000_000)  # before the window
    join("cat", 25)
    limit_hit("cat", 24)
    generate("ada", 20, "pro", 400_000, 100_000)
    generate("ada", 20, "pro", 400_000, 100_000)
    generate("ada", 20, "pro", 0, 0, status=Generation.Status.FAILED, refunded=True)
    join("eve", 15)
    subscribe("cat", 14, "team_monthly", trial_days=7)
    join("bob", 10)
    generate("bob", 9, "free", 10_000, 20_000)
    limit_hit("bob", 8)
    at(7)
    catalog.pay_renewal(subscriptions["cat"])
    post_new_events()
    generate("cat", 6, "team", 100_000, 50_000, input_price_per_mtok=Decimal("1"), output_price_per_mtok=Decimal("5"))
    subscribe("bob", 5, "pro_yearly")
    at(4)
    catalog.cancel_subscription(subscriptions["fay"])
    post_new_events()
    generate("bob", 3, "pro", 1_000_000, 1_000_000)
    join("gus", 3)
    limit_hit("eve", 3)
    at(2)
    catalog.fail_payment(subscriptions["dan"])
    post_new_events()
    subscribe("eve", 2, "pro_monthly", trial_days=7)
    for _ in range(3):
        generate("gus", 2, "free", 2_000, 1_000)
    limit_hit("gus", 1)
    limit_hit("gus", 1)
    at(0)
    for user in users.values():
        user.refresh_from_db()
    return FounderWorld(users=users)
