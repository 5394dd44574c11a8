"""POST /billing/portal/ sends a customer to the Stripe Customer Portal, which Stripe opens only with
a configuration: the account's default (saved in the Dashboard) or the one setup_billing creates."""

import logging

import pytest
import stripe

from billing.views import PORTAL_NOT_SET_UP, UNREACHABLE

pytestmark = pytest.mark.django_db


def test_the_portal_opens_with_the_configuration_setup_billing_created(client, user, customer, fake):
    client.force_login(user)
    [configuration] = fake.objects["billing_portal.configuration"].values()

    response = client.post("/billing/portal/")

    assert response.status_code == 303
    assert response["Location"].startswith(f"{fake.url}/portal/bps_")
    [params] = fake.calls("POST", "/v1/billing_portal/sessions")
    assert params == {
        "customer": customer.id,
        "return_url": "http://testserver/billing/",
        "configuration": configuration["id"],
    }


def test_the_accounts_default_configuration_is_used_when_the_dashboard_has_one(client, user, customer, fake):
    default = fake.save_portal_settings()
    client.force_login(user)

    response = client.post("/billing/portal/")

    assert response.status_code == 303
    [params] = fake.calls("POST", "/v1/billing_portal/sessions")
    assert "configuration" not in params
    [portal] = fake.objects["billing_portal.session"].values()
    assert portal["configuration"] == default["id"]


def messages_after(response):
    return " ".join(str(message) for message in response.context["messages"])


def test_without_any_portal_configuration_manage_billing_says_it_is_not_set_up(client, user, customer, fake, caplog):
    fake.objects["billing_portal.configuration"].clear()  # a fresh account: nothing saved, setup_billing not run
    client.force_login(user)

    with caplog.at_level(logging.ERROR, logger="billing.views"):
        response = client.post("/billing/portal/", follow=True)

    assert response.redirect_chain == [("/billing/", 302)]
    assert PORTAL_NOT_SET_UP in messages_after(response)
    assert "could not reach" not in response.content.decode()
    assert "setup_billing" in caplog.text


def test_stripe_refusing_the_session_is_reported_as_a_set_up_problem(client, user, customer, fake, caplog):
    fake.objects["customer"].clear()  # Stripe no longer knows the customer (deleted in the Dashboard)
    client.force_login(user)

    with caplog.at_level(logging.ERROR, logger="billing.views"):
        response = client.post("/billing/portal/", follow=True)

    assert PORTAL_NOT_SET_UP in messages_after(response)
    assert "No such customer" in caplog.text


def test_an_unreachable_stripe_is_reported_as_such(client, user, customer, monkeypatch):
    def unreachable(**params):
        raise stripe.APIConnectionError("Stripe is down")

    monkeypatch.setattr(stripe.billing_portal.Session, "create", unreachable)
    client.force_login(user)

    response = client.post("/billing/portal/", follow=True)

    assert UNREACHABLE in messages_after(response)


def test_without_a_customer_the_portal_sends_the_user_to_pricing(client, user, catalog, fake):
    client.force_login(user)

    response = client.post("/billing/portal/", follow=True)

    assert response.redirect_chain == [("/pricing/", 302)]
    assert "no billing account yet" in response.content.decode()
    assert fake.calls("POST", "/v1/billing_portal/sessions") == []


def test_without_stripe_keys_the_portal_says_billing_is_not_configured(client, user):
    client.force_login(user)

    response = client.post("/billing/portal/", follow=True)

    assert "not configured" in response.content.decode()
