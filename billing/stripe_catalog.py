"""The plan catalog's side in Stripe: one product per paid plan, four prices by lookup key, and
the local dj-stripe webhook endpoint row that verifies webhook signatures."""

from decimal import Decimal

import stripe
from django.conf import settings
from django.urls import reverse
from djstripe.enums import WebhookEndpointStatus
from djstripe.models import Price, Product, WebhookEndpoint
from djstripe.settings import djstripe_settings

from billing.plans import PAID_PLANS
from billing.stripe_api import api_options

CURRENCY = "usd"
# The local endpoint row has a fixed id so setup_billing finds it again; its uuid is in the URL.
LOCAL_WEBHOOK_ENDPOINT_ID = "we_inkwell_local"


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def catalog_prices():
    """(plan, interval, lookup key, amount in cents) for every price the catalog needs."""
    for plan in PAID_PLANS:
        yield plan, "month", plan.lookup_key("month"), cents(plan.monthly_price)
        yield plan, "year", plan.lookup_key("year"), cents(plan.yearly_price)


def product_id(plan) -> str:
    return f"inkwell_{plan.code}"


def ensure_products(report) -> None:
    for plan in PAID_PLANS:
        try:
            product = stripe.Product.retrieve(product_id(plan), **api_options())
            report(f"found product {product.id} ({product.name})")
        except stripe.InvalidRequestError as error:
            if getattr(error, "code", None) != "resource_missing":
                raise
            product = stripe.Product.create(
                id=product_id(plan), name=f"Inkwell {plan.name}", metadata={"inkwell_plan": plan.code}, **api_options()
            )
            report(f"created product {product.id} ({product.name})")
        Product.sync_from_stripe_data(product, api_key=settings.STRIPE_SECRET_KEY)


def ensure_prices(report) -> None:
    """Each lookup key points at an active price with the catalog's amount and interval.

    When the catalog's amount changed, a new price takes over the lookup key (Stripe prices are
    immutable); existing subscribers keep the price they signed up for.
    """
    keys = [key for _plan, _interval, key, _amount in catalog_prices()]
    existing = {
        price.lookup_key: price
        for price in stripe.Price.list(lookup_keys=keys, active=True, limit=100, **api_options()).auto_paging_iter()
    }
    for plan, interval, key, amount in catalog_prices():
        price = existing.get(key)
        matches = (
            price is not None
            and price.unit_amount == amount
            and price.currency == CURRENCY
            and price.recurring.interval == interval
            and (price.product if isinstance(price.product, str) else price.product.id) == product_id(plan)
        )
        if matches:
            report(f"found price {key} ({price.id}, {amount / 100:.2f} {CURRENCY.upper()}/{interval})")
        else:
            price = stripe.Price.create(
                product=product_id(plan),
                unit_amount=amount,
                currency=CURRENCY,
                recurring={"interval": interval},
                lookup_key=key,
                transfer_lookup_key=existing.get(key) is not None,
                metadata={"inkwell_plan": plan.code},
                **api_options(),
            )
            verb = "replaced" if existing.get(key) is not None else "created"
            report(f"{verb} price {key} ({price.id}, {amount / 100:.2f} {CURRENCY.upper()}/{interval})")
        Price.sync_from_stripe_data(price, api_key=settings.STRIPE_SECRET_KEY)


def webhook_url(endpoint: WebhookEndpoint) -> str:
    path = reverse("djstripe:djstripe_webhook_by_uuid", kwargs={"uuid": endpoint.djstripe_uuid})
    return f"{settings.SITE_URL}{path}"


def ensure_webhook_endpoint(report) -> WebhookEndpoint | None:
    """The local endpoint row dj-stripe verifies signatures with, holding STRIPE_WEBHOOK_SECRET."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        report("skipped the webhook endpoint: set STRIPE_WEBHOOK_SECRET (whsec_...) and run setup_billing again")
        return None
    endpoint, created = WebhookEndpoint.objects.get_or_create(
        id=LOCAL_WEBHOOK_ENDPOINT_ID,
        defaults={
            "secret": secret,
            "livemode": settings.STRIPE_LIVE_MODE,
            "api_version": djstripe_settings.STRIPE_API_VERSION,
            "enabled_events": ["*"],
            "status": WebhookEndpointStatus.enabled,
            "url": settings.SITE_URL,
        },
    )
    endpoint.url = webhook_url(endpoint)
    if created:
        endpoint.save(update_fields=["url"])
        report(f"created webhook endpoint {endpoint.url}")
    elif endpoint.secret != secret or endpoint.livemode != settings.STRIPE_LIVE_MODE:
        endpoint.secret, endpoint.livemode = secret, settings.STRIPE_LIVE_MODE
        endpoint.save(update_fields=["secret", "livemode", "url"])
        report(f"updated webhook endpoint {endpoint.url} (new signing secret)")
    else:
        endpoint.save(update_fields=["url"])
        report(f"found webhook endpoint {endpoint.url}")
    return endpoint
