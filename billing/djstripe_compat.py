"""Workarounds for dj-stripe 2.11 on Stripe API version dahlia, applied when billing loads (apps.py).

- A customer-level discount: since API version clover the coupon sits at ``discount.source.coupon``,
  but dj-stripe's customer sync still reads ``discount.coupon`` and raises "dj-stripe encountered an
  empty field Coupon.coupon", so every webhook about that customer failed (Stripe retries it for
  three days). The coupon is mirrored from where it now is, and the rest of the sync runs as before.
- Subscriptions and customers are read from Stripe with their discounts' coupons and promotion codes
  expanded, so the mirror can tell what discount applies without asking Stripe again.
- dj-stripe passes STRIPE_API_VERSION on most calls but not all (a product's features are listed
  with stripe-python's own default version), so stripe-python's default is the pinned version too.

The Invoice admin's workaround is in billing/admin.py.
"""

import stripe
from django.conf import settings
from djstripe.models import Coupon, Customer, Subscription

from billing.subscriptions import CUSTOMER_EXPAND, SUBSCRIPTION_EXPAND


def apply():
    stripe.api_version = settings.STRIPE_API_VERSION
    attach_customer_objects = Customer._attach_objects_post_save_hook

    def attach_objects_with_clover_discount(self, cls, data, **kwargs):
        discount = data.get("discount")
        if discount and not discount.get("coupon"):
            source = discount.get("source") or {}
            if source.get("coupon"):
                api_key = kwargs.get("api_key") or settings.STRIPE_SECRET_KEY
                Coupon._get_or_create_from_stripe_object(source, "coupon", api_key=api_key)
            data = {**data, "discount": None}  # only for dj-stripe's hook: stripe_data keeps the discount
        return attach_customer_objects(self, cls, data, **kwargs)

    Customer._attach_objects_post_save_hook = attach_objects_with_clover_discount
    Customer.expand_fields = [*Customer.expand_fields, *CUSTOMER_EXPAND]
    Subscription.expand_fields = [*Subscription.expand_fields, *SUBSCRIPTION_EXPAND]
