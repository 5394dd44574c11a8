"""The plan catalog: the one place where plans, prices and limits are defined.

Views, templates, quota code and tests read limits from here; Stripe prices are found by
their lookup keys (``pro_monthly``, ``pro_yearly``, ``team_monthly``, ``team_yearly``).
"""

from dataclasses import dataclass
from decimal import Decimal

TRIAL_DAYS = 7
YEARLY_DISCOUNT_PERCENT = 20


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    monthly_price: Decimal
    daily_generations: int | None  # None means unlimited
    max_output_tokens: int
    collaboration: bool
    tagline: str
    features: tuple[str, ...]
    max_team_members: int | None = None  # None means no maximum

    @property
    def is_paid(self) -> bool:
        return self.monthly_price > 0

    @property
    def is_unlimited(self) -> bool:
        return self.daily_generations is None

    @property
    def yearly_price(self) -> Decimal:
        return (self.monthly_price * 12 * (100 - YEARLY_DISCOUNT_PERCENT) / 100).quantize(Decimal("0.01"))

    @property
    def yearly_monthly_equivalent(self) -> Decimal:
        return (self.yearly_price / 12).quantize(Decimal("0.01"))

    def lookup_key(self, interval: str) -> str:
        return f"{self.code}_{interval}ly"

    @property
    def lookup_keys_by_interval(self) -> tuple[tuple[str, str], ...]:
        """(interval, lookup key) pairs, e.g. ("month", "pro_monthly"), for templates."""
        return tuple((interval, self.lookup_key(interval)) for interval in ("month", "year")) if self.is_paid else ()

    @property
    def yearly_saving(self) -> Decimal:
        """What paying yearly saves over twelve monthly payments."""
        return self.monthly_price * 12 - self.yearly_price

    @property
    def lookup_keys(self) -> tuple[str, ...]:
        return (self.lookup_key("month"), self.lookup_key("year")) if self.is_paid else ()


FREE = Plan(
    code="free",
    name="Free",
    monthly_price=Decimal("0"),
    daily_generations=10,
    max_output_tokens=500,
    collaboration=False,
    tagline="Try Inkwell on your own drafts.",
    features=("10 generations a day", "Answers up to 500 tokens", "Personal documents and history"),
)
PRO = Plan(
    code="pro",
    name="Pro",
    monthly_price=Decimal("19"),
    daily_generations=100,
    max_output_tokens=2000,
    collaboration=False,
    tagline="For people who write every day.",
    features=("100 generations a day", "Answers up to 2,000 tokens", "API keys", "7-day free trial"),
)
TEAM = Plan(
    code="team",
    name="Team",
    monthly_price=Decimal("49"),
    daily_generations=None,
    max_output_tokens=2000,
    collaboration=True,
    tagline="One house style for the whole team.",
    features=(
        "Unlimited generations",
        "Shared documents and history",
        "Team brand voice",
        "Roles and invitations",
        "7-day free trial",
    ),
)

PLANS = {plan.code: plan for plan in (FREE, PRO, TEAM)}
PAID_PLANS = tuple(plan for plan in PLANS.values() if plan.is_paid)
PLAN_CHOICES = [(plan.code, plan.name) for plan in PLANS.values()]
DEFAULT_PLAN = FREE.code
# Ordered worst to best: when a customer has several live subscriptions, the best one wins.
PLAN_RANK = {code: rank for rank, code in enumerate(PLANS)}
LOOKUP_KEYS = {key: plan for plan in PAID_PLANS for key in plan.lookup_keys}


def get_plan(code: str) -> Plan:
    """The plan for ``code``; unknown codes fall back to Free rather than granting anything."""
    return PLANS.get(code, FREE)


def plan_for_lookup_key(lookup_key: str) -> Plan | None:
    return LOOKUP_KEYS.get(lookup_key)
