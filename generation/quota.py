"""The daily quota: reserve, commit and refund generations on DailyUsage."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from generation.models import DailyUsage


def usage_day(now: datetime | None = None) -> date:
    """Today's date in USAGE_TIMEZONE: the day a generation is counted on."""
    return (now or timezone.now()).astimezone(ZoneInfo(settings.USAGE_TIMEZONE)).date()


def used_today(user) -> int:
    row = DailyUsage.objects.filter(user=user, day=usage_day()).first()
    return row.used if row else 0


def reset_today(users) -> int:
    """Set today's counter back to zero for ``users``; returns how many counters changed."""
    return DailyUsage.objects.filter(user__in=users, day=usage_day()).exclude(used=0).update(used=0)
