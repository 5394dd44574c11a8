"""manage.py sync_plans re-reads subscriptions from Stripe and fixes plans; in production the
Procfile's scheduler process runs it every hour, so a missed or failed webhook cannot leave a plan
wrong for longer than that."""

import io
import shlex
from pathlib import Path

import pytest
import stripe
from django.conf import settings
from django.core.management import CommandError, call_command

from billing.management.commands import sync_plans

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def drifted(fake, customer, post_event, user, user_factory):
    """Stripe says pro, but a webhook was missed: the user is still free. Another user drifted the other way."""
    fake.create_subscription(customer.id, "pro_monthly")
    user_factory(email="staff-comped@example.com", plan="team")  # no Stripe customer: left alone
    return user


def test_sync_plans_fixes_a_plan_that_drifted(drifted):
    out = run("sync_plans")

    assert f"{drifted.email}: free -> pro" in out
    drifted.refresh_from_db()
    assert drifted.plan == "pro"
    assert "staff-comped" not in out
    assert run("sync_plans").count("->") == 0


def test_sync_plans_downgrades_a_user_whose_subscription_ended(fake, customer, post_event, user):
    created = fake.create_subscription(customer.id, "team_monthly")
    post_event(created)
    fake.cancel_subscription(created["data"]["object"]["id"])  # the webhook never arrives

    assert f"{user.email}: team -> free" in run("sync_plans")
    user.refresh_from_db()
    assert user.plan == "free"


def test_sync_plans_dry_run_prints_the_change_and_changes_nothing(drifted):
    out = run("sync_plans", "--dry-run")

    assert f"{drifted.email}: free -> pro" in out and "nothing changed" in out
    drifted.refresh_from_db()
    assert drifted.plan == "free"


def unreachable(**params):
    raise stripe.APIConnectionError("Could not connect to Stripe")


class Stopped(Exception):
    """Ends the scheduler's loop in a test, where a platform would stop the process."""


def scheduler_command():
    """The Procfile's scheduler process: the manage.py arguments it runs."""
    procfile = (Path(settings.BASE_DIR) / "Procfile").read_text()
    [line] = [line for line in procfile.splitlines() if line.startswith("scheduler:")]
    command = shlex.split(line.removeprefix("scheduler:"))
    assert command[:2] == ["python", "manage.py"]
    return command[2:]


@pytest.mark.django_db(transaction=True)
def test_the_procfile_scheduler_corrects_a_missed_webhook_on_its_next_round(
    fake, customer, post_event, user, monkeypatch
):
    assert scheduler_command() == ["sync_plans", "--every", "3600"]
    created = fake.create_subscription(customer.id, "team_monthly")
    post_event(created)
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        if len(waits) == 1:
            fake.cancel_subscription(created["data"]["object"]["id"])  # its webhook is lost
        elif len(waits) == 2:
            monkeypatch.setattr(stripe.Subscription, "list", unreachable)  # for the third round
        else:
            raise Stopped

    monkeypatch.setattr(sync_plans.time, "sleep", sleep)
    out = io.StringIO()

    with pytest.raises(Stopped):
        call_command(*scheduler_command(), stdout=out, stderr=out)

    assert waits == [3600, 3600, 3600]
    rounds = out.getvalue()
    assert rounds.count("users with a Stripe customer checked") == 3
    assert f"{user.email}: team -> free" in rounds
    assert "could not be checked; run sync_plans again" in rounds  # the failed round is reported, the loop goes on
    user.refresh_from_db()
    assert user.plan == "free"


def test_a_failed_single_run_exits_with_an_error(fake, customer, monkeypatch):
    monkeypatch.setattr(stripe.Subscription, "list", unreachable)

    with pytest.raises(CommandError, match="1 users could not be checked"):
        run("sync_plans")
