"""The calls Inkwell makes to Stripe: customers, prices by lookup key, Checkout and the Portal.

Every call passes the API key and version explicitly: dj-stripe freezes some defaults at import
time, before tests or settings overrides apply.
"""

import contextlib
import logging
import secrets
import time

import stripe
from django.conf import settings
from django.core.cache import cache
from djstripe.models import Customer, Price
from djstripe.settings import djstripe_settings

from billing.plans import TRIAL_DAYS
from billing.subscriptions import GRANTING_STATUSES, customers_of

logger = logging.getLogger(__name__)


class BillingNotConfigured(Exception):
    pass


class UnknownPrice(Exception):
    pass


class AlreadySubscribed(Exception):
    """Stripe already has a subscription that grants a plan (its webhook may not have landed yet)."""


class CheckoutBusy(Exception):
    """Another checkout of the same user is still talking to Stripe."""


class PortalNotSetUp(Exception):
    """The Stripe account has no Customer Portal configuration to open (run manage.py setup_billing)."""


# Failures that pass: Stripe unreachable, overloaded or rate limiting. Any other StripeError means
# Stripe refused the request as this site made it (set-up, keys, an archived price): retrying won't help.
PASSING_ERRORS = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)
# Marks the Customer Portal configuration setup_billing creates, so it is found again.
PORTAL_METADATA = {"inkwell": "customer_portal"}


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def api_options() -> dict:
    if not is_configured():
        raise BillingNotConfigured("STRIPE_SECRET_KEY is not set.")
    return {"api_key": settings.STRIPE_SECRET_KEY, "stripe_version": djstripe_settings.STRIPE_API_VERSION}


def as_dict(stripe_object) -> dict:
    return stripe_object.to_dict(recursive=True)


def price_for_lookup_key(lookup_key: str) -> Price:
    """The active price with ``lookup_key``: from the mirror, else from Stripe (then mirrored)."""
    price = Price.objects.filter(lookup_key=lookup_key, active=True, livemode=settings.STRIPE_LIVE_MODE).first()
    if price:
        return price
    found = stripe.Price.list(lookup_keys=[lookup_key], active=True, limit=1, **api_options())
    if not found.data:
        raise UnknownPrice(f"No active Stripe price has the lookup key {lookup_key!r}. Run manage.py setup_billing.")
    return Price.sync_from_stripe_data(found.data[0], api_key=settings.STRIPE_SECRET_KEY)


# A checkout talks to Stripe for a second or two; a lease outlives any healthy one.
CHECKOUT_LEASE_SECONDS = 30
CHECKOUT_WAIT_SECONDS = 10


@contextlib.contextmanager
def one_checkout_at_a_time(user):
    """Run the block while no other checkout of ``user`` runs; CheckoutBusy if one holds on too long.

    A lease in Django's cache, not a database lock: nothing holds a database connection or a row
    lock while Stripe answers. ``cache.add`` is atomic, in Redis across every process (REDIS_URL,
    as production runs) and in local memory within one process. The lease expires by itself, so
    a crashed worker cannot block a user for more than CHECKOUT_LEASE_SECONDS.
    """
    key, token = f"billing-checkout:{user.pk}", secrets.token_hex(8)
    deadline = time.monotonic() + CHECKOUT_WAIT_SECONDS
    while not cache.add(key, token, timeout=CHECKOUT_LEASE_SECONDS):
        if time.monotonic() > deadline:
            raise CheckoutBusy(user.pk)
        time.sleep(0.1)
    try:
        yield
    finally:
        if cache.get(key) == token:  # not a later holder's lease, should ours have run out
            cache.delete(key)


def customer_for(user) -> Customer:
    """The user's Stripe customer, created on first use and linked through dj-stripe's subscriber.

    Callers that may race (checkout) hold ``one_checkout_at_a_time``; dj-stripe also sends an
    idempotency key per user, so even two racing creations give Stripe one customer.
    """
    customer, _created = Customer.get_or_create(
        subscriber=user, livemode=settings.STRIPE_LIVE_MODE, api_key=api_options()["api_key"]
    )
    return customer


def had_trial(customer: Customer) -> bool:
    """Whether this customer already had a subscription (a free trial is offered once)."""
    return customer.subscriptions.exists()


def expire_open_checkouts(customer: Customer) -> None:
    """Expire the customer's open Checkout sessions, so that at most one can still be paid."""
    sessions = stripe.checkout.Session.list(customer=customer.id, status="open", limit=100, **api_options())
    for session in sessions.auto_paging_iter():
        # Completed or expired since it was listed: it cannot be paid again either way.
        with contextlib.suppress(stripe.InvalidRequestError):
            stripe.checkout.Session.expire(session.id, **api_options())


