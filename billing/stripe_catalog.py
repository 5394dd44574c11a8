"""The plan catalog's side in Stripe: one product per paid plan, four prices by lookup key, the
Customer Portal's configuration, and the local dj-stripe webhook endpoint row that verifies webhook
signatures. Each ``ensure_*`` makes Stripe match the catalog and reports what it found or changed,
including what was changed by hand in the Stripe Dashboard (archived prices and products)."""

from decimal import Decimal

import stripe
from django.conf import settings
from django.urls import reverse
from djstripe.enums import WebhookEndpointStatus
from djstripe.models import Price, Product, WebhookEndpoint
from djstripe.settings import djstripe_settings

from billing.plans import PAID_PLANS
from billing.stripe_api import PORTAL_METADATA, api_options, portal_configurations

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
    """Each paid plan has an active product; one archived in the Dashboard is reactivated."""
    for plan in PAID_PLANS:
        try:
            product = stripe.Product.retrieve(product_id(plan), **api_options())
        except stripe.InvalidRequestError as error:
            if getattr(error, "code", None) != "resource_missing":
                raise
            product = stripe.Product.create(
                id=product_id(plan), name=f"Inkwell {plan.name}", metadata={"inkwell_plan": plan.code}, **api_options()
            )
            report(f"created product {product.id} ({product.name})")
        else:
            if product.active:
                report(f"found product {product.id} ({product.name})")
            else:
                # Checkout refuses every price of an archived product, whether or not the price is active.
                product = stripe.Product.modify(product.id, active=True, **api_options())
                report(f"reactivated product {product.id} ({product.name}): it had been archived")
        Product.sync_from_stripe_data(product, api_key=settings.STRIPE_SECRET_KEY)


def describe_price(price) -> str:
    state = "" if price.active else ", archived"
    return f"{price.id}, {price.unit_amount / 100:.2f} {price.currency.upper()}/{price.recurring.interval}{state}"


def ensure_prices(report) -> None:
    """Each lookup key points at an active price with the catalog's amount, interval and product.

    Stripe prices are immutable and a lookup key stays with its price even when that price is
    archived, so a price that was archived or no longer matches the catalog is replaced: the new
    price takes the key with ``transfer_lookup_key``. Existing subscribers keep the price they have.
    """
    keys = [key for _plan, _interval, key, _amount in catalog_prices()]
    # Archived prices too: they still hold their lookup keys.
    holders = {
        price.lookup_key: price
        for price in stripe.Price.list(lookup_keys=keys, limit=100, **api_options()).auto_paging_iter()
    }
    for plan, interval, key, amount in catalog_prices():
        holder = holders.get(key)
        matches = (
            holder is not None
            and holder.active
            and holder.unit_amount == amount
            and holder.currency == CURRENCY
            and holder.recurring.interval == interval
            and (holder.product if isinstance(holder.product, str) else holder.product.id) == product_id(plan)
        )
        if matches:
            report(f"found price {key} ({describe_price(holder)})")
            Price.sync_from_stripe_data(holder, api_key=settings.STRIPE_SECRET_KEY)
            continue
        price = stripe.Price.create(
            product=product_id(plan),
            unit_amount=amount,
            currency=CURRENCY,
            recurring={"interval": interval},
            lookup_key=key,
            transfer_lookup_key=holder is not None,
            metadata={"inkwell_plan": plan.code},
            **api_options(),
        )
        Price.sync_from_stripe_data(price, api_key=settings.STRIPE_SECRET_KEY)
        if holder is None:
            report(f"created price {key} ({describe_price(price)})")
        else:
            report(f"replaced price {key} ({describe_price(holder)}) with {describe_price(price)}")
            # The old price no longer has the key: the mirror must not find it by that key either.
            old = stripe.Price.retrieve(holder.id, **api_options())
            Price.sync_from_stripe_data(old, api_key=settings.STRIPE_SECRET_KEY)


def portal_features() -> dict:
    """What customers may do in the Portal: update their card and details, see invoices, cancel at
    the end of the period they paid for, and switch among the catalog's four prices."""
    prices = Price.objects.filter(active=True, livemode=settings.STRIPE_LIVE_MODE)
    price_ids = {key: prices.get(lookup_key=key).id for _plan, _interval, key, _amount in catalog_prices()}
    return {
        "payment_method_update": {"enabled": True},
        "invoice_history": {"enabled": True},
        "customer_update": {"enabled": True, "allowed_updates": ["name", "address", "tax_id"]},
        "subscription_cancel": {"enabled": True, "mode": "at_period_end", "proration_behavior": "none"},
        "subscription_update": {
            "enabled": True,
            "default_allowed_updates": ["price"],
            "proration_behavior": "create_prorations",
            "products": [
                {"product": product_id(plan), "prices": [price_ids[key] for key in plan.lookup_keys]}
                for plan in PAID_PLANS
            ],
        },
    }


def switchable_prices(configuration) -> set[str]:
    update = configuration.features.subscription_update
    return {price for product in (update.products or []) for price in product.prices}


def ensure_portal_configuration(report) -> None:
    """The Customer Portal can open: the account's default configuration (saved in the Dashboard)
    is left as it is; without one, Inkwell's own configuration is created, or kept up to date with
    the current prices (a replaced price must be offered for switching instead of the old one)."""
    default, ours = portal_configurations()
    if default is not None:
        report(f"found the Customer Portal's default configuration {default.id} (saved in the Dashboard)")
        return
    features = portal_features()
    wanted = {price for product in features["subscription_update"]["products"] for price in product["prices"]}
    summary = "card update, invoice history, cancel at period end, switching among the four prices"
    if ours is None:
        ours = stripe.billing_portal.Configuration.create(features=features, metadata=PORTAL_METADATA, **api_options())
        report(f"created Customer Portal configuration {ours.id} ({summary})")
    elif switchable_prices(ours) != wanted or not ours.features.subscription_cancel.enabled:
        stripe.billing_portal.Configuration.modify(ours.id, features=features, **api_options())
        report(f"updated Customer Portal configuration {ours.id} ({summary})")
    else:
        report(f"found Customer Portal configuration {ours.id} ({summary})")


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
