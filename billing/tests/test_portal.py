"""POST /billing/portal/ sends a customer to the Stripe Customer Portal."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_portal_opens_for_the_users_customer_and_returns_to_billing(client, user, customer, fake):
    client.force_login(user)

    response = client.post("/billing/portal/")

    assert response.status_code == 303
    assert response["Location"].startswith(f"{fake.url}/portal/bps_")
    [params] = fake.calls("POST", "/v1/billing_portal/sessions")
    assert params == {"customer": customer.id, "return_url": "http://testserver/billing/"}


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
