import time
from collections import defaultdict

import stripe
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from djstripe.models import Customer, Subscription

from billing import stripe_api
from billing.subscriptions import SUBSCRIPTION_EXPAND, plan_for_subscriptions, sync_user_plan


class Command(BaseCommand):
    help = (
        "Re-read every customer's subscriptions from Stripe and fix each user's plan; prints "
        "'email: old -> new' per change. Users with no Stripe customer (plans set by staff) are left alone. "
        "With --every SECONDS it keeps running and checks again at that interval (the Procfile's scheduler "
        "process), so a missed or failed webhook cannot leave a plan wrong for longer than that."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the changes without making them.")
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Keep running, checking again every SECONDS; a round that fails is reported and the next one runs.",
        )

    def handle(self, *args, dry_run=False, every=None, **options):
        if not stripe_api.is_configured():
            raise CommandError("Billing is not configured: set STRIPE_SECRET_KEY.")
        if every is None:
            return self.sync(dry_run)
        if every < 1:
            raise CommandError("--every needs a number of seconds of at least 1.")
        while True:
            try:
                self.sync(dry_run)
            except CommandError as error:
                self.stderr.write(str(error))
            # Hold no database connection while waiting for the next round.
            connections.close_all()
            time.sleep(every)

    def sync(self, dry_run):
        customers_by_user = defaultdict(list)
        customers = Customer.objects.filter(subscriber__isnull=False, livemode=settings.STRIPE_LIVE_MODE)
        for customer in customers.select_related("subscriber").order_by("subscriber__email"):
            customers_by_user[customer.subscriber].append(customer)

        changed = failed = 0
        for user, user_customers in customers_by_user.items():
            try:
                subscriptions = [
                    subscription
                    for customer in user_customers
                    for subscription in stripe.Subscription.list(
                        customer=customer.id,
                        status="all",
                        limit=100,
                        expand=[f"data.{path}" for path in SUBSCRIPTION_EXPAND],
                        **stripe_api.api_options(),
                    ).auto_paging_iter()
                ]
            except stripe.StripeError as error:
                failed += 1
                self.stderr.write(f"{user.email}: could not read subscriptions from Stripe ({error})")
                continue
            if dry_run:
                old, new = user.plan, plan_for_subscriptions(stripe_api.as_dict(s) for s in subscriptions)
            else:
                for subscription in subscriptions:
                    Subscription.sync_from_stripe_data(subscription, api_key=settings.STRIPE_SECRET_KEY)
                old, new = sync_user_plan(user.pk, cause="manage.py sync_plans")
            if old != new:
                changed += 1
                self.stdout.write(f"{user.email}: {old} -> {new}")

        summary = f"{len(customers_by_user)} users with a Stripe customer checked, {changed} plans changed"
        if dry_run:
            summary = f"{len(customers_by_user)} users checked, {changed} plans would change (dry run: nothing changed)"
        self.stdout.write(summary)
        if failed:
            raise CommandError(f"{failed} users could not be checked; run sync_plans again.")
