import logging
import re

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from djstripe.models import Invoice, Session

from billing import stripe_api
from billing.plans import PLANS, TRIAL_DAYS, YEARLY_DISCOUNT_PERCENT, plan_for_lookup_key
from billing.subscriptions import (
    current_subscription,
    customers_of,
    describe,
    describe_invoices,
    has_past_due_subscription,
    mirrored_subscriptions,
)

logger = logging.getLogger(__name__)

# The success page polls this often, and gives up (saying so) after this many tries.
CONFIRM_POLL_SECONDS = 2
CONFIRM_MAX_POLLS = 60
# Stripe Checkout session ids ("cs_test_a1B2..."); anything else never came back from Checkout.
CHECKOUT_SESSION_ID = re.compile(r"cs_\w+", re.ASCII)
UNREACHABLE = "We could not reach our payment provider. Please try again in a minute."
# Stripe refused because of how this site is set up: retrying will not help, the operator must act.
PORTAL_NOT_SET_UP = (
    "Billing management is not available yet: this site's billing portal is not set up. "
    "We have logged the problem; please contact support if it persists."
)
CHECKOUT_NOT_SET_UP = (
    "This plan cannot be bought right now: this site's billing is not fully set up. "
    "We have logged the problem; please try again later."
)


def see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def pricing_context(request):
    user = request.user
    customer = customers_of(user).first() if user.is_authenticated else None
    return {
        "plans": PLANS.values(),
        "configured": stripe_api.is_configured(),
        "discount_percent": YEARLY_DISCOUNT_PERCENT,
        "usage_timezone": settings.USAGE_TIMEZONE,
        "trial_days": TRIAL_DAYS,
        "has_customer": customer is not None,
        "trial_available": customer is None or not stripe_api.had_trial(customer),
    }


def pricing(request, status=200):
    return render(request, "billing/pricing.html", pricing_context(request), status=status)


@login_required
def billing(request):
    user = request.user
    subscription = current_subscription(user)
    invoices = Invoice.objects.filter(customer__in=customers_of(user)).order_by("-created")[:12]
    statuses = {s.id: s.stripe_data.get("status") for s in mirrored_subscriptions(user)}
    return render(
        request,
        "billing/billing.html",
        {
            "configured": stripe_api.is_configured(),
            "plan": user.plan_info,
            "subscription": describe(subscription.stripe_data, subscription.customer.stripe_data)
            if subscription
            else None,
            "past_due": has_past_due_subscription(user),
            "has_customer": customers_of(user).exists(),
            "invoices": describe_invoices([invoice.stripe_data for invoice in invoices], statuses),
        },
    )


@login_required
@require_POST
def checkout(request):
    """Send the user to Stripe Checkout for the price with the posted lookup key (303)."""
    lookup_key = request.POST.get("price", "")
    if not stripe_api.is_configured():
        # The pricing page already says billing is not set up; a second message would repeat it.
        return pricing(request, status=503)
    if plan_for_lookup_key(lookup_key) is None:
        messages.error(request, "That price does not exist. Pick a plan below.")
        return pricing(request, status=400)
    already_subscribed = "You already have a subscription: change or cancel it in the billing portal."
    if customers_of(request.user).exists() and request.user.plan_info.is_paid:
        messages.info(request, already_subscribed)
        return redirect("billing")
    try:
        url = stripe_api.create_checkout_session(
            request.user,
            lookup_key,
            success_url=request.build_absolute_uri(reverse("checkout_success")) + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(reverse("pricing")),
        )
    except stripe_api.AlreadySubscribed:
        messages.info(request, already_subscribed)
        return redirect("billing")
    except stripe_api.CheckoutBusy:
        messages.error(request, "Another checkout of yours is still being prepared. Try again in a moment.")
        return pricing(request, status=409)
    except stripe_api.UnknownPrice:
        logger.exception("Checkout for %s", lookup_key)
        messages.error(request, "This plan is not available for purchase yet. Please try again later.")
        return pricing(request, status=503)
    except stripe_api.PASSING_ERRORS:
        logger.exception("Stripe was unreachable for a Checkout session for %s", lookup_key)
        messages.error(request, UNREACHABLE)
        return pricing(request, status=502)
    except stripe.StripeError:
        logger.exception(
            "Stripe refused a Checkout session for %s (check the set-up: manage.py setup_billing)", lookup_key
        )
        messages.error(request, CHECKOUT_NOT_SET_UP)
        return pricing(request, status=503)
    return see_other(url)


@login_required
def checkout_success(request):
    """After Checkout: waits (polling with htmx) for the webhook; it never changes the plan itself."""
    session_id = request.GET.get("session_id", "")
    if not CHECKOUT_SESSION_ID.fullmatch(session_id):
        messages.info(request, "That link is not from a Stripe Checkout; your plan and subscription are below.")
        return redirect("billing")
    try:
        attempt = min(int(request.GET.get("attempt", "0")), CONFIRM_MAX_POLLS)
    except ValueError:
        attempt = 0
    session = (
        Session.objects.filter(id=session_id, customer__in=customers_of(request.user), subscription__isnull=False)
        .select_related("subscription", "customer")
        .first()
    )
    context = {
        "session_id": session_id,
        "confirmed": session is not None,
        # A trial charges nothing today: the page says when the trial ends and what is charged then.
        "subscription": describe(session.subscription.stripe_data, session.customer.stripe_data) if session else None,
        "next_attempt": attempt + 1,
        "gave_up": attempt >= CONFIRM_MAX_POLLS,
        "poll_seconds": CONFIRM_POLL_SECONDS,
    }
    template = "billing/checkout_success.html#status" if request.htmx else "billing/checkout_success.html"
    return render(request, template, context)


@login_required
@require_POST
def portal(request):
    """Send the user to the Stripe Customer Portal (303)."""
    if not stripe_api.is_configured():
        messages.error(request, "Billing is not configured on this site yet.")
        return redirect("billing")
    customer = customers_of(request.user).first()
    if customer is None:
        messages.info(request, "You have no billing account yet: pick a plan to start one.")
        return redirect("pricing")
    try:
        url = stripe_api.create_portal_session(customer, return_url=request.build_absolute_uri(reverse("billing")))
    except stripe_api.PortalNotSetUp as error:
        logger.error("Manage billing for %s: %s", customer.id, error)
        messages.error(request, PORTAL_NOT_SET_UP)
        return redirect("billing")
    except stripe_api.PASSING_ERRORS:
        logger.exception("Stripe was unreachable for a portal session for %s", customer.id)
        messages.error(request, UNREACHABLE)
        return redirect("billing")
    except stripe.StripeError:
        logger.exception("Stripe refused a portal session for %s (check the Customer Portal set-up)", customer.id)
        messages.error(request, PORTAL_NOT_SET_UP)
        return redirect("billing")
    return see_other(url)
