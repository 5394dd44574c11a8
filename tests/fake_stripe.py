"""A fake Stripe API on loopback, for tests and `make demo`.

It answers the calls Inkwell and dj-stripe make (account, customers, products, prices with lookup
keys, subscriptions with items, Checkout and Customer Portal sessions, invoices, events, webhook
endpoints), serves simple hosted Checkout and Portal pages, and sends webhooks signed the way
Stripe signs them (``Stripe-Signature: t=<unix time>,v1=<HMAC-SHA256 of "t.body">``).

State lives in memory, so every FakeStripe starts empty. Point stripe-python at it with
``stripe.api_base = fake.url`` (the app does this from ``STRIPE_API_BASE``).

    fake = FakeStripe().start()
    fake.webhook_url, fake.webhook_secret = "http://127.0.0.1:8000/stripe/webhook/<uuid>/", "whsec_..."
    ...
    fake.stop()
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


class StripeError(Exception):
    def __init__(self, status, message, code=None, param=None, error_type="invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": error_type, "message": message, "code": code, "param": param}}


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


class FakeStripe:
    """The fake's state and behaviour; ``start()`` serves it on 127.0.0.1 on an ephemeral port."""

    def __init__(self, secret_key=SECRET_KEY, webhook_url="", webhook_secret=WEBHOOK_SECRET):
        self.secret_key = secret_key
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.lock = threading.RLock()
        self.ids = itertools.count(1)
        self.requests = []  # (method, path, params) of every API call, for tests to inspect
        self.deliveries = []  # (event type, HTTP status) of every webhook sent
        self.idempotent = {}
        self.account = {
            "id": "acct_inkwellfake",
            "object": "account",
            "email": "founder@example.com",
            "country": "US",
            "default_currency": "usd",
            "type": "standard",
            "charges_enabled": True,
            "payouts_enabled": True,
            "details_submitted": True,
            "business_profile": {"name": "Inkwell (fake Stripe)", "url": None},
            "settings": {"dashboard": {"display_name": "Inkwell (fake Stripe)"}, "branding": {}},
            "metadata": {},
        }
        self.objects = {
            kind: {}
            for kind in (
                "customer",
                "product",
                "price",
                "subscription",
                "invoice",
                "checkout.session",
                "billing_portal.session",
                "event",
                "webhook_endpoint",
            )
        }
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

    def create_customer(self, email="", name=None, metadata=None, **extra):
        with self.lock:
            customer = {
                "id": self.new_id("cus"),
                "object": "customer",
                "email": email,
                "name": name,
                "description": None,
                "metadata": dict(metadata or {}),
                "created": int(time.time()),
                "livemode": False,
                "currency": "usd",
                "balance": 0,
                "delinquent": False,
                "address": None,
                "invoice_settings": {"default_payment_method": None, "footer": None},
                "tax_exempt": "none",
                "preferred_locales": [],
            }
            customer.update(extra)
            self.objects["customer"][customer["id"]] = customer
            return customer

    def create_product(self, name, product_id=None, metadata=None, **extra):
        with self.lock:
            product_id = product_id or self.new_id("prod")
            if product_id in self.objects["product"]:
                raise StripeError(400, f"Product already exists: {product_id}", code="resource_already_exists")
            product = {
                "id": product_id,
                "object": "product",
                "name": name,
                "active": True,
                "description": extra.get("description"),
                "metadata": dict(metadata or {}),
                "created": int(time.time()),
                "livemode": False,
                "default_price": None,
                "type": "service",
                "unit_label": None,
                "url": None,
            }
            self.objects["product"][product_id] = product
            return product

    def create_price(self, product, unit_amount, interval, lookup_key=None, currency="usd", transfer_lookup_key=False):
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
                "created": int(time.time()),
                "currency": currency,
                "livemode": False,
                "lookup_key": lookup_key,
                "metadata": {},
                "nickname": None,
                "product": product,
                "recurring": {"interval": interval, "interval_count": 1, "usage_type": "licensed"},
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

    def create_subscription(self, customer, price, status="active", trial_days=0, metadata=None):
        """A subscription for ``customer`` to ``price`` (an id or lookup key); returns its created event."""
        with self.lock:
            self.get("customer", customer)
            price = self.price_for(price)
            now = int(time.time())
            trial_end = now + trial_days * DAY if trial_days else None
            period_end = trial_end or now + PERIOD_SECONDS[price["recurring"]["interval"]]
            subscription_id = self.new_id("sub")
            item = {
                "id": self.new_id("si"),
                "object": "subscription_item",
                "created": now,
                "metadata": {},
                "price": deepcopy(price),
                "quantity": 1,
                "subscription": subscription_id,
                "tax_rates": [],
                "current_period_start": now,
                "current_period_end": period_end,
            }
            subscription = {
                "id": subscription_id,
                "object": "subscription",
                "customer": customer,
                "status": "trialing" if trial_days else status,
                "items": {"object": "list", "data": [item], "has_more": False, "url": "/v1/subscription_items"},
                "created": now,
                "start_date": now,
                "billing_cycle_anchor": period_end,
                "current_period_start": now,
                "current_period_end": period_end,
                "trial_start": now if trial_days else None,
                "trial_end": trial_end,
                "cancel_at_period_end": False,
                "cancel_at": None,
                "canceled_at": None,
                "ended_at": None,
                "collection_method": "charge_automatically",
                "currency": price["currency"],
                "default_payment_method": None,
                "default_tax_rates": [],
                "latest_invoice": None,
                "livemode": False,
                "metadata": dict(metadata or {}),
                "pause_collection": None,
            }
            self.objects["subscription"][subscription_id] = subscription
            invoice = self.create_invoice(subscription, amount=0 if trial_days else price["unit_amount"])
            subscription["latest_invoice"] = invoice["id"]
            return self.event("customer.subscription.created", subscription)

    def create_invoice(self, subscription, amount, status="paid"):
        with self.lock:
            now = int(time.time())
            count = len(self.objects["invoice"]) + 1
            invoice_id = self.new_id("in")
            invoice = {
                "id": invoice_id,
                "object": "invoice",
                "customer": subscription["customer"],
                "subscription": subscription["id"],
                "parent": {
                    "type": "subscription_details",
                    "subscription_details": {"subscription": subscription["id"]},
                },
                "status": status,
                "paid": status == "paid",
                "amount_due": amount,
                "amount_paid": amount if status == "paid" else 0,
                "amount_remaining": 0 if status == "paid" else amount,
                "attempt_count": 1,
                "billing_reason": "subscription_create",
                "total": amount,
                "subtotal": amount,
                "currency": subscription["currency"],
                "created": now,
                "period_start": subscription["current_period_start"],
                "period_end": subscription["current_period_end"],
                "number": f"INK-{count:04d}",
                "hosted_invoice_url": f"{self.url}/invoices/{invoice_id}",
                "invoice_pdf": f"{self.url}/invoices/{invoice_id}.pdf",
                "lines": {"object": "list", "data": [], "has_more": False, "url": f"/v1/invoices/{invoice_id}/lines"},
                "discounts": [],
                "due_date": None,
                "footer": None,
                "default_payment_method": None,
                "livemode": False,
                "metadata": {},
                "webhooks_delivered_at": now,
            }
            self.objects["invoice"][invoice_id] = invoice
            return invoice

    def update_subscription(self, subscription_id, **changes):
        """Change a subscription (e.g. ``status="past_due"``) and return the matching event."""
        with self.lock:
            subscription = self.get("subscription", subscription_id)
            previous = {key: subscription.get(key) for key in changes}
            subscription.update(changes)
            if changes.get("status") in ("canceled", "incomplete_expired"):
                subscription["canceled_at"] = subscription["ended_at"] = int(time.time())
                return self.event("customer.subscription.deleted", subscription, previous)
            return self.event("customer.subscription.updated", subscription, previous)

    def cancel_subscription(self, subscription_id):
        return self.update_subscription(subscription_id, status="canceled")

    def fail_payment(self, subscription_id):
        """A renewal whose charge fails: the subscription goes past_due; returns both events."""
        with self.lock:
            subscription = self.get("subscription", subscription_id)
            price = subscription["items"]["data"][0]["price"]
            invoice = self.create_invoice(subscription, amount=price["unit_amount"], status="open")
            invoice["billing_reason"] = "subscription_cycle"
            subscription["latest_invoice"] = invoice["id"]
            return [
                self.update_subscription(subscription_id, status="past_due"),
                self.event("invoice.payment_failed", invoice),
            ]

    def event(self, event_type, obj, previous_attributes=None):
        """Record an event carrying a snapshot of ``obj`` as it is now."""
        with self.lock:
            data = {"object": deepcopy(obj)}
            if previous_attributes:
                data["previous_attributes"] = deepcopy(previous_attributes)
            event = {
                "id": self.new_id("evt"),
                "object": "event",
                "api_version": API_VERSION,
                "created": int(time.time()),
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
            return self.public(session)

    def pay_checkout(self, session_id):
        """What the hosted Checkout page's Pay button does; returns the URL to send the customer to."""
        with self.lock:
            session = self.get("checkout.session", session_id)
            if session["status"] == "expired":
                return session["cancel_url"] or "/"
            if session["status"] != "open":
                return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            params = session["_params"]
            line = params["line_items"][0]
            trial_days = int(params.get("subscription_data", {}).get("trial_period_days") or 0)
            metadata = params.get("subscription_data", {}).get("metadata") or {}
            created = self.create_subscription(
                session["customer"], line["price"], trial_days=trial_days, metadata=metadata
            )
            subscription = created["data"]["object"]
            invoice = self.objects["invoice"][subscription["latest_invoice"]]
            session.update(
                status="complete",
                payment_status="no_payment_required" if trial_days else "paid",
                subscription=subscription["id"],
                invoice=invoice["id"],
            )
            events = [created, self.event("invoice.paid", invoice), self.event("checkout.session.completed", session)]
        self.deliver_later(*events)
        return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)

    def portal_action(self, portal_session_id, action, subscription_id):
        """A Portal button: cancel the plan, or (demo only) fail a renewal or warn that the trial ends."""
        with self.lock:
            portal = self.get("billing_portal.session", portal_session_id)
            subscription = self.get("subscription", subscription_id)
            if subscription["customer"] != portal["customer"]:
                raise missing("subscription", subscription_id)
            if action == "cancel":
                events = [self.cancel_subscription(subscription_id)]
            elif action == "fail":
                events = self.fail_payment(subscription_id)
            else:
                events = [self.event("customer.subscription.trial_will_end", subscription)]
        self.deliver_later(*events)

    def public(self, obj):
        return {key: value for key, value in obj.items() if not key.startswith("_")}


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
        fake = self.fake
        try:
            if url.path.startswith("/v1/"):
                self.check_key()
                with fake.lock:
                    fake.requests.append((method, url.path, params))
                    key = self.headers.get("Idempotency-Key")
                    if method == "POST" and key and (url.path, key) in fake.idempotent:
                        return self.send_json(fake.idempotent[(url.path, key)])
                    answer = self.api(method, url.path, params)
                    if method == "POST" and key:
                        fake.idempotent[(url.path, key)] = answer
                return self.send_json(answer)
            return self.page(method, url.path)
        except StripeError as error:
            return self.send_json(error.body, status=error.status)

    def check_key(self):
        if self.headers.get("Authorization") != f"Bearer {self.fake.secret_key}":
            raise StripeError(401, "Invalid API Key provided.", error_type="invalid_request_error")

    # The API

    KINDS = {
        "customers": "customer",
        "products": "product",
        "prices": "price",
        "subscriptions": "subscription",
        "invoices": "invoice",
        "events": "event",
        "webhook_endpoints": "webhook_endpoint",
        "checkout/sessions": "checkout.session",
    }

    def api(self, method, path, params):
        fake = self.fake
        match = re.fullmatch(
            r"/v1/(checkout/sessions|billing_portal/sessions|[a-z_]+)(?:/([\w]+))?(/features|/expire)?", path
        )
        if not match:
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")
        resource, object_id, suffix = match.groups()
        features, expire = suffix == "/features", suffix == "/expire"
        kind = self.KINDS.get(resource)

        if (method, resource) == ("GET", "account"):
            return fake.account
        if features:
            return {"object": "list", "data": [], "has_more": False, "url": path}
        if method == "GET" and kind and object_id:
            return fake.public(fake.get(kind, object_id))
        if method == "GET" and kind:
            return self.list_objects(kind, params, path)
        if (method, resource, object_id) == ("POST", "customers", None):
            return fake.create_customer(params.get("email", ""), params.get("name"), params.get("metadata"))
        if (method, resource, object_id) == ("POST", "products", None):
            return fake.create_product(params["name"], params.get("id"), params.get("metadata"))
        if (method, resource, object_id) == ("POST", "prices", None):
            return fake.create_price(
                params["product"],
                params["unit_amount"],
                params["recurring"]["interval"],
                params.get("lookup_key"),
                params.get("currency", "usd"),
                truthy(params.get("transfer_lookup_key")),
            )
        if (method, resource, object_id) == ("POST", "webhook_endpoints", None):
            return self.create_webhook_endpoint(params)
        if (method, resource, object_id) == ("POST", "checkout/sessions", None):
            return self.create_checkout_session(params)
        if (method, resource) == ("POST", "checkout/sessions") and object_id and expire:
            return fake.expire_checkout_session(object_id)
        if (method, resource, object_id) == ("POST", "billing_portal/sessions", None):
            return self.create_portal_session(params)
        if (method, resource) == ("DELETE", "subscriptions") and object_id:
            return fake.cancel_subscription(object_id)["data"]["object"]
        if (method, resource) == ("POST", "subscriptions") and object_id:
            changes = {k: truthy(v) if k == "cancel_at_period_end" else v for k, v in params.items() if k != "expand"}
            return fake.update_subscription(object_id, **changes)["data"]["object"]
        if method == "POST" and kind in ("customer", "product") and object_id:
            obj = fake.get(kind, object_id)
            obj.update({k: v for k, v in params.items() if k not in ("expand", "metadata")})
            obj["metadata"].update(params.get("metadata", {}))
            return obj
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def create_webhook_endpoint(self, params):
        fake = self.fake
        endpoint = {
            "id": fake.new_id("we"),
            "object": "webhook_endpoint",
            "url": params["url"],
            "enabled_events": params.get("enabled_events", ["*"]),
            "status": "enabled",
            "api_version": params.get("api_version"),
            "application": None,
            "created": int(time.time()),
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "secret": fake.webhook_secret,
        }
        fake.objects["webhook_endpoint"][endpoint["id"]] = endpoint
        return endpoint

    def list_objects(self, kind, params, path):
        items = list(self.fake.objects[kind].values())
        filters = {
            "customer": lambda o: o.get("customer") == params["customer"],
            "subscription": lambda o: o.get("subscription") == params["subscription"],
            "email": lambda o: o.get("email") == params["email"],
            "product": lambda o: o.get("product") == params["product"],
            "active": lambda o: o.get("active") == truthy(params["active"]),
            "lookup_keys": lambda o: o.get("lookup_key") in params["lookup_keys"],
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
        limit = int(params.get("limit", 100))
        return {"object": "list", "data": [self.fake.public(o) for o in items[:limit]], "has_more": False, "url": path}

    def create_checkout_session(self, params):
        fake = self.fake
        if params.get("mode") != "subscription":
            raise StripeError(400, "The fake only supports subscription mode.", param="mode")
        customer = fake.get("customer", params.get("customer", ""))
        lines = params.get("line_items") or []
        if not lines:
            raise StripeError(400, "Missing required param: line_items.", param="line_items")
        price = fake.price_for(lines[0]["price"])
        session_id = fake.new_id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": "subscription",
            "status": "open",
            "payment_status": "unpaid",
            "customer": customer["id"],
            "customer_email": None,
            "client_reference_id": params.get("client_reference_id"),
            "subscription": None,
            "invoice": None,
            "payment_intent": None,
            "setup_intent": None,
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "url": f"{fake.url}/checkout/{session_id}",
            "allow_promotion_codes": truthy(params.get("allow_promotion_codes")),
            "tax_id_collection": {"enabled": truthy(params.get("tax_id_collection", {}).get("enabled"))},
            "amount_total": price["unit_amount"],
            "amount_subtotal": price["unit_amount"],
            "currency": price["currency"],
            "created": int(time.time()),
            "expires_at": int(time.time()) + DAY,
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "_params": params,
        }
        fake.objects["checkout.session"][session_id] = session
        return fake.public(session)

    def create_portal_session(self, params):
        fake = self.fake
        customer = fake.get("customer", params.get("customer", ""))
        portal_id = fake.new_id("bps")
        portal = {
            "id": portal_id,
            "object": "billing_portal.session",
            "customer": customer["id"],
            "return_url": params.get("return_url"),
            "url": f"{fake.url}/portal/{portal_id}",
            "created": int(time.time()),
            "livemode": False,
        }
        fake.objects["billing_portal.session"][portal_id] = portal
        return portal

    # Hosted pages

    def page(self, method, path):
        fake = self.fake
        match = re.fullmatch(r"/checkout/([\w]+)(/pay)?", path)
        if match and method == "GET" and not match[2]:
            return self.send_html(self.checkout_page(fake.get("checkout.session", match[1])))
        if match and method == "POST" and match[2]:
            return self.redirect(fake.pay_checkout(match[1]))
        match = re.fullmatch(r"/invoices/(\w+)(?:\.pdf)?", path)
        if match and method == "GET":
            return self.send_html(self.invoice_page(fake.get("invoice", match[1])))
        match = re.fullmatch(r"/portal/(\w+)(?:/(cancel|fail|trial_will_end)/(\w+))?", path)
        if match and method == "GET" and not match[2]:
            return self.send_html(self.portal_page(fake.get("billing_portal.session", match[1])))
        if match and method == "POST" and match[2]:
            fake.portal_action(match[1], match[2], match[3])
            return self.redirect(f"/portal/{match[1]}")
        raise StripeError(404, "Not found")

    def checkout_page(self, session):
        price = self.fake.price_for(session["_params"]["line_items"][0]["price"])
        product = self.fake.get("product", price["product"])
        trial_days = int(session["_params"].get("subscription_data", {}).get("trial_period_days") or 0)
        if session["status"] == "expired":
            return (
                "<h1>This checkout session has expired</h1>"
                f'<p><a href="{html.escape(session["cancel_url"] or "/")}">Back</a></p>'
            )
        amount = f"${price['unit_amount'] / 100:,.2f} per {price['recurring']['interval']}"
        trial = f"<p>{trial_days}-day free trial, then {amount}.</p>" if trial_days else f"<p>{amount}</p>"
        return (
            f"<h1>Subscribe to {html.escape(product['name'])}</h1>{trial}"
            f"<p>Fake test card 4242 4242 4242 4242, nothing is charged.</p>"
            f'<form method="post" action="/checkout/{session["id"]}/pay"><button type="submit">Pay</button></form>'
            f'<p><a href="{html.escape(session["cancel_url"] or "/")}">Back</a></p>'
        )

    def invoice_page(self, invoice):
        amount = f"${invoice['total'] / 100:,.2f}"
        return f"<h1>Invoice {invoice['number']}</h1><p>{amount}, {invoice['status']}</p>"

    def portal_page(self, portal):
        rows = []
        subscriptions = [s for s in self.fake.objects["subscription"].values() if s["customer"] == portal["customer"]]
        for subscription in subscriptions:
            product = self.fake.get("product", subscription["items"]["data"][0]["price"]["product"])
            actions = {"cancel": "Cancel plan", "fail": "Simulate a failed renewal"}
            if subscription["status"] == "trialing":
                actions["trial_will_end"] = "Simulate the trial-ending reminder"
            buttons = "".join(
                f'<form method="post" action="/portal/{portal["id"]}/{action}/{subscription["id"]}">'
                f'<button type="submit">{label}</button></form>'
                for action, label in actions.items()
            )
            if subscription["status"] in ("canceled", "incomplete_expired"):
                buttons = ""
            rows.append(f"<li>{html.escape(product['name'])}: {subscription['status']} {buttons}</li>")
        return (
            f"<h1>Billing portal</h1><ul>{''.join(rows) or '<li>No subscriptions</li>'}</ul>"
            f'<p><a href="{html.escape(portal["return_url"] or "/")}">Return to Inkwell</a></p>'
        )

    # Responses

    def send_json(self, payload, status=200):
        self.send_body(json.dumps(payload).encode(), "application/json", status)

    def send_html(self, body):
        head = "<meta charset='utf-8'><title>Fake Stripe</title>"
        page = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
        self.send_body(page.encode(), "text/html; charset=utf-8", 200)

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
