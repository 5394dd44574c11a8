"""Sign-in codes to one address are capped per minute, per hour and per day (config/settings.py
ACCOUNT_RATE_LIMITS), so nobody can make /login/ send thousands of emails a day to a victim."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.tests.conftest import request_code


def codes_sent(email, times, start):
    """Ask for a code for ``email`` at each of ``times`` (offsets from ``start``), each from a new browser."""
    before = len(mail.outbox)
    for offset in times:
        with time_machine.travel(start + offset, tick=False):
            request_code(Client(), email)
    return len(mail.outbox) - before


def test_an_address_gets_at_most_ten_codes_an_hour(user):
    start = timezone.now()
    every_five_minutes_for_an_hour = [timedelta(minutes=5 * n) for n in range(12)]

    sent = codes_sent(user.email, every_five_minutes_for_an_hour, start)
    later = codes_sent(user.email, [timedelta(minutes=61)], start + timedelta(minutes=55))

    assert sent == 10
    assert later == 1


def test_an_address_gets_at_most_twenty_codes_a_day_known_or_not(user):
    start = timezone.now()
    hourly = [timedelta(hours=n) for n in range(24)]

    assert codes_sent(user.email, hourly, start) == 20
    assert codes_sent("nobody@example.com", hourly, start) == 20
    assert codes_sent(user.email, [timedelta(days=1, hours=1)], start) == 1
