"""Founder metrics: revenue from dj-stripe's mirror next to model cost from the generation log.

``Metrics(days).figures()`` is the object ``manage.py metrics --json`` prints and ``/staff/metrics/``
shows; docs/metrics.md defines each figure. Money is in integer cents of USD, rounded half up once,
from exact sums.

The number of queries does not grow with users, subscriptions or generations: the subscription
mirror is read once (dj-stripe keeps Stripe's objects as JSON, so they are interpreted here, with
``billing.subscriptions``' helpers), and users, generations and limit hits are aggregated by the
database.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from billing.plans import PLANS, plan_for_lookup_key
from billing.subscriptions import all_mirrored_subscriptions, applied_discounts, from_timestamp, subscribed_plan
from generation import quota, stats
from generation.models import Generation, LimitHit

DEFAULT_DAYS = 30
WINDOW_CHOICES = (7, 30, 90)  # the page's selector; the command takes any window up to MAX_DAYS
MAX_DAYS = 3650
MONTH_DAYS = 30  # usage in by_plan is scaled to this many days, to set it against monthly revenue
TOP_COST_USERS = 10
UPGRADE_LOOKBACK = timedelta(days=7)  # a limit hit this long before a subscription counts as its cause

PAYING_STATUSES = frozenset({"active", "past_due"})
# A user's best subscription decides whether they count as paying, trialing or past due.
STATUS_RANK = {"active": 3, "past_due": 2, "trialing": 1}
# Stripe's billing intervals, as how many of them make a month.
INTERVALS_PER_MONTH = {
    "day": Fraction(365, 12),
    "week": Fraction(52, 12),
    "month": Fraction(1),
    "year": Fraction(1, 12),
}

# Tokens × USD per million tokens: micro-dollars, so 10,000 of them make a cent.
MICRO_DOLLARS_PER_CENT = 10_000
TOKEN_COST = ExpressionWrapper(
    F("input_tokens") * F("input_price_per_mtok") + F("output_tokens") * F("output_price_per_mtok"),
    output_field=DecimalField(max_digits=30, decimal_places=4),
)


def record_limit_hit(user) -> None:
    """Log a 402 ``daily_limit_reached`` answer: one INSERT, on the refused path only."""
    LimitHit.objects.create(user=user)


def whole(value) -> int:
    """``value`` (an exact Fraction or Decimal, not negative) rounded half up to an integer."""
    return math.floor(Fraction(value) + Fraction(1, 2))


def share(part: int, whole_count: int) -> float:
    """``part / whole_count`` as a fraction 0..1 with four decimals; 0 when there is no whole."""
    return round(part / whole_count, 4) if whole_count else 0.0


def check_days(days) -> int:
    """The window in whole days; ValueError with a message a person can act on otherwise."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValueError(f"The window must be a whole number of days from 1 to {MAX_DAYS}, not {days!r}.")
    return days


def percent_off_factor(discounts: list[dict], at: datetime) -> Fraction:
    """What remains of an amount after the percent-off discounts still running at ``at``."""
    factor = Fraction(1)
    for discount in discounts:
        if discount["percent_off"] and not (discount["end"] and discount["end"] <= at):
            factor *= 1 - Fraction(str(discount["percent_off"])) / 100
    return factor


def monthly_amounts(subscription_data: dict, customer_data: dict | None, at: datetime) -> dict[str, Fraction]:
    """Exact cents a month per plan code: each item's ``unit_amount`` × quantity over its interval
    (a yearly price ÷ 12), less the subscription's percent-off discounts (the customer's when the
    subscription has none, as Stripe applies them). An item without a catalog lookup key counts
    for the subscription's plan."""
    factor = percent_off_factor(applied_discounts(subscription_data, customer_data), at)
    fallback = subscribed_plan(subscription_data)
    amounts = defaultdict(Fraction)
    for item in (subscription_data.get("items") or {}).get("data") or []:
        price = item.get("price") or {}
        recurring = price.get("recurring") or {}
        per_month = INTERVALS_PER_MONTH.get(recurring.get("interval"))
        if per_month is None:  # a one-off price is not recurring revenue
            continue
        plan = plan_for_lookup_key(price.get("lookup_key") or "")
        amount = Fraction(price.get("unit_amount") or 0) * (item.get("quantity") or 0)
        amounts[plan.code if plan else fallback] += amount * per_month / (recurring.get("interval_count") or 1) * factor
    return dict(amounts)


