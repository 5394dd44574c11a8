"""manage.py setup_billing makes Stripe match the catalog, including after changes made in the Dashboard."""

import io

import pytest
from django.core.management import CommandError, call_command
from djstripe.models import Price, WebhookEndpoint

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_setup_billing_creates_products_prices_and_the_webhook_endpoint(fake, db, settings):
    out = run("setup_billing")

    assert out.count("created product") == 2 and out.count("created price") == 4
    assert "created Customer Portal configuration" in out
    prices = {p["lookup_key"]: p for p in fake.objects["price"].values()}
    assert {key: (p["unit_amount"], p["recurring"]["interval"]) for key, p in prices.items()} == {
        "pro_monthly": (1900, "month"),
        "pro_yearly": (18240, "year"),
        "team_monthly": (4900, "month"),
        "team_yearly": (47040, "year"),
    }
    assert set(Price.objects.values_list("lookup_key", flat=True)) == set(prices)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret == settings.STRIPE_WEBHOOK_SECRET
    assert f"/stripe/webhook/{endpoint.djstripe_uuid}/" in out


def test_setup_billing_twice_creates_nothing_new(fake, db):
    run("setup_billing")
    calls = len(fake.requests)

    out = run("setup_billing")

    assert "created" not in out
    assert out.count("found product") == 2 and out.count("found price") == 4 and "found webhook endpoint" in out
    assert "found Customer Portal configuration" in out
    assert [c for c in fake.requests[calls:] if c[0] == "POST"] == []
    assert len(fake.objects["price"]) == 4 and WebhookEndpoint.objects.count() == 1


def test_setup_billing_replaces_a_price_whose_amount_changed(fake, db):
    run("setup_billing")
    fake.price_for("pro_monthly")["unit_amount"] = 1500

    out = run("setup_billing")

    assert "replaced price pro_monthly" in out
    assert fake.price_for("pro_monthly")["unit_amount"] == 1900
    assert "updated Customer Portal configuration" in out


def test_the_portal_configuration_offers_card_update_invoices_cancel_and_the_four_prices(fake, db):
    run("setup_billing")

    [configuration] = fake.objects["billing_portal.configuration"].values()
    features = configuration["features"]
    assert features["payment_method_update"]["enabled"] and features["invoice_history"]["enabled"]
    assert features["subscription_cancel"]["enabled"]
    assert features["subscription_cancel"]["mode"] == "at_period_end"
    switchable = {price for product in features["subscription_update"]["products"] for price in product["prices"]}
    lookup_keys = {"pro_monthly", "pro_yearly", "team_monthly", "team_yearly"}
    assert switchable == {fake.price_for(key)["id"] for key in lookup_keys}


def test_an_account_with_a_default_portal_configuration_keeps_it(fake, db):
    default = fake.save_portal_settings()

    out = run("setup_billing")

    assert f"found the Customer Portal's default configuration {default['id']}" in out
    assert list(fake.objects["billing_portal.configuration"]) == [default["id"]]


def test_a_price_archived_in_the_dashboard_is_replaced_and_the_new_one_takes_its_lookup_key(fake, db):
    run("setup_billing")
    archived = fake.price_for("pro_monthly")
    fake.archive_price("pro_monthly")

    out = run("setup_billing")

    assert f"replaced price pro_monthly ({archived['id']}, 19.00 USD/month, archived) with price_" in out
    replacement = fake.price_for("pro_monthly")
    assert replacement["id"] != archived["id"] and replacement["active"]
    assert archived["lookup_key"] is None
    [params] = [p for p in fake.calls("POST", "/v1/prices") if p["lookup_key"] == "pro_monthly"][-1:]
    assert params["transfer_lookup_key"] == "true"
    assert Price.objects.get(lookup_key="pro_monthly").id == replacement["id"]
    assert "updated Customer Portal configuration" in out
    assert "found price pro_yearly" in out


def test_an_archived_product_is_reactivated_so_checkout_works_again(fake, db, client, user):
    run("setup_billing")
    fake.archive_product("inkwell_pro")

    out = run("setup_billing")

    assert "reactivated product inkwell_pro (Inkwell Pro): it had been archived" in out
    assert fake.objects["product"]["inkwell_pro"]["active"]
    client.force_login(user)
    assert client.post("/billing/checkout/", {"price": "pro_monthly"}).status_code == 303


def test_setup_billing_without_keys_says_what_to_set(db):
    with pytest.raises(CommandError, match="STRIPE_SECRET_KEY"):
        run("setup_billing")
