"""Usage numbers for the dashboard, GET /api/usage and a team's usage report, counted in USAGE_TIMEZONE days.

A generation counts when it is ``completed`` (failed ones were refunded), so the numbers
agree with the quota counter for limited plans and still mean something for unlimited ones.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from generation import quota
from generation.models import Generation

TOTALS = {"generations": Count("id"), "input_tokens": Sum("input_tokens"), "output_tokens": Sum("output_tokens")}


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=quota.usage_timezone())


def month_start() -> date:
    """The first day of this month in USAGE_TIMEZONE, the zone the daily quota uses."""
    return quota.usage_day().replace(day=1)


def completed_between(first: date, last: date, **owner):
    """Completed generations from ``first`` to ``last`` (whole days), of ``user=`` or ``team=``."""
    return Generation.objects.filter(
        status=Generation.Status.COMPLETED,
        created_at__gte=day_start(first),
        created_at__lt=day_start(last + timedelta(days=1)),
        **owner,
    )


def totals(rows: dict) -> dict:
    """Aggregated TOTALS with zeros for no rows."""
    return {name: rows[name] or 0 for name in TOTALS}


def daily_counts(user, first: date, last: date) -> list[dict]:
    """``[{"date": day, "generations": n}, ...]`` for every day from first to last, zeros included."""
    per_day = dict(
        completed_between(first, last, user=user)
        .annotate(day=TruncDate("created_at", tzinfo=quota.usage_timezone()))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [{"date": day, "generations": per_day.get(day, 0)} for day in days]


def usage_summary(user) -> dict:
    """The body of GET /api/usage."""
    today = quota.usage_day()
    first = month_start()
    status = quota.usage_status(user, user.plan_info)
    month = totals(completed_between(first, today, user=user).aggregate(**TOTALS))
    used = status.used if status.limit is not None else completed_between(today, today, user=user).count()
    return {
        "plan": user.plan,
        "today": {
            "used": used,
            "limit": status.limit,
            "remaining": status.remaining,
            "reset_at": status.reset_at.isoformat(),
        },
        "month": {"start": first.isoformat(), **month},
        "daily": [
            {"date": row["date"].isoformat(), "generations": row["generations"]}
            for row in daily_counts(user, first, today)
        ],
    }


def team_usage_this_month(team) -> list[dict]:
    """Completed generations and tokens per person in the team's workspace this month: members
    first (in joining order), then former members who generated there this month."""
    rows = completed_between(month_start(), quota.usage_day(), team=team).values("user").annotate(**TOTALS)
    usage = {row["user"]: totals(row) for row in rows}
    nothing = totals(dict.fromkeys(TOTALS))
    report = [
        {"user": member.user, "current": True, **usage.pop(member.user_id, nothing)}
        for member in team.memberships.select_related("user")
    ]
    former = get_user_model().objects.filter(pk__in=list(usage)).order_by("email") if usage else []
    report += [{"user": user, "current": False, **usage[user.pk]} for user in former]
    return report


CHART_WIDTH, CHART_HEIGHT, CHART_GAP = 600, 160, 4


def chart_bars(rows: list[dict], value: str = "generations", label=str) -> dict:
    """Bar geometry for a server-drawn SVG chart (templates/generation/_bar_chart.html): one bar per
    row (a day), as tall as its ``value``; ``label`` writes a value for the bar's tooltip."""
    peak = max((row[value] for row in rows), default=0)
    slot = CHART_WIDTH / max(len(rows), 1)
    bars = []
    for index, row in enumerate(rows):
        height = round(CHART_HEIGHT * row[value] / peak, 1) if peak else 0
        bars.append(
            {
                "x": round(index * slot + CHART_GAP / 2, 1),
                "y": round(CHART_HEIGHT - height, 1),
                "width": round(slot - CHART_GAP, 1),
                "height": height,
                "label": label(row[value]),
                **row,
            }
        )
    return {
        "bars": bars,
        "peak": peak,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "total": sum(row[value] for row in rows),
    }
