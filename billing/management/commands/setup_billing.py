import stripe
from django.core.management.base import BaseCommand, CommandError

from billing import stripe_api
from billing.stripe_catalog import ensure_portal_configuration, ensure_prices, ensure_products, ensure_webhook_endpoint


class Command(BaseCommand):
    help = (
        "Make Stripe match the plan catalog: the products and the four prices by lookup key at the "
        "catalog's amounts (replacing prices or reactivating products archived in the Dashboard), the "
        "Customer Portal's configuration when the account has no default one, and the local webhook "
        "endpoint row with STRIPE_WEBHOOK_SECRET. Prints what it found, created or changed. Safe to run again."
    )

    def handle(self, *args, **options):
        if not stripe_api.is_configured():
            raise CommandError("Billing is not configured: set STRIPE_SECRET_KEY (sk_test_... for test mode).")
        try:
            ensure_products(self.stdout.write)
            ensure_prices(self.stdout.write)
            ensure_portal_configuration(self.stdout.write)
        except stripe.StripeError as error:
            raise CommandError(f"Stripe refused: {error.user_message or error}") from error
        endpoint = ensure_webhook_endpoint(self.stdout.write)
        if endpoint:
            self.stdout.write(
                f"Send Stripe webhooks to {endpoint.url}\n  locally: stripe listen --forward-to {endpoint.url}"
            )
