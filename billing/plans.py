"""The plan catalog: the one place where plans, prices, limits and plan features are defined.

Every other module reads limits from here: the quota (``daily_generations``), the model call
(``max_output_tokens``), teams (``collaboration``, ``max_team_members``), documents (``max_documents``,
``max_document_chars``), API keys (``api_keys``) and the pages (``features``,
which are worded from those numbers, so a changed limit changes what the pricing page says).
Stripe prices are found by their lookup keys (``pro_monthly``, ``pro_yearly``, ``team_monthly``,
``team_yearly``). This module imports nothing from the apps: everyone may use it
(docs/architecture.md, "The arrow").
"""

from dataclasses import dataclass
from decimal import Decimal

TRIAL_DAYS = 7
YEARLY_DISCOUNT_PERCENT = 20
INTERVALS = ("month", "year")
WORDS_PER_TOKEN = 0.75  # English prose, roughly; answer lengths are sold in words


@dataclass(frozen=True)
class Plan:
    code: str
    name: str
    monthly_price: Decimal
    daily_generations: int | None  # None means unlimited
    max_output_tokens: int
    collaboration: bool  # a team whose owner is on this plan is a shared, writable workspace
    api_keys: bool  # the account page offers API keys
    tagline: str
    max_documents: int  # per workspace: the personal one, or a team's (under the team's plan)
    max_document_chars: int  # one document's text
    max_team_members: int | None = None  # members plus pending invitations; None means no maximum
    highlight: str = ""  # a badge on the pricing page, e.g. "Most popular"

    @property
    def is_paid(self) -> bool:
        return self.monthly_price > 0

    @property
    def is_unlimited(self) -> bool:
        return self.daily_generations is None

    @property
    def max_answer_words(self) -> int:
        """The answer length in words a customer understands: about 0.75 English words per token,
        rounded down to a multiple of 25 so it never promises more than the model may write."""
        return int(self.max_output_tokens * WORDS_PER_TOKEN) // 25 * 25

    @property
    def generations_label(self) -> str:
        """The daily limit in words: "10 generations a day" or "Unlimited generations"."""
        if self.is_unlimited:
            return "Unlimited generations"
        return f"{self.daily_generations:,} generations a day"

    @property
    def features(self) -> tuple[str, ...]:
        """What the plan includes, worded from its numbers and flags (the pricing page lists these)."""
        features = [self.generations_label, f"Answers of up to about {self.max_answer_words:,} words"]
        if self.collaboration:
            features += ["Shared documents and history", "Team brand voice"]
            if self.max_team_members is not None:
                features.append(f"Up to {self.max_team_members} people, with roles and invitations")
            else:
                features.append("Roles and invitations")
        else:
            features.append("Personal documents and history")
        features.append(f"Up to {self.max_documents:,} documents of {self.max_document_chars:,} characters")
        if self.api_keys:
            features.append("API keys")
        if self.is_paid:
            features.append(f"{TRIAL_DAYS}-day free trial")
        return tuple(features)

    @property
    def yearly_price(self) -> Decimal:
        return (self.monthly_price * 12 * (100 - YEARLY_DISCOUNT_PERCENT) / 100).quantize(Decimal("0.01"))

    @property
    def yearly_monthly_equivalent(self) -> Decimal:
        return (self.yearly_price / 12).quantize(Decimal("0.01"))

    @property
    def yearly_saving(self) -> Decimal:
        """What paying yearly saves over twelve monthly payments."""
        return self.monthly_price * 12 - self.yearly_price

    def lookup_key(self, interval: str) -> str:
        return f"{self.code}_{interval}ly"

    @property
    def lookup_keys_by_interval(self) -> tuple[tuple[str, str], ...]:
        """(interval, lookup key) pairs, e.g. ("month", "pro_monthly"), for templates."""
        return tuple((interval, self.lookup_key(interval)) for interval in INTERVALS) if self.is_paid else ()

    @property
    def lookup_keys(self) -> tuple[str, ...]:
        return tuple(key for _, key in self.lookup_keys_by_interval)

    @property
    def monthly_lookup_key(self) -> str:
        return self.lookup_key("month")

    @property
    def yearly_lookup_key(self) -> str:
        return self.lookup_key("year")


FREE = Plan(
    code="free",
    name="Free",
    monthly_price=Decimal("0"),
    daily_generations=10,
    max_output_tokens=500,
    collaboration=False,
    api_keys=False,
    tagline="Try Inkwell on your own drafts.",
    max_documents=50,
    max_document_chars=50_000,
)
PRO = Plan(
    code="pro",
    name="Pro",
    monthly_price=Decimal("19"),
    daily_generations=100,
    max_output_tokens=2000,
    collaboration=False,
    api_keys=True,
    tagline="For people who write every day.",
    max_documents=1_000,
    max_document_chars=200_000,
    highlight="Most popular",
)
TEAM = Plan(
    code="team",
    name="Team",
    monthly_price=Decimal("49"),
    daily_generations=None,
    max_output_tokens=2000,
    collaboration=True,
    api_keys=True,
    tagline="One house style for the whole team.",
    max_documents=5_000,
    max_document_chars=200_000,
    max_team_members=10,
)

# Invitation emails go out on a customer's behalf to addresses they type, with the team's name in them;
# these caps keep teams from being used to spam (accounts/invitations.py). Every email counts, the first
# and each resend, and deleting a team does not give its emails back.
INVITATION_RESEND_MINUTES = 10  # between two emails of one invitation
INVITATION_EMAILS_PER_ADDRESS_PER_DAY = 3  # to one address, from every team
INVITATION_EMAILS_PER_INVITER_PER_HOUR = 20  # from one person, across all their teams
INVITATION_EMAILS_PER_INVITER_PER_DAY = 50
INVITATION_EMAILS_PER_TEAM_PER_DAY = 50

# Ordered worst to best: when a customer has several live subscriptions, the best one wins.
PLANS = {plan.code: plan for plan in (FREE, PRO, TEAM)}
PAID_PLANS = tuple(plan for plan in PLANS.values() if plan.is_paid)
PLAN_CHOICES = [(plan.code, plan.name) for plan in PLANS.values()]
DEFAULT_PLAN = FREE.code
PLAN_RANK = {code: rank for rank, code in enumerate(PLANS)}
LOOKUP_KEYS = {key: plan for plan in PAID_PLANS for key in plan.lookup_keys}
# The plan a team needs to be a shared, writable workspace: the cheapest one with collaboration.
COLLABORATION_PLAN = min((plan for plan in PAID_PLANS if plan.collaboration), key=lambda plan: plan.monthly_price)
# The cheapest plan that includes API keys, named when a Free user is refused one.
API_KEYS_PLAN = min((plan for plan in PAID_PLANS if plan.api_keys), key=lambda plan: plan.monthly_price)


def get_plan(code: str) -> Plan:
    """The plan for ``code``; unknown codes fall back to Free rather than granting anything."""
    return PLANS.get(code, FREE)


def plan_for_lookup_key(lookup_key: str) -> Plan | None:
    return LOOKUP_KEYS.get(lookup_key)


def upgrade_for(plan: Plan) -> Plan | None:
    """The plan offered to someone on ``plan`` who wants more: the next one up the catalog (None at the top)."""
    codes = list(PLANS)
    rank = codes.index(plan.code)
    return PLANS[codes[rank + 1]] if rank + 1 < len(codes) else None
