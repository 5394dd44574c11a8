"""A fake Stripe API on loopback, for tests and `make demo`, speaking API version 2026-05-27.dahlia.

It answers the calls Inkwell and dj-stripe make with the objects Stripe sends for that version
(tests/stripe_spec/ holds the schemas they are checked against), refuses a request that asks for
another version, serves simple hosted Checkout and Customer Portal pages, and sends webhooks signed
the way Stripe signs them (``Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of "t.body">``).

It behaves like Stripe where Inkwell could go wrong:
- a Portal session needs a ``configuration`` or the account's default one (saved in the Dashboard);
  without either it is refused with Stripe's message;
- an archived price keeps its lookup key: a new price takes it only with ``transfer_lookup_key``;
- Checkout refuses an archived price, or a price whose product is archived;
- promotion codes entered on the Checkout page, and coupons on customers, become discounts with the
  clover/dahlia shape (``discount.source.coupon``), and discount the invoices;
- ``expand`` replaces ids with the objects they name.

State lives in memory, so every FakeStripe starts empty. In tests (see billing/tests/conftest.py):

    fake = FakeStripe().start()
    point_app_at(fake, settings, monkeypatch)        # stripe-python and dj-stripe call the fake
    fake.webhook_url = ".../stripe/webhook/<uuid>/"  # where deliver() and the hosted pages post events
    ...
    fake.stop()

Driving it from a test (each change returns the events Stripe would send; post them to the app
with ``deliver(*events)`` or the billing tests' ``post_event`` fixture):

    customer = fake.create_customer(email="ada@example.com")
    created = fake.create_subscription(customer["id"], "pro_monthly")          # an event
    fake.create_subscription(cus, "team_yearly", trial_days=7)                 # trialing
    coupon = fake.create_coupon(percent_off=20)
    fake.create_promotion_code(coupon["id"], "LAUNCH20")
    fake.create_subscription(cus, "pro_monthly", coupon=coupon["id"])          # 20% off
    fake.apply_customer_discount(cus, coupon["id"])                            # [discount, customer.updated]
    fake.switch_price(sub_id, "pro_yearly")                                    # customer.subscription.updated
    fake.fail_payment(sub_id)                                                  # [past_due, invoice.payment_failed]
    fake.pay_renewal(sub_id)                                                   # [invoice.paid, active update]
    fake.update_subscription(sub_id, cancel_at_period_end=True)
    fake.cancel_subscription(sub_id)                                           # customer.subscription.deleted
    fake.archive_price("pro_monthly"); fake.archive_product("inkwell_pro")    # Dashboard actions
    fake.save_portal_settings()                                                # the Dashboard's default Portal
    fake.pay_checkout(session_id, promotion_code="LAUNCH20")                   # the Checkout page's Pay button

Objects carry the time of the call (``time.time()``), so time-machine places them in the past.
``fake.objects[kind][id]`` is the state; ``fake.calls(method, path)`` the params of API calls made;
``fake.answers`` every JSON body the API answered; ``fake.deliveries`` (event type, HTTP status).
"""

import hashlib
import hmac
import html
import itertools
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from copy import deepcopy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SECRET_KEY = "sk_test_inkwellfakestripe0000000000"
PUBLISHABLE_KEY = "pk_test_inkwellfakestripe0000000000"
WEBHOOK_SECRET = "whsec_inkwellfakestripe0000000000"
API_VERSION = "2026-05-27.dahlia"
DAY = 24 * 60 * 60
PERIOD_SECONDS = {"month": 30 * DAY, "year": 365 * DAY}
NO_DEFAULT_PORTAL = (
    "You can't create a portal session in test mode until you save your customer portal settings in test mode "
    "at https://dashboard.stripe.com/test/settings/billing/portal."
)
KINDS = (
    "customer",
    "product",
    "price",
    "coupon",
    "promotion_code",
    "discount",
    "subscription",
    "invoice",
    "checkout.session",
    "billing_portal.configuration",
    "billing_portal.session",
    "event",
    "webhook_endpoint",
)


class StripeError(Exception):
    def __init__(self, status, message, code=None, param=None, error_type="invalid_request_error"):
        super().__init__(message)
        self.status = status
        error = {"type": error_type, "message": message, "code": code, "param": param}
        self.body = {"error": {key: value for key, value in error.items() if value is not None}}


def missing(kind, object_id, param="id"):
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


def decode_form(pairs):
    """Turn Stripe's bracketed form encoding (``a[b][0][c]=v``) back into dicts and lists."""
    root = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key) or [key]
        node = root
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            slot = int(part) if isinstance(node, list) else part
            if isinstance(node, list) and slot == len(node):
                node.append(None)
            if following is None:
                node[slot] = value
            else:
                child = node.get(slot) if isinstance(node, dict) else node[slot]
                if child is None:
                    child = [] if following.isdigit() else {}
                    node[slot] = child
                node = child
    return root


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header value for ``payload``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def point_app_at(server, settings, monkeypatch):
    """Test set-up: stripe-python (so dj-stripe too) calls ``server``, with test-mode keys in settings."""
    import stripe

    monkeypatch.setattr(stripe, "api_base", server.url)
    settings.STRIPE_SECRET_KEY = settings.STRIPE_TEST_SECRET_KEY = server.secret_key
    settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_PUBLIC_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = server.webhook_secret
    settings.STRIPE_LIVE_MODE = False


def truthy(value) -> bool:
    return value in (True, "true", "True", "1")


def now() -> int:
    return int(time.time())


def listing(data, url):
    return {"object": "list", "data": data, "has_more": False, "url": url}


def price_label(price) -> str:
    return f"${price['unit_amount'] / 100:,.2f} per {price['recurring']['interval']}"


