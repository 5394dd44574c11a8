"""Usage numbers for the dashboard and GET /api/usage, counted in USAGE_TIMEZONE days.

A generation counts when it is ``completed`` (failed ones were refunded), so the numbers
agree with the quota counter for limited plans and still mean something for unlimited ones.
"""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from generation import quota
from generation.models import Generation


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=quota.usage_timezone())


def completed_between(user, first: date, last: date):
    return Generation.objects.filter(
        user=user,
        status=Generation.Status.COMPLETED,
        created_at__gte=day_start(first),
        created_at__lt=day_start(last + timedelta(days=1)),
    )


def daily_counts(user, first: date, last: date) -> list[dict]:
    """``[{"date": day, "generations": n}, ...]`` for every day from first to last, zeros included."""
    per_day = dict(
        completed_between(user, first, last)
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
    month_start = today.replace(day=1)
    status = quota.usage_status(user, user.plan_info)
    month = completed_between(user, month_start, today).aggregate(
        generations=Count("id"), input_tokens=Sum("input_tokens"), output_tokens=Sum("output_tokens")
    )
    used = status.used if status.limit is not None else completed_between(user, today, today).count()
    return {
        "plan": user.plan,
        "today": {
            "used": used,
            "limit": status.limit,
            "remaining": status.remaining,
            "reset_at": status.reset_at.isoformat(),
        },
        "month": {
            "start": month_start.isoformat(),
            "generations": month["generations"],
            "input_tokens": month["input_tokens"] or 0,
            "output_tokens": month["output_tokens"] or 0,
        },
        "daily": [
            {"date": row["date"].isoformat(), "generations": row["generations"]}
            for row in daily_counts(user, month_start, today)
        ],
    }


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