@dataclass(frozen=True)
class SubscriptionFacts:
    """What the metrics need from one mirrored subscription."""

    customer: str  # who pays: the user's id, or the Stripe customer's id when it is linked to no user
    user_id: int | None
    joined: datetime | None  # when the user signed up
    status: str
    created: datetime
    trial_start: datetime | None
    trial_end: datetime | None
    ended_at: datetime | None
    monthly: dict[str, Fraction]  # exact cents a month per plan (see monthly_amounts)

    @classmethod
    def read(cls, subscription, now: datetime) -> "SubscriptionFacts":
        data, customer = subscription.stripe_data, subscription.customer
        user = customer.subscriber
        return cls(
            customer=str(user.pk) if user else customer.id,
            user_id=user.pk if user else None,
            joined=user.date_joined if user else None,
            status=data.get("status", ""),
            created=subscription.created or from_timestamp(data.get("created")),
            trial_start=from_timestamp(data.get("trial_start")),
            trial_end=from_timestamp(data.get("trial_end")),
            ended_at=from_timestamp(data.get("ended_at")),
            monthly=monthly_amounts(data, customer.stripe_data, now),
        )

    @property
    def paying(self) -> bool:
        return self.status in PAYING_STATUSES

    @property
    def reached_paying(self) -> bool:
        """Active or past due now, or ended after its trial: a subscription that got past the free trial."""
        if self.paying:
            return True
        if self.status == "incomplete_expired" or self.ended_at is None:
            return False
        return self.trial_end is None or self.ended_at > self.trial_end

    @property
    def paying_since(self) -> datetime:
        """When it started to pay: the end of its trial, else its start."""
        return self.trial_end if self.trial_start and self.trial_end else self.created

    @property
    def monthly_total(self) -> Fraction:
        return sum(self.monthly.values(), Fraction(0))


