"""Many users, mirrored subscriptions, generations and limit hits, written in bulk: the founder
metrics' query-count test and bench/metrics.py measure on it. (The figures themselves are tested on
a world built through the fake Stripe: generation/tests/conftest.py's ``founder_world``.)

Subscriptions go straight into dj-stripe's mirror with the fields the metrics read, cycling through
Pro and Team, monthly and yearly, active, trialing, past_due and canceled, every fifth 20% off.
"""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import DurationField, ExpressionWrapper, F, Value
from django.utils import timezone
from djstripe.models import Customer, Subscription

from accounts.models import User
from billing.plans import PAID_PLANS
from generation.models import Generation, LimitHit

STATUSES = ("active", "active", "trialing", "past_due", "canceled")
BATCH = 5000


def price_data(plan, interval: str) -> dict:
    amount = plan.monthly_price if interval == "month" else plan.yearly_price
    return {
        "lookup_key": plan.lookup_key(interval),
        "unit_amount": int(amount * 100),
        "currency": "usd",
        "recurring": {"interval": interval, "interval_count": 1},
    }


def subscription_data(subscription_id: str, discounted: bool, status: str, plan, interval: str, created) -> dict:
    started = int(created.timestamp())
    trial = status == "trialing"
    discount = {"source": {"coupon": {"percent_off": 20.0, "duration": "forever"}}, "end": None}
    return {
        "id": subscription_id,
        "object": "subscription",
        "status": status,
        "created": started,
        "start_date": started,
        "trial_start": started if trial else None,
        "trial_end": started + 7 * 86400 if trial else None,
        "ended_at": started + 86400 if status == "canceled" else None,
        "discounts": [discount] if discounted else [],
        "items": {"data": [{"price": price_data(plan, interval), "quantity": 1}]},
    }


def build(users: int, generations_per_user: int, label: str = "bulk") -> None:
    """``users`` users who joined over the last 60 days, each a Stripe customer with one subscription,
    ``generations_per_user`` completed generations over the last 30 days and one limit hit."""
    now = timezone.now()
    kinds = list(itertools.islice(itertools.cycle(itertools.product(STATUSES, PAID_PLANS, ("month", "year"))), users))
    User.objects.bulk_create(
        [
            User(
                email=f"{label}{n}@example.com",
                password="!",
                date_joined=now - timedelta(days=60 * n / users),
                plan="free" if status == "canceled" else plan.code,
            )
            for n, (status, plan, _interval) in enumerate(kinds)
        ],
        batch_size=BATCH,
    )
    people = list(User.objects.filter(email__startswith=label, email__endswith="@example.com").order_by("pk"))
    customers, subscriptions = [], []
    for number, (user, (status, plan, interval)) in enumerate(zip(people, kinds, strict=True)):
        customer = Customer(
            id=f"cus_{label}{number}", subscriber=user, livemode=settings.STRIPE_LIVE_MODE, stripe_data={}
        )
        created = user.date_joined + timedelta(days=1)
        subscription_id = f"sub_{label}{number}"
        customers.append(customer)
        subscriptions.append(
            Subscription(
                id=subscription_id,
                customer=customer,
                livemode=settings.STRIPE_LIVE_MODE,
                created=created,
                stripe_data=subscription_data(subscription_id, number % 5 == 0, status, plan, interval, created),
            )
        )
    Customer.objects.bulk_create(customers, batch_size=BATCH)
    Subscription.objects.bulk_create(subscriptions, batch_size=BATCH)
    LimitHit.objects.bulk_create([LimitHit(user=user, created_at=user.date_joined) for user in people])
    rows = (
        Generation(
            user=user,
            plan=user.plan,
            prompt="A launch email",
            provider="demo",
            model="inkwell-demo",
            status=Generation.Status.COMPLETED,
            input_tokens=300 + n,
            output_tokens=900 + n,
            input_price_per_mtok=Decimal("3"),
            output_price_per_mtok=Decimal("15"),
        )
        for user in people
        for n in range(generations_per_user)
    )
    while batch := list(itertools.islice(rows, BATCH)):
        Generation.objects.bulk_create(batch)
    # created_at is set on insert: spread the generations over the last 30 days.
    days_back = ExpressionWrapper((F("id") % 30) * Value(timedelta(days=1)), output_field=DurationField())
    Generation.objects.filter(user__in=people).update(created_at=Value(now) - days_back)


def remove(label: str = "bulk") -> None:
    """Delete what ``build`` made with ``label`` (a customer outlives its user in dj-stripe's mirror)."""
    Customer.objects.filter(id__startswith=f"cus_{label}").delete()
    User.objects.filter(email__startswith=label, email__endswith="@example.com").delete()