def create_checkout_session(user, lookup_key: str, success_url: str, cancel_url: str) -> str:
    """A Checkout session for a subscription to ``lookup_key``; returns its hosted URL.

    One payable Checkout per customer: a double submit or a second tab must not end in two
    subscriptions with two trials. ``one_checkout_at_a_time`` makes two simultaneous checkouts
    queue, so the later one sees and expires the earlier one's session.
    """
    price = price_for_lookup_key(lookup_key)
    with one_checkout_at_a_time(user):
        # Saved as soon as Stripe answers: a Stripe error below must not drop the row of a customer Stripe keeps.
        customer = customer_for(user)
        # Ask Stripe, not the mirror: a Checkout paid a moment ago has a subscription before its webhook lands.
        subscriptions = stripe.Subscription.list(customer=customer.id, status="all", limit=100, **api_options()).data
        if any(subscription.status in GRANTING_STATUSES for subscription in subscriptions):
            raise AlreadySubscribed(customer.id)
        expire_open_checkouts(customer)
        subscription_data = {"metadata": {"user_id": str(user.pk), "lookup_key": lookup_key}}
        if not subscriptions and not had_trial(customer):
            subscription_data["trial_period_days"] = TRIAL_DAYS
        session = stripe.checkout.Session.create(
            mode="subscription",
            customer=customer.id,
            client_reference_id=str(user.pk),
            line_items=[{"price": price.id, "quantity": 1}],
            subscription_data=subscription_data,
            allow_promotion_codes=True,
            tax_id_collection={"enabled": True},
            # Stripe requires these when collecting tax ids for an existing customer.
            customer_update={"name": "auto", "address": "auto"},
            success_url=success_url,
            cancel_url=cancel_url,
            **api_options(),
        )
    return session.url


def portal_configurations():
    """(the account's default Portal configuration, the one setup_billing created), each or both None."""
    configurations = stripe.billing_portal.Configuration.list(active=True, limit=100, **api_options())
    default = ours = None
    for configuration in configurations.auto_paging_iter():
        if configuration.is_default:
            default = configuration
        elif (configuration.metadata or {}).get("inkwell") == PORTAL_METADATA["inkwell"]:
            ours = configuration
    return default, ours


def create_portal_session(customer: Customer, return_url: str) -> str:
    """A Customer Portal session; its URL.

    Stripe refuses a session without a configuration until the account's default one is saved in
    the Dashboard, so without a default the session names the configuration setup_billing created.
    """
    default, ours = portal_configurations()
    if default is None and ours is None:
        raise PortalNotSetUp("The Stripe account has no Customer Portal configuration: run manage.py setup_billing.")
    configuration = {} if default is not None else {"configuration": ours.id}
    session = stripe.billing_portal.Session.create(
        customer=customer.id, return_url=return_url, **configuration, **api_options()
    )
    return session.url


# Subscriptions Stripe has already ended: nothing to cancel.
ENDED_STATUSES = frozenset({"canceled", "incomplete_expired"})


def cancel_subscriptions_now(user) -> list[str]:
    """Cancel every subscription of the user's Stripe customers at once (no refund, no further
    invoice); returns the ids canceled. Stripe is asked, not the mirror, so a subscription whose
    webhook has not landed yet is canceled too. Idempotent: ended ones are skipped.

    Run outside a transaction: nothing holds a database connection's lock while Stripe answers.
    """
    if not is_configured():
        return []
    canceled = []
    for customer_id in customers_of(user).values_list("id", flat=True):
        subscriptions = stripe.Subscription.list(customer=customer_id, status="all", limit=100, **api_options())
        for subscription in subscriptions.auto_paging_iter():
            if subscription.status not in ENDED_STATUSES:
                stripe.Subscription.cancel(subscription.id, **api_options())
                canceled.append(subscription.id)
    return canceled


def update_customer_emails(user, email: str) -> None:
    """Point the user's Stripe customers at their new address, so receipts and Stripe's own
    emails follow an email change. A failure is logged, not raised: the change itself stands, and
    the address can be corrected in the Customer Portal."""
    if not is_configured():
        return
    for customer_id in customers_of(user).values_list("id", flat=True):
        try:
            stripe.Customer.modify(customer_id, email=email, **api_options())
        except stripe.StripeError:
            logger.exception("Could not update the email of Stripe customer %s", customer_id)