class FakeStripe:
    """The fake's state and behaviour; ``start()`` serves it on 127.0.0.1 on an ephemeral port."""

    def __init__(self, secret_key=SECRET_KEY, webhook_url="", webhook_secret=WEBHOOK_SECRET):
        self.secret_key = secret_key
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.lock = threading.RLock()
        self.ids = itertools.count(1)
        self.requests = []  # (method, path, params) of every API call, for tests to inspect
        self.answers = []  # (method, path, status, body) of every API answer, for the spec check
        self.deliveries = []  # (event type, HTTP status) of every webhook sent
        self.idempotent = {}
        self.account = {
            "id": "acct_inkwellfake",
            "object": "account",
            "business_profile": {"name": "Inkwell (fake Stripe)", "url": None},
            "charges_enabled": True,
            "country": "US",
            "created": now(),
            "default_currency": "usd",
            "details_submitted": True,
            "email": "founder@example.com",
            "metadata": {},
            "payouts_enabled": True,
            "type": "standard",
        }
        self.objects = {kind: {} for kind in KINDS}
        self.server = None
        self.url = ""

    # Serving

    def start(self):
        handler = type("Handler", (FakeStripeHandler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, name="fake-stripe", daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def calls(self, method, path):
        """Params of the API calls made with ``method`` to ``path``, oldest first."""
        return [params for m, p, params in self.requests if m == method and p == path]

    # Objects

    def new_id(self, prefix):
        return f"{prefix}_{secrets.token_hex(6)}{next(self.ids)}"

    def get(self, kind, object_id):
        try:
            return self.objects[kind][object_id]
        except KeyError:
            raise missing(kind.split(".")[-1], object_id) from None

    def find(self, object_id):
        """The object with this id, whatever its kind (for ``expand``), or None."""
        return next((objects[object_id] for objects in self.objects.values() if object_id in objects), None)

    def public(self, obj):
        return {key: value for key, value in obj.items() if not key.startswith("_")}

    def expanded(self, obj, paths):
        """A copy of ``obj`` with the ids at each dotted path in ``paths`` replaced by their objects."""
        result = deepcopy(self.public(obj))
        for path in paths or []:
            result = self.expand_path(result, path.split("."))
        return result

    def expand_path(self, node, parts):
        if isinstance(node, list):
            return [self.expand_path(item, parts) for item in node]
        if isinstance(node, str):
            found = self.find(node)
            node = deepcopy(self.public(found)) if found else node
        if not parts or not isinstance(node, dict) or node.get(parts[0]) is None:
            return node
        node[parts[0]] = self.expand_path(node[parts[0]], parts[1:])
        return node

    def create_customer(self, email="", name=None, metadata=None, **extra):
        with self.lock:
            customer = {
                "id": self.new_id("cus"),
                "object": "customer",
                "address": None,
                "balance": 0,
                "created": now(),
                "currency": None,
                "default_source": None,
                "delinquent": False,
                "description": None,
                "discount": None,
                "email": email or None,
                "invoice_prefix": secrets.token_hex(4).upper(),
                "invoice_settings": {
                    "custom_fields": None,
                    "default_payment_method": None,
                    "footer": None,
                    "rendering_options": None,
                },
                "livemode": False,
                "metadata": dict(metadata or {}),
                "name": name,
                "next_invoice_sequence": 1,
                "phone": None,
                "preferred_locales": [],
                "shipping": None,
                "tax_exempt": "none",
                "test_clock": None,
            }
            customer.update(extra)
            self.objects["customer"][customer["id"]] = customer
            return customer

    def create_product(self, name, product_id=None, metadata=None, description=None):
        with self.lock:
            product_id = product_id or self.new_id("prod")
            if product_id in self.objects["product"]:
                raise StripeError(400, f"Product already exists: {product_id}", code="resource_already_exists")
            product = {
                "id": product_id,
                "object": "product",
                "active": True,
                "created": now(),
                "default_price": None,
                "description": description,
                "images": [],
                "livemode": False,
                "marketing_features": [],
                "metadata": dict(metadata or {}),
                "name": name,
                "package_dimensions": None,
                "shippable": None,
                "statement_descriptor": None,
                "tax_code": None,
                "unit_label": None,
                "updated": now(),
                "url": None,
            }
            self.objects["product"][product_id] = product
            return product

    def create_price(
        self,
        product,
        unit_amount,
        interval,
        lookup_key=None,
        currency="usd",
        transfer_lookup_key=False,
        metadata=None,
    ):
        """A recurring price; a lookup key held by any price (archived too) moves only with ``transfer_lookup_key``."""
        with self.lock:
            self.get("product", product)
            holders = [p for p in self.objects["price"].values() if lookup_key and p["lookup_key"] == lookup_key]
            if holders and not transfer_lookup_key:
                raise StripeError(400, f"A price with lookup key {lookup_key} already exists.", param="lookup_key")
            for holder in holders:
                holder["lookup_key"] = None
            price = {
                "id": self.new_id("price"),
                "object": "price",
                "active": True,
                "billing_scheme": "per_unit",
                "created": now(),
                "currency": currency,
                "custom_unit_amount": None,
                "livemode": False,
                "lookup_key": lookup_key,
                "metadata": dict(metadata or {}),
                "nickname": None,
                "product": product,
                "recurring": {"interval": interval, "interval_count": 1, "meter": None, "usage_type": "licensed"},
                "tax_behavior": "unspecified",
                "tiers_mode": None,
                "transform_quantity": None,
                "type": "recurring",
                "unit_amount": int(unit_amount),
                "unit_amount_decimal": str(unit_amount),
            }
            self.objects["price"][price["id"]] = price
            return price

    def price_for(self, price_or_lookup_key):
        for price in self.objects["price"].values():
            if price_or_lookup_key in (price["id"], price["lookup_key"]):
                return price
        raise missing("price", price_or_lookup_key, param="price")

    def archive_price(self, price_or_lookup_key):
        """The Dashboard's "Archive price": inactive, and it keeps its lookup key. Returns price.updated."""
        with self.lock:
            price = self.price_for(price_or_lookup_key)
            price["active"] = False
            return self.event("price.updated", price, {"active": True})

    def archive_product(self, product_id):
        """The Dashboard's "Archive product": inactive; its prices stay active. Returns product.updated."""
        with self.lock:
            product = self.get("product", product_id)
            product.update(active=False, updated=now())
            return self.event("product.updated", product, {"active": True})

    def create_coupon(
        self, percent_off=None, amount_off=None, duration="forever", duration_in_months=None, name=None, coupon_id=None
    ):
        with self.lock:
            if (percent_off is None) == (amount_off is None):
                raise StripeError(400, "Provide exactly one of percent_off and amount_off.", param="percent_off")
            coupon = {
                "id": coupon_id or secrets.token_hex(4).upper(),
                "object": "coupon",
                "amount_off": int(amount_off) if amount_off is not None else None,
                "created": now(),
                "currency": "usd" if amount_off is not None else None,
                "duration": duration,
                "duration_in_months": int(duration_in_months) if duration_in_months else None,
                "livemode": False,
                "max_redemptions": None,
                "metadata": {},
                "name": name,
                "percent_off": float(percent_off) if percent_off is not None else None,
                "redeem_by": None,
                "times_redeemed": 0,
                "valid": True,
            }
            self.objects["coupon"][coupon["id"]] = coupon
            return coupon

    def create_promotion_code(self, coupon, code, active=True):
        with self.lock:
            self.get("coupon", coupon)
            promotion_code = {
                "id": self.new_id("promo"),
                "object": "promotion_code",
                "active": active,
                "code": code,
                "created": now(),
                "customer": None,
                "expires_at": None,
                "livemode": False,
                "max_redemptions": None,
                "metadata": {},
                "promotion": {"coupon": coupon, "type": "coupon"},
                "restrictions": {
                    "first_time_transaction": False,
                    "minimum_amount": None,
                    "minimum_amount_currency": None,
                },
                "times_redeemed": 0,
            }
            self.objects["promotion_code"][promotion_code["id"]] = promotion_code
            return promotion_code

    def promotion_code_for(self, code):
        """The active promotion code a customer typed (codes are case-insensitive), or None."""
        for promotion_code in self.objects["promotion_code"].values():
            coupon = self.objects["coupon"][promotion_code["promotion"]["coupon"]]
            if promotion_code["code"].lower() == code.strip().lower() and promotion_code["active"] and coupon["valid"]:
                return promotion_code
        return None

    def create_discount(self, coupon_id, customer_id, subscription_id=None, promotion_code_id=None):
        """A discount: the application of a coupon (clover/dahlia shape: the coupon is under ``source``)."""
        with self.lock:
            coupon = self.get("coupon", coupon_id)
            coupon["times_redeemed"] += 1
            if promotion_code_id:
                self.objects["promotion_code"][promotion_code_id]["times_redeemed"] += 1
            start = now()
            # Stripe sets an end only on discounts from repeating coupons.
            end = start + coupon["duration_in_months"] * 30 * DAY if coupon["duration"] == "repeating" else None
            discount = {
                "id": self.new_id("di"),
                "object": "discount",
                "checkout_session": None,
                "customer": customer_id,
                "customer_account": None,
                "end": end,
                "invoice": None,
                "invoice_item": None,
                "promotion_code": promotion_code_id,
                "source": {"coupon": coupon_id, "type": "coupon"},
                "start": start,
                "subscription": subscription_id,
                "subscription_item": None,
            }
            self.objects["discount"][discount["id"]] = discount
            return discount

    def apply_customer_discount(self, customer_id, coupon_id, promotion_code_id=None):
        """A coupon on the customer (it discounts all their invoices); returns the events Stripe sends."""
        with self.lock:
            customer = self.get("customer", customer_id)
            discount = self.create_discount(coupon_id, customer_id, promotion_code_id=promotion_code_id)
            previous = {"discount": customer["discount"]}
            customer["discount"] = discount
            created = self.event("customer.discount.created", discount)
            return [created, self.event("customer.updated", customer, previous)]

    def create_subscription(
        self, customer, price, status="active", trial_days=0, metadata=None, coupon=None, promotion_code=None
    ):
        """A subscription for ``customer`` to ``price`` (an id or lookup key); returns its created event.

        ``coupon`` (an id) or ``promotion_code`` (an id) gives it a subscription-level discount.
        """
        with self.lock:
            self.get("customer", customer)
            price = self.price_for(price)
            start = now()
            trial_end = start + trial_days * DAY if trial_days else None
            period_end = trial_end or start + PERIOD_SECONDS[price["recurring"]["interval"]]
            subscription_id = self.new_id("sub")
            subscription = {
                "id": subscription_id,
                "object": "subscription",
                "application": None,
                "application_fee_percent": None,
                "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
                "billing_cycle_anchor": period_end,
                "billing_cycle_anchor_config": None,
                "billing_mode": {"flexible": None, "type": "classic"},
                "billing_schedules": [],
                "billing_thresholds": None,
                "cancel_at": None,
                "cancel_at_period_end": False,
                "canceled_at": None,
                "cancellation_details": {"comment": None, "feedback": None, "reason": None},
                "collection_method": "charge_automatically",
                "created": start,
                "currency": price["currency"],
                "customer": customer,
                "customer_account": None,
                "days_until_due": None,
                "default_payment_method": None,
                "default_source": None,
                "default_tax_rates": [],
                "description": None,
                "discounts": [],
                "ended_at": None,
                "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
                "items": listing([self.subscription_item(subscription_id, price, start, period_end)], ""),
                "latest_invoice": None,
                "livemode": False,
                "metadata": dict(metadata or {}),
                "next_pending_invoice_item_invoice": None,
                "on_behalf_of": None,
                "pause_collection": None,
                "payment_settings": {
                    "payment_method_options": None,
                    "payment_method_types": None,
                    "save_default_payment_method": "off",
                },
                "pending_invoice_item_interval": None,
                "pending_setup_intent": None,
                "pending_update": None,
                "schedule": None,
                "start_date": start,
                "status": "trialing" if trial_days else status,
                "test_clock": None,
                "transfer_data": None,
                "trial_end": trial_end,
                "trial_settings": {"end_behavior": {"missing_payment_method": "create_invoice"}},
                "trial_start": start if trial_days else None,
            }
            subscription["items"]["url"] = f"/v1/subscription_items?subscription={subscription_id}"
            self.objects["subscription"][subscription_id] = subscription
            self.get("customer", customer)["currency"] = price["currency"]
            if promotion_code:
                coupon = self.get("promotion_code", promotion_code)["promotion"]["coupon"]
            if coupon:
                discount = self.create_discount(coupon, customer, subscription_id, promotion_code)
                subscription["discounts"] = [discount["id"]]
            invoice = self.create_invoice(subscription, trial=bool(trial_days))
            subscription["latest_invoice"] = invoice["id"]
            return self.event("customer.subscription.created", subscription)

    def subscription_item(self, subscription_id, price, start, period_end):
        return {
            "id": self.new_id("si"),
            "object": "subscription_item",
            "billing_thresholds": None,
            "created": start,
            "current_period_end": period_end,
            "current_period_start": start,
            "discounts": [],
            "metadata": {},
            "price": deepcopy(price),
            "quantity": 1,
            "subscription": subscription_id,
            "tax_rates": [],
        }

    def discounts_for(self, subscription):
        """The discounts an invoice of ``subscription`` gets: the subscription's, else the customer's."""
        if subscription["discounts"]:
            discounts = [self.objects["discount"][d] for d in subscription["discounts"]]
        else:
            customer_discount = self.get("customer", subscription["customer"])["discount"]
            discounts = [customer_discount] if customer_discount else []
        return [d for d in discounts if d["end"] is None or d["end"] > now()]

    def use_once_discounts(self, subscription, discounts):
        """A ``once`` coupon discounts one invoice; then Stripe takes the discount off."""
        customer = self.get("customer", subscription["customer"])
        for discount in discounts:
            if self.objects["coupon"][discount["source"]["coupon"]]["duration"] == "once":
                subscription["discounts"] = [d for d in subscription["discounts"] if d != discount["id"]]
                if customer["discount"] and customer["discount"]["id"] == discount["id"]:
                    customer["discount"] = None

    def discount_amount(self, discount, subtotal):
        coupon = self.objects["coupon"][discount["source"]["coupon"]]
        if coupon["percent_off"] is not None:
            return round(subtotal * coupon["percent_off"] / 100)
        return min(coupon["amount_off"], subtotal)

    def create_invoice(self, subscription, status="paid", trial=False, billing_reason="subscription_create"):
        """The invoice for the subscription's current period: $0 during a trial, discounted if it has a discount."""
        with self.lock:
            created = now()
            item = subscription["items"]["data"][0]
            price = item["price"]
            subtotal = 0 if trial else price["unit_amount"] * item["quantity"]
            discounts = self.discounts_for(subscription) if subtotal else []
            amounts = [{"amount": self.discount_amount(d, subtotal), "discount": d["id"]} for d in discounts]
            total = subtotal - sum(a["amount"] for a in amounts)
            self.use_once_discounts(subscription, discounts)
            paid = status == "paid"
            invoice_id = self.new_id("in")
            customer = self.get("customer", subscription["customer"])
            customer["next_invoice_sequence"] += 1
            number = f"{customer['invoice_prefix']}-{customer['next_invoice_sequence'] - 1:04d}"
            period = {"end": item["current_period_end"], "start": item["current_period_start"]}
            line = {
                "id": self.new_id("il"),
                "object": "line_item",
                "amount": subtotal,
                "currency": price["currency"],
                "description": f"1 × {self.objects['product'][price['product']]['name']}",
                "discount_amounts": amounts,
                "discountable": True,
                "discounts": [],
                "invoice": invoice_id,
                "livemode": False,
                "metadata": {},
                "parent": {
                    "invoice_item_details": None,
                    "subscription_item_details": {
                        "invoice_item": None,
                        "proration": False,
                        "proration_details": {"credited_items": None},
                        "subscription": subscription["id"],
                        "subscription_item": item["id"],
                    },
                    "type": "subscription_item_details",
                },
                "period": period,
                "pretax_credit_amounts": [],
                "pricing": {
                    "price_details": {"price": price["id"], "product": price["product"]},
                    "type": "price_details",
                    "unit_amount_decimal": price["unit_amount_decimal"],
                },
                "quantity": item["quantity"],
                "subtotal": subtotal,
                "taxes": [],
            }
            invoice = {
                "id": invoice_id,
                "object": "invoice",
                "account_country": "US",
                "account_name": self.account["business_profile"]["name"],
                "account_tax_ids": None,
                "amount_due": total,
                "amount_overpaid": 0,
                "amount_paid": total if paid else 0,
                "amount_paid_off_stripe": 0,
                "amount_remaining": 0 if paid else total,
                "amount_shipping": 0,
                "application": None,
                "attempt_count": 1 if total else 0,
                "attempted": bool(total),
                "auto_advance": not paid,
                "automatic_tax": {
                    "disabled_reason": None,
                    "enabled": False,
                    "liability": None,
                    "provider": None,
                    "status": None,
                },
                "automatically_finalizes_at": None,
                "billing_reason": billing_reason,
                "collection_method": "charge_automatically",
                "created": created,
                "currency": price["currency"],
                "custom_fields": None,
                "customer": customer["id"],
                "customer_account": None,
                "customer_address": None,
                "customer_email": customer["email"],
                "customer_name": customer["name"],
                "customer_phone": None,
                "customer_shipping": None,
                "customer_tax_exempt": "none",
                "customer_tax_ids": [],
                "default_payment_method": None,
                "default_source": None,
                "default_tax_rates": [],
                "description": None,
                "discounts": [d["id"] for d in discounts],
                "due_date": None,
                "effective_at": created,
                "ending_balance": 0,
                "footer": None,
                "from_invoice": None,
                "hosted_invoice_url": f"{self.url}/invoices/{invoice_id}",
                "invoice_pdf": f"{self.url}/invoices/{invoice_id}.pdf",
                "issuer": {"type": "self"},
                "last_finalization_error": None,
                "latest_revision": None,
                "lines": listing([line], f"/v1/invoices/{invoice_id}/lines"),
                "livemode": False,
                "metadata": {},
                "next_payment_attempt": None if paid else created + 3 * DAY,
                "number": number,
                "on_behalf_of": None,
                "parent": {
                    "quote_details": None,
                    "subscription_details": {
                        "metadata": dict(subscription["metadata"]),
                        "subscription": subscription["id"],
                    },
                    "type": "subscription_details",
                },
                "payment_settings": {
                    "default_mandate": None,
                    "payment_method_options": None,
                    "payment_method_types": None,
                },
                "period_end": period["start"] if billing_reason == "subscription_create" else period["end"],
                "period_start": period["start"],
                "post_payment_credit_notes_amount": 0,
                "pre_payment_credit_notes_amount": 0,
                "receipt_number": None,
                "rendering": None,
                "shipping_cost": None,
                "shipping_details": None,
                "starting_balance": 0,
                "statement_descriptor": None,
                "status": status,
                "status_transitions": {
                    "finalized_at": created,
                    "marked_uncollectible_at": None,
                    "paid_at": created if paid else None,
                    "voided_at": None,
                },
                "subtotal": subtotal,
                "subtotal_excluding_tax": subtotal,
                "test_clock": None,
                "total": total,
                "total_discount_amounts": amounts,
                "total_excluding_tax": total,
                "total_pretax_credit_amounts": [],
                "total_taxes": [],
                "webhooks_delivered_at": created,
            }
            self.objects["invoice"][invoice_id] = invoice
            return invoice

    def update_subscription(self, subscription_id, **changes):
        """Change a subscription (e.g. ``status="past_due"``) and return the matching event."""
        with self.lock:
            subscription = self.get("subscription", subscription_id)
            previous = {key: deepcopy(subscription.get(key)) for key in changes}
            subscription.update(changes)
            if "cancel_at_period_end" in changes:
                ends = subscription["items"]["data"][0]["current_period_end"]
                subscription["cancel_at"] = ends if changes["cancel_at_period_end"] else None
                subscription["canceled_at"] = now() if changes["cancel_at_period_end"] else None
            if changes.get("status") in ("canceled", "incomplete_expired"):
                subscription["canceled_at"] = subscription["canceled_at"] or now()
                subscription["ended_at"] = now()
                subscription["cancellation_details"]["reason"] = "cancellation_requested"
                return self.event("customer.subscription.deleted", subscription, previous)
            return self.event("customer.subscription.updated", subscription, previous)

    def cancel_subscription(self, subscription_id):
        return self.update_subscription(subscription_id, status="canceled")

    def switch_price(self, subscription_id, price):
        """The Portal's plan switch: the subscription's item moves to ``price`` (an id or lookup key)."""
        with self.lock:
            subscription = self.get("subscription", subscription_id)
            item = subscription["items"]["data"][0]
            previous = {"items": deepcopy(subscription["items"])}
            item["price"] = deepcopy(self.price_for(price))
            return self.event("customer.subscription.updated", subscription, previous)

    def renew(self, subscription_id, status):
        """A new billing period: its invoice (paid or open) and the subscription's status after it."""
        with self.lock:
            subscription = self.get("subscription", subscription_id)
            item = subscription["items"]["data"][0]
            start = now()
            item["current_period_start"] = start
            item["current_period_end"] = start + PERIOD_SECONDS[item["price"]["recurring"]["interval"]]
            reason = "subscription_cycle"
            invoice = self.create_invoice(subscription, status=status, billing_reason=reason)
            subscription["latest_invoice"] = invoice["id"]
            return invoice

    def fail_payment(self, subscription_id):
        """A renewal whose charge fails: the subscription goes past_due; returns both events."""
        with self.lock:
            invoice = self.renew(subscription_id, status="open")
            return [
                self.update_subscription(subscription_id, status="past_due"),
                self.event("invoice.payment_failed", invoice),
            ]

    def pay_renewal(self, subscription_id):
        """A renewal (or the trial's end) whose charge succeeds: the subscription is active; returns the events."""
        with self.lock:
            invoice = self.renew(subscription_id, status="paid")
            events = [self.event("invoice.paid", invoice)]
            subscription = self.get("subscription", subscription_id)
            if subscription["status"] != "active":
                # Stripe keeps trial_end after the trial; a trial ended early ends now.
                changes = {"status": "active"}
                if subscription["trial_end"] and subscription["trial_end"] > now():
                    changes["trial_end"] = now()
                events.append(self.update_subscription(subscription_id, **changes))
            return events

    def create_portal_configuration(self, features, is_default=False, business_profile=None, metadata=None):
        """A Customer Portal configuration; API-created ones are never the account's default."""
        with self.lock:
            configuration = {
                "id": self.new_id("bpc"),
                "object": "billing_portal.configuration",
                "active": True,
                "application": None,
                "business_profile": {
                    "headline": None,
                    "privacy_policy_url": None,
                    "terms_of_service_url": None,
                    **(business_profile or {}),
                },
                "created": now(),
                "default_return_url": None,
                "features": portal_features(features),
                "is_default": is_default,
                "livemode": False,
                "login_page": {"enabled": False, "url": None},
                "metadata": dict(metadata or {}),
                "name": None,
                "updated": now(),
            }
            self.objects["billing_portal.configuration"][configuration["id"]] = configuration
            return configuration

    def save_portal_settings(self):
        """The Dashboard's "Save" on the Customer Portal settings page: the account's default configuration."""
        features = {
            "invoice_history": {"enabled": "true"},
            "payment_method_update": {"enabled": "true"},
            "subscription_cancel": {"enabled": "true"},
        }
        return self.create_portal_configuration(features, is_default=True)

    def update_portal_configuration(self, configuration_id, params):
        with self.lock:
            configuration = self.get("billing_portal.configuration", configuration_id)
            if "features" in params:
                merged = deepcopy(configuration["features"])
                for name, values in params["features"].items():
                    merged[name] = {**merged[name], **values}
                configuration["features"] = portal_features(merged)
            if "active" in params:
                configuration["active"] = truthy(params["active"])
            configuration["metadata"].update(params.get("metadata", {}))
            configuration["updated"] = now()
            return configuration

    def create_portal_session(self, customer_id, return_url=None, configuration=None):
        """Stripe's POST /v1/billing_portal/sessions: refused without a configuration or the account's default."""
        with self.lock:
            customer = self.get("customer", customer_id)
            configurations = self.objects["billing_portal.configuration"]
            if configuration:
                chosen = configurations.get(configuration)
                if chosen is None:
                    raise missing("configuration", configuration, param="configuration")
                if not chosen["active"]:
                    raise StripeError(400, "This configuration is inactive.", param="configuration")
            else:
                chosen = next((c for c in configurations.values() if c["is_default"] and c["active"]), None)
                if chosen is None:
                    raise StripeError(400, NO_DEFAULT_PORTAL)
            portal_id = self.new_id("bps")
            portal = {
                "id": portal_id,
                "object": "billing_portal.session",
                "configuration": chosen["id"],
                "created": now(),
                "customer": customer["id"],
                "customer_account": None,
                "flow": None,
                "livemode": False,
                "locale": None,
                "on_behalf_of": None,
                "return_url": return_url or chosen["default_return_url"],
                "url": f"{self.url}/portal/{portal_id}",
            }
            self.objects["billing_portal.session"][portal_id] = portal
            return portal

    def create_checkout_session(self, params):
        with self.lock:
            if params.get("mode") != "subscription":
                raise StripeError(400, "The fake only supports subscription mode.", param="mode")
            customer = self.get("customer", params.get("customer", ""))
            lines = params.get("line_items") or []
            if not lines:
                raise StripeError(400, "Missing required param: line_items.", param="line_items")
            price = self.price_for(lines[0]["price"])
            if not price["active"]:
                raise StripeError(400, f"The price specified is inactive: {price['id']}.", param="line_items[0][price]")
            if not self.get("product", price["product"])["active"]:
                raise StripeError(
                    400,
                    f"The price specified belongs to an inactive product: {price['product']}.",
                    param="line_items[0][price]",
                )
            session_id = self.new_id("cs_test")
            created = now()
            session = {
                "id": session_id,
                "object": "checkout.session",
                "adaptive_pricing": None,
                "after_expiration": None,
                "allow_promotion_codes": truthy(params.get("allow_promotion_codes")),
                "amount_subtotal": price["unit_amount"],
                "amount_total": price["unit_amount"],
                "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
                "billing_address_collection": None,
                "cancel_url": params.get("cancel_url"),
                "client_reference_id": params.get("client_reference_id"),
                "client_secret": None,
                "consent": None,
                "consent_collection": None,
                "created": created,
                "currency": price["currency"],
                "custom_fields": [],
                "custom_text": {
                    "after_submit": None,
                    "shipping_address": None,
                    "submit": None,
                    "terms_of_service_acceptance": None,
                },
                "customer": customer["id"],
                "customer_creation": None,
                "customer_details": None,
                "customer_email": None,
                "discounts": [],
                "expires_at": created + DAY,
                "invoice": None,
                "invoice_creation": None,
                "livemode": False,
                "locale": None,
                "metadata": params.get("metadata", {}),
                "mode": "subscription",
                "payment_intent": None,
                "payment_link": None,
                "payment_method_collection": "always",
                "payment_method_types": ["card"],
                "payment_status": "unpaid",
                "recovered_from": None,
                "setup_intent": None,
                "shipping_address_collection": None,
                "shipping_cost": None,
                "shipping_options": [],
                "status": "open",
                "submit_type": None,
                "subscription": None,
                "success_url": params["success_url"],
                "tax_id_collection": {
                    "enabled": truthy(params.get("tax_id_collection", {}).get("enabled")),
                    "required": "never",
                },
                "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
                "ui_mode": "hosted_page",
                "url": f"{self.url}/checkout/{session_id}",
                "_params": params,
            }
            self.objects["checkout.session"][session_id] = session
            return session

    def create_webhook_endpoint(self, params):
        with self.lock:
            endpoint = {
                "id": self.new_id("we"),
                "object": "webhook_endpoint",
                "api_version": params.get("api_version"),
                "application": None,
                "created": now(),
                "description": params.get("description"),
                "enabled_events": params.get("enabled_events", ["*"]),
                "livemode": False,
                "metadata": params.get("metadata", {}),
                "secret": self.webhook_secret,
                "status": "enabled",
                "url": params["url"],
            }
            self.objects["webhook_endpoint"][endpoint["id"]] = endpoint
            return endpoint

    def event(self, event_type, obj, previous_attributes=None):
        """Record an event carrying a snapshot of ``obj`` as it is now."""
        with self.lock:
            data = {"object": deepcopy(self.public(obj))}
            if previous_attributes:
                data["previous_attributes"] = deepcopy(previous_attributes)
            event = {
                "id": self.new_id("evt"),
                "object": "event",
                "api_version": API_VERSION,
                "created": now(),
                "data": data,
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                "type": event_type,
            }
            self.objects["event"][event["id"]] = event
            return event

    # Webhooks

    def signed(self, event, secret=None, timestamp=None):
        """(body, Stripe-Signature header) for delivering ``event``."""
        body = json.dumps(event)
        return body, sign(body, secret or self.webhook_secret, timestamp)

    def deliver(self, *events):
        """POST each event, signed, to ``webhook_url``; returns the HTTP statuses."""
        statuses = []
        for event in events:
            body, signature = self.signed(event)
            request = urllib.request.Request(  # noqa: S310 - the URL is the app's own webhook endpoint
                self.webhook_url,
                data=body.encode(),
                headers={"Content-Type": "application/json", "Stripe-Signature": signature},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except urllib.error.URLError:
                status = None
            with self.lock:
                self.deliveries.append((event["type"], status))
            statuses.append(status)
        return statuses

    def deliver_later(self, *events):
        """Deliver in the background, as Stripe does: the customer's browser does not wait for webhooks."""
        if self.webhook_url:
            threading.Thread(target=self.deliver, args=events, name="fake-stripe-webhooks", daemon=True).start()

    # Hosted pages

    def expire_checkout_session(self, session_id):
        """Stripe's POST /v1/checkout/sessions/<id>/expire: only an open session can be expired."""
        with self.lock:
            session = self.get("checkout.session", session_id)
            if session["status"] != "open":
                raise StripeError(
                    400, f"Only an open Checkout Session can be expired; this one is {session['status']}."
                )
            session["status"] = "expired"
            return session

    def pay_checkout(self, session_id, promotion_code=""):
        """What the hosted Checkout page's Pay button does; returns the URL to send the customer to.

        A ``promotion_code`` the customer typed is applied when the session allows promotion codes;
        an unknown or inactive one raises StripeError (the page shows its message).
        """
        with self.lock:
            session = self.get("checkout.session", session_id)
            if session["status"] == "expired":
                return session["cancel_url"] or "/"
            if session["status"] != "open":
                return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            code = None
            if promotion_code and session["allow_promotion_codes"]:
                code = self.promotion_code_for(promotion_code)
                if code is None:
                    raise StripeError(400, "This code is invalid.", code="promotion_code_invalid")
            params = session["_params"]
            trial_days = int(params.get("subscription_data", {}).get("trial_period_days") or 0)
            metadata = params.get("subscription_data", {}).get("metadata") or {}
            created = self.create_subscription(
                session["customer"],
                params["line_items"][0]["price"],
                trial_days=trial_days,
                metadata=metadata,
                promotion_code=code and code["id"],
            )
            subscription = created["data"]["object"]
            invoice = self.objects["invoice"][subscription["latest_invoice"]]
            customer = self.get("customer", session["customer"])
            session.update(
                status="complete",
                payment_status="no_payment_required" if trial_days else "paid",
                subscription=subscription["id"],
                invoice=invoice["id"],
                amount_total=invoice["total"] if not trial_days else session["amount_total"],
                customer_details={
                    "address": None,
                    "business_name": None,
                    "email": customer["email"],
                    "individual_name": None,
                    "name": customer["name"],
                    "phone": None,
                    "tax_exempt": "none",
                    "tax_ids": [],
                },
            )
            events = [created]
            if code:
                coupon_id = code["promotion"]["coupon"]
                session["discounts"] = [{"coupon": coupon_id, "promotion_code": code["id"]}]
                session["total_details"]["amount_discount"] = invoice["subtotal"] - invoice["total"]
                [discount] = [d for d in self.objects["discount"].values() if d["subscription"] == subscription["id"]]
                discount["checkout_session"] = session_id
                events.append(self.event("customer.discount.created", discount))
            events += [self.event("invoice.paid", invoice), self.event("checkout.session.completed", session)]
        self.deliver_later(*events)
        return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)

    def portal_action(self, portal_session_id, action, subscription_id, price=None):
        """A Portal button: cancel or switch the plan as the configuration allows, or (demo only) end
        the period (a renewal, or the end of a plan canceled at period end), fail a renewal, or send
        the trial-ending reminder."""
        with self.lock:
            portal = self.get("billing_portal.session", portal_session_id)
            features = self.get("billing_portal.configuration", portal["configuration"])["features"]
            subscription = self.get("subscription", subscription_id)
            if subscription["customer"] != portal["customer"]:
                raise missing("subscription", subscription_id)
            if action == "cancel" and features["subscription_cancel"]["enabled"]:
                if features["subscription_cancel"]["mode"] == "at_period_end":
                    events = [self.update_subscription(subscription_id, cancel_at_period_end=True)]
                else:
                    events = [self.cancel_subscription(subscription_id)]
            elif action == "switch" and price in portal_prices(features):
                events = [self.switch_price(subscription_id, price)]
            elif action == "fail":
                events = self.fail_payment(subscription_id)
            elif action == "renew" and subscription["cancel_at_period_end"]:
                events = [self.cancel_subscription(subscription_id)]
            elif action == "renew":
                events = self.pay_renewal(subscription_id)
            elif action == "trial_will_end":
                events = [self.event("customer.subscription.trial_will_end", subscription)]
            else:
                raise StripeError(400, f"This portal does not allow {action}.")
        self.deliver_later(*events)


def portal_features(given):
    """A configuration's complete ``features`` from the (form-decoded) ones given; the rest are off."""

    def part(name):
        return given.get(name) or {}

    update = part("subscription_update")
    cancel = part("subscription_cancel")
    customer_update = part("customer_update")
    return {
        "customer_update": {
            "allowed_updates": list(customer_update.get("allowed_updates") or []),
            "enabled": truthy(customer_update.get("enabled")),
        },
        "invoice_history": {"enabled": truthy(part("invoice_history").get("enabled"))},
        "payment_method_update": {
            "enabled": truthy(part("payment_method_update").get("enabled")),
            "payment_method_configuration": None,
        },
        "subscription_cancel": {
            "cancellation_reason": {"enabled": False, "options": []},
            "enabled": truthy(cancel.get("enabled")),
            "mode": cancel.get("mode") or "at_period_end",
            "proration_behavior": cancel.get("proration_behavior") or "none",
        },
        "subscription_update": {
            "billing_cycle_anchor": update.get("billing_cycle_anchor"),
            "default_allowed_updates": list(update.get("default_allowed_updates") or []),
            "enabled": truthy(update.get("enabled")),
            "products": [
                {
                    "adjustable_quantity": {"enabled": False, "maximum": None, "minimum": 1},
                    "prices": list(product["prices"]),
                    "product": product["product"],
                }
                for product in update.get("products") or []
            ]
            or None,
            "proration_behavior": update.get("proration_behavior") or "none",
            "schedule_at_period_end": {"conditions": []},
            "trial_update_behavior": update.get("trial_update_behavior") or "end_trial",
        },
    }


def portal_prices(features):
    update = features["subscription_update"]
    if not update["enabled"]:
        return []
    return [price for product in update["products"] or [] for price in product["prices"]]


class FakeStripeHandler(BaseHTTPRequestHandler):
    fake: FakeStripe
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def dispatch(self, method):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        params = decode_form(parse_qsl(url.query, keep_blank_values=True) + parse_qsl(body, keep_blank_values=True))
        if not url.path.startswith("/v1/"):
            try:
                return self.page(method, url.path, params)
            except StripeError as error:
                return self.send_html(f"<h1>Not found</h1><p>{html.escape(str(error))}</p>", status=404)
        fake = self.fake
        with fake.lock:
            try:
                self.check_key_and_version()
                fake.requests.append((method, url.path, params))
                key = self.headers.get("Idempotency-Key")
                if method == "POST" and key and (url.path, key) in fake.idempotent:
                    answer, status = fake.idempotent[(url.path, key)], 200
                else:
                    answer, status = self.api(method, url.path, params), 200
                    if method == "POST" and key:
                        fake.idempotent[(url.path, key)] = answer
            except StripeError as error:
                answer, status = error.body, error.status
            fake.answers.append((method, url.path, status, deepcopy(answer)))
        return self.send_json(answer, status)

    def check_key_and_version(self):
        if self.headers.get("Authorization") != f"Bearer {self.fake.secret_key}":
            raise StripeError(401, "Invalid API Key provided.")
        version = self.headers.get("Stripe-Version")
        if version != API_VERSION:
            # Stripe would answer in the requested version; this fake speaks only the pinned one.
            raise StripeError(
                400, f"This fake Stripe speaks API version {API_VERSION}; the request asked for {version}."
            )

    # The API

    KINDS = {
        "customers": "customer",
        "products": "product",
        "prices": "price",
        "coupons": "coupon",
        "promotion_codes": "promotion_code",
        "subscriptions": "subscription",
        "invoices": "invoice",
        "events": "event",
        "webhook_endpoints": "webhook_endpoint",
        "checkout/sessions": "checkout.session",
        "billing_portal/configurations": "billing_portal.configuration",
    }

    def api(self, method, path, params):
        fake = self.fake
        match = re.fullmatch(
            r"/v1/(checkout/sessions|billing_portal/sessions|billing_portal/configurations|[a-z_]+)"
            r"(?:/([\w]+))?(/features|/expire)?",
            path,
        )
        if not match:
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")
        resource, object_id, suffix = match.groups()
        kind = self.KINDS.get(resource)
        expand = params.get("expand")

        if (method, resource) == ("GET", "account"):
            return fake.account
        if suffix == "/features":
            return listing([], path)
        if method == "GET" and kind and object_id:
            return fake.expanded(fake.get(kind, object_id), expand)
        if method == "GET" and kind:
            return self.list_objects(kind, params, path)
        if method == "POST" and object_id is None:
            return fake.expanded(self.create(resource, params), expand)
        if (method, resource, suffix) == ("POST", "checkout/sessions", "/expire"):
            return fake.public(fake.expire_checkout_session(object_id))
        if (method, resource) == ("DELETE", "subscriptions") and object_id:
            canceled = fake.cancel_subscription(object_id)
            fake.deliver_later(canceled)
            return canceled["data"]["object"]
        if method == "POST" and object_id and kind:
            return fake.expanded(self.update(kind, object_id, params), expand)
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def create(self, resource, params):
        fake = self.fake
        if resource == "customers":
            return fake.create_customer(params.get("email", ""), params.get("name"), params.get("metadata"))
        if resource == "products":
            return fake.create_product(
                params["name"], params.get("id"), params.get("metadata"), params.get("description")
            )
        if resource == "prices":
            return fake.create_price(
                params["product"],
                params["unit_amount"],
                params["recurring"]["interval"],
                params.get("lookup_key"),
                params.get("currency", "usd"),
                truthy(params.get("transfer_lookup_key")),
                params.get("metadata"),
            )
        if resource == "coupons":
            return fake.create_coupon(
                params.get("percent_off"),
                params.get("amount_off"),
                params.get("duration", "once"),
                params.get("duration_in_months"),
                params.get("name"),
                params.get("id"),
            )
        if resource == "promotion_codes":
            return fake.create_promotion_code(params["promotion"]["coupon"], params["code"])
        if resource == "webhook_endpoints":
            return fake.create_webhook_endpoint(params)
        if resource == "checkout/sessions":
            return fake.create_checkout_session(params)
        if resource == "billing_portal/configurations":
            return fake.create_portal_configuration(
                params.get("features", {}),
                business_profile=params.get("business_profile"),
                metadata=params.get("metadata"),
            )
        if resource == "billing_portal/sessions":
            return fake.create_portal_session(
                params.get("customer", ""), params.get("return_url"), params.get("configuration")
            )
        raise StripeError(404, f"Unrecognized request URL (POST: /v1/{resource}).")

    def update(self, kind, object_id, params):
        fake = self.fake
        if kind == "subscription":
            subscription = fake.get("subscription", object_id)
            subscription["metadata"].update(params.get("metadata", {}))
            events = []
            if "cancel_at_period_end" in params:
                events.append(
                    fake.update_subscription(object_id, cancel_at_period_end=truthy(params["cancel_at_period_end"]))
                )
            events += [fake.switch_price(object_id, item["price"]) for item in params.get("items") or []]
            fake.deliver_later(*events)
            return subscription
        if kind == "billing_portal.configuration":
            return fake.update_portal_configuration(object_id, params)
        if kind not in ("customer", "product", "price", "coupon", "promotion_code"):
            raise StripeError(404, f"Unrecognized request URL (POST: {self.path}).")
        with fake.lock:
            obj = fake.get(kind, object_id)
            if kind == "price" and params.get("lookup_key"):
                holders = [p for p in fake.objects["price"].values() if p["lookup_key"] == params["lookup_key"]]
                if holders and holders[0] is not obj and not truthy(params.get("transfer_lookup_key")):
                    raise StripeError(400, f"A price with lookup key {params['lookup_key']} already exists.")
                for holder in holders:
                    holder["lookup_key"] = None
            for key, value in params.items():
                if key in ("expand", "metadata", "transfer_lookup_key"):
                    continue
                obj[key] = truthy(value) if key == "active" else value
            obj["metadata"].update(params.get("metadata", {}))
            if "updated" in obj:
                obj["updated"] = now()
            return obj

    def list_objects(self, kind, params, path):
        items = list(self.fake.objects[kind].values())
        filters = {
            "customer": lambda o: o.get("customer") == params["customer"],
            "email": lambda o: o.get("email") == params["email"],
            "product": lambda o: o.get("product") == params["product"],
            "active": lambda o: o.get("active") == truthy(params["active"]),
            "is_default": lambda o: o.get("is_default") == truthy(params["is_default"]),
            "lookup_keys": lambda o: o.get("lookup_key") in params["lookup_keys"],
            "code": lambda o: o.get("code") == params["code"],
            "type": lambda o: o.get("type") == params["type"],
        }
        for name, keep in filters.items():
            if name in params:
                items = [o for o in items if keep(o)]
        status = params.get("status")
        if kind == "checkout.session" and status:
            items = [o for o in items if o["status"] == status]
        if kind == "subscription" and status != "all":
            items = (
                [o for o in items if o["status"] == status]
                if status
                else [o for o in items if o["status"] != "canceled"]
            )
        items.sort(key=lambda o: o.get("created", 0), reverse=True)
        if "starting_after" in params:
            ids = [o["id"] for o in items]
            items = items[ids.index(params["starting_after"]) + 1 :]
        limit = int(params.get("limit", 10))
        expand = [p.removeprefix("data.") for p in params.get("expand") or [] if p.startswith("data.")]
        answer = listing([self.fake.expanded(o, expand) for o in items[:limit]], path)
        answer["has_more"] = len(items) > limit
        return answer

    # Hosted pages

    def page(self, method, path, params):
        fake = self.fake
        match = re.fullmatch(r"/checkout/([\w]+)(/pay)?", path)
        if match and method == "GET" and not match[2]:
            return self.send_html(self.checkout_page(fake.get("checkout.session", match[1])))
        if match and method == "POST" and match[2]:
            try:
                return self.redirect(fake.pay_checkout(match[1], params.get("promotion_code", "")))
            except StripeError as error:
                session = fake.get("checkout.session", match[1])
                return self.send_html(self.checkout_page(session, error=str(error)), status=400)
        match = re.fullmatch(r"/invoices/(\w+)(?:\.pdf)?", path)
        if match and method == "GET":
            return self.send_html(self.invoice_page(fake.get("invoice", match[1])))
        match = re.fullmatch(r"/portal/(\w+)(?:/(cancel|switch|fail|renew|trial_will_end)/(\w+))?", path)
        if match and method == "GET" and not match[2]:
            return self.send_html(self.portal_page(fake.get("billing_portal.session", match[1])))
        if match and method == "POST" and match[2]:
            fake.portal_action(match[1], match[2], match[3], params.get("price"))
            return self.redirect(f"/portal/{match[1]}")
        raise StripeError(404, "Not found")

    def checkout_page(self, session, error=""):
        params = session["_params"]
        price = self.fake.price_for(params["line_items"][0]["price"])
        product = self.fake.get("product", price["product"])
        trial_days = int(params.get("subscription_data", {}).get("trial_period_days") or 0)
        back = f'<p><a href="{html.escape(session["cancel_url"] or "/")}">Back</a></p>'
        if session["status"] == "expired":
            return f"<h1>This checkout session has expired</h1>{back}"
        amount = price_label(price)
        trial = f"<p>{trial_days}-day free trial, then {amount}.</p>" if trial_days else f"<p>{amount}</p>"
        code = ""
        if session["allow_promotion_codes"]:
            code = '<p><label>Promotion code <input name="promotion_code" autocomplete="off"></label></p>' + (
                f'<p role="alert">{html.escape(error)}</p>' if error else ""
            )
        action = f"/checkout/{session['id']}/pay"
        pay = f'<form method="post" action="{action}">{code}<button type="submit">Pay</button></form>'
        return (
            f"<h1>Subscribe to {html.escape(product['name'])}</h1>{trial}"
            f"<p>Fake test card 4242 4242 4242 4242, nothing is charged.</p>{pay}{back}"
        )

    def invoice_page(self, invoice):
        amount = f"${invoice['total'] / 100:,.2f}"
        return f"<h1>Invoice {invoice['number']}</h1><p>{amount}, {invoice['status']}</p>"

    def portal_page(self, portal):
        fake = self.fake
        features = fake.get("billing_portal.configuration", portal["configuration"])["features"]
        rows = []
        subscriptions = [s for s in fake.objects["subscription"].values() if s["customer"] == portal["customer"]]
        for subscription in subscriptions:
            price = subscription["items"]["data"][0]["price"]
            product = fake.get("product", price["product"])
            actions = {}
            if features["subscription_cancel"]["enabled"] and not subscription["cancel_at_period_end"]:
                actions["cancel"] = "Cancel plan"
            actions.update(renew="Simulate the end of the period", fail="Simulate a failed renewal")
            if subscription["status"] == "trialing":
                actions["trial_will_end"] = "Simulate the trial-ending reminder"
            forms = [
                f'<form method="post" action="/portal/{portal["id"]}/{action}/{subscription["id"]}">'
                f'<button type="submit">{label}</button></form>'
                for action, label in actions.items()
            ]
            for other in portal_prices(features):
                if other != price["id"] and other in fake.objects["price"]:
                    target = fake.objects["price"][other]
                    name = fake.get("product", target["product"])["name"]
                    forms.append(
                        f'<form method="post" action="/portal/{portal["id"]}/switch/{subscription["id"]}">'
                        f'<input type="hidden" name="price" value="{other}">'
                        f'<button type="submit">Switch to {html.escape(name)}, {price_label(target)}</button></form>'
                    )
            status = subscription["status"]
            if subscription["cancel_at_period_end"]:
                status += " (cancels at period end)"
            if subscription["status"] in ("canceled", "incomplete_expired"):
                forms = []
            rows.append(f"<li>{html.escape(product['name'])}, {price_label(price)}: {status} {''.join(forms)}</li>")
        invoices = ""
        if features["invoice_history"]["enabled"]:
            items = "".join(
                f"<li>{i['number']}: ${i['total'] / 100:,.2f}, {i['status']}</li>"
                for i in fake.objects["invoice"].values()
                if i["customer"] == portal["customer"]
            )
            invoices = f"<h2>Invoice history</h2><ul>{items or '<li>No invoices</li>'}</ul>"
        return (
            f"<h1>Billing portal</h1><ul>{''.join(rows) or '<li>No subscriptions</li>'}</ul>{invoices}"
            f'<p><a href="{html.escape(portal["return_url"] or "/")}">Return to Inkwell</a></p>'
        )

    # Responses

    def send_json(self, payload, status=200):
        self.send_body(json.dumps(payload).encode(), "application/json", status)

    def send_html(self, body, status=200):
        head = "<meta charset='utf-8'><title>Fake Stripe</title>"
        page = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
        self.send_body(page.encode(), "text/html; charset=utf-8", status)

    def redirect(self, location):
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_body(self, body, content_type, status):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Request-Id", f"req_{secrets.token_hex(6)}")
        self.end_headers()
        self.wfile.write(body)