class Metrics:
    """The figures for the ``days`` before ``now``; each part reads the database once, on first use."""

    def __init__(self, days: int = DEFAULT_DAYS, now: datetime | None = None):
        self.days = check_days(days)
        self.now = now or timezone.now()
        self.start = self.now - timedelta(days=days)

    def in_window(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment <= self.now

    @cached_property
    def subscriptions(self) -> list[SubscriptionFacts]:
        return [SubscriptionFacts.read(subscription, self.now) for subscription in all_mirrored_subscriptions()]

    @cached_property
    def completed_generations(self):
        return Generation.objects.filter(
            status=Generation.Status.COMPLETED, created_at__gte=self.start, created_at__lte=self.now
        ).order_by()

    def figures(self) -> dict:
        """Every figure, under exactly the keys docs/metrics.md defines."""
        paying = [s for s in self.subscriptions if s.paying]
        mrr = whole(sum((s.monthly_total for s in paying), Fraction(0)))
        best = {}
        for subscription in self.subscriptions:
            rank = STATUS_RANK.get(subscription.status, 0)
            best[subscription.customer] = max(best.get(subscription.customer, 0), rank)
        paying_customers = sum(1 for rank in best.values() if rank >= STATUS_RANK["past_due"])
        signups = get_user_model().objects.filter(date_joined__gte=self.start, date_joined__lte=self.now).count()
        free_to_paid = len(
            {s.user_id for s in self.subscriptions if s.user_id and self.in_window(s.joined) and s.reached_paying}
        )
        new = [s for s in self.subscriptions if self.in_window(s.created)]
        trial_conversions = sum(1 for s in self.subscriptions if self.in_window(s.trial_start) and s.reached_paying)
        upgrades_after_limit = self.upgrades_after_limit(new)
        return {
            "mrr": mrr,
            "arr": 12 * mrr,
            "paying_customers": paying_customers,
            "trialing": sum(1 for rank in best.values() if rank == STATUS_RANK["trialing"]),
            "past_due": sum(1 for rank in best.values() if rank == STATUS_RANK["past_due"]),
            "arpu": whole(Fraction(mrr, paying_customers)) if paying_customers else 0,
            "signups": signups,
            "free_to_paid": free_to_paid,
            "free_to_paid_rate": share(free_to_paid, signups),
            "new_subscriptions": len(new),
            "trial_conversions": trial_conversions,
            "churned": sum(1 for s in self.subscriptions if s.status == "canceled" and self.in_window(s.ended_at)),
            "limit_hits": LimitHit.objects.filter(created_at__gte=self.start, created_at__lte=self.now).count(),
            "upgrades_after_limit": upgrades_after_limit,
            "upgrades_after_limit_share": share(upgrades_after_limit, len(new)),
            "by_plan": self.by_plan(paying),
            "top_cost_users": [
                {key: row[key] for key in ("email", "plan", "generations", "model_cost")} for row in self.top_cost_users
            ],
        }

    def upgrades_after_limit(self, new: list[SubscriptionFacts]) -> int:
        """How many of the ``new`` subscriptions' users hit the daily limit in the week before subscribing."""
        user_ids = {s.user_id for s in new if s.user_id}
        hits = defaultdict(list)
        for user_id, moment in LimitHit.objects.filter(
            user_id__in=user_ids, created_at__gte=self.start - UPGRADE_LOOKBACK, created_at__lte=self.now
        ).values_list("user_id", "created_at"):
            hits[user_id].append(moment)
        return sum(
            1 for s in new if any(s.created - UPGRADE_LOOKBACK <= moment <= s.created for moment in hits[s.user_id])
        )

    def by_plan(self, paying: list[SubscriptionFacts]) -> dict:
        """Per plan: users on it now, and its window's usage and model cost scaled to MONTH_DAYS,
        against its monthly revenue (its share of MRR)."""
        users = dict(
            get_user_model().objects.order_by().values("plan").annotate(n=Count("id")).values_list("plan", "n")
        )
        usage = {
            row["plan"]: row
            for row in self.completed_generations.values("plan").annotate(
                generations=Count("id"),
                # Not named after the fields: TOKEN_COST would then read these sums instead of each row.
                input_sum=Sum("input_tokens"),
                output_sum=Sum("output_tokens"),
                cost=Sum(TOKEN_COST),
            )
        }
        revenue = defaultdict(Fraction)
        for subscription in paying:
            for code, amount in subscription.monthly.items():
                revenue[code] += amount
        scale = Fraction(MONTH_DAYS, self.days)
        figures = {}
        for code in PLANS:
            row = usage.get(code) or {}
            model_cost = whole(Fraction(row.get("cost") or 0) * scale / MICRO_DOLLARS_PER_CENT)
            plan_revenue = whole(revenue[code])
            figures[code] = {
                "users": users.get(code, 0),
                "generations": whole(row.get("generations", 0) * scale),
                "input_tokens": whole((row.get("input_sum") or 0) * scale),
                "output_tokens": whole((row.get("output_sum") or 0) * scale),
                "model_cost": model_cost,
                "revenue": plan_revenue,
                "margin": plan_revenue - model_cost,
            }
        return figures

    @cached_property
    def top_cost_users(self) -> list[dict]:
        """The users whose generations in the window cost the most (with ``user_id``, for admin links)."""
        rows = (
            self.completed_generations.values("user_id", "user__email", "user__plan")
            .annotate(generations=Count("id"), cost=Sum(TOKEN_COST))
            .order_by("-cost", "-generations", "user__email")[:TOP_COST_USERS]
        )
        return [
            {
                "user_id": row["user_id"],
                "email": row["user__email"],
                "plan": row["user__plan"],
                "generations": row["generations"],
                "model_cost": whole((row["cost"] or 0) / MICRO_DOLLARS_PER_CENT),
            }
            for row in rows
        ]

    def days_shown(self) -> list:
        """The calendar days (in USAGE_TIMEZONE) the charts show: the window's last ``days``, today last."""
        today = quota.usage_day(self.now)
        return [today - timedelta(days=offset) for offset in range(self.days - 1, -1, -1)]

    def mrr_by_day(self) -> list[dict]:
        """``[{"date", "mrr"}]``: MRR at the end of each day (today: now), rebuilt from the mirror. Each
        subscription that got past its trial counts at today's price from when it started to pay
        until it ended; earlier prices and past past-due spells are not replayed."""
        changes = []
        for subscription in self.subscriptions:
            if subscription.reached_paying:
                changes.append((subscription.paying_since, subscription.monthly_total))
                if subscription.ended_at:
                    changes.append((subscription.ended_at, -subscription.monthly_total))
        changes.sort(key=lambda change: change[0])
        rows, total, applied = [], Fraction(0), 0
        for day in self.days_shown():
            until = min(stats.day_start(day + timedelta(days=1)), self.now)
            while applied < len(changes) and changes[applied][0] <= until:
                total += changes[applied][1]
                applied += 1
            rows.append({"date": day, "mrr": whole(total)})
        return rows

    def generations_by_day(self) -> list[dict]:
        """``[{"date", "generations"}]``: completed generations of everyone, per day shown."""
        days = self.days_shown()
        per_day = dict(
            Generation.objects.filter(
                status=Generation.Status.COMPLETED, created_at__gte=stats.day_start(days[0]), created_at__lte=self.now
            )
            .annotate(day=TruncDate("created_at", tzinfo=quota.usage_timezone()))
            .order_by()
            .values("day")
            .annotate(n=Count("id"))
            .values_list("day", "n")
        )
        return [{"date": day, "generations": per_day.get(day, 0)} for day in days]
