"""POST /billing/checkout/ sends the user to Stripe Checkout with the right parameters."""

import pytest
import stripe
from djstripe.models import Customer

from billing import stripe_api
from billing.plans import TRIAL_DAYS
from billing.views import CHECKOUT_NOT_SET_UP

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user, catalog):
    client.force_login(user)
    return client


def test_checkout_redirects_to_a_subscription_checkout_for_the_price_found_by_lookup_key(signed_in, fake, user):
    response = signed_in.post("/billing/checkout/", {"price": "pro_yearly"})

    assert response.status_code == 303
    assert response["Location"].startswith(f"{fake.url}/checkout/cs_test_")
    [params] = fake.calls("POST", "/v1/checkout/sessions")
    assert params["mode"] == "subscription"
    assert params["line_items"] == [{"price": fake.price_for("pro_yearly")["id"], "quantity": "1"}]
    assert params["subscription_data"]["trial_period_days"] == str(TRIAL_DAYS)
    assert params["allow_promotion_codes"] == "true"
    assert params["tax_id_collection"] == {"enabled": "true"}
    assert params["success_url"] == "http://testserver/billing/success/?session_id={CHECKOUT_SESSION_ID}"
    assert params["cancel_url"] == "http://testserver/pricing/"
    customer = Customer.objects.get(subscriber=user)
    assert params["customer"] == customer.id
    assert fake.objects["customer"][customer.id]["metadata"]["djstripe_subscriber"] == str(user.pk)


def test_a_second_checkout_reuses_the_customer(signed_in, fake, user):
    signed_in.post("/billing/checkout/", {"price": "pro_monthly"})
    signed_in.post("/billing/checkout/", {"price": "team_monthly"})

    first, second = fake.calls("POST", "/v1/checkout/sessions")
    assert first["customer"] == second["customer"]
    assert len(fake.objects["customer"]) == 1
    assert Customer.objects.filter(subscriber=user).count() == 1


def test_a_new_checkout_expires_the_open_one_so_a_double_submit_cannot_buy_twice(signed_in, fake):
    first = signed_in.post("/billing/checkout/", {"price": "pro_monthly"})["Location"].rsplit("/", 1)[1]
    second = signed_in.post("/billing/checkout/", {"price": "team_monthly"})["Location"].rsplit("/", 1)[1]

    assert fake.objects["checkout.session"][first]["status"] == "expired"
    assert fake.objects["checkout.session"][second]["status"] == "open"
    assert fake.pay_checkout(first) == "http://testserver/pricing/"
    fake.pay_checkout(second)
    [subscription] = fake.objects["subscription"].values()
    assert subscription["items"]["data"][0]["price"]["lookup_key"] == "team_monthly"


def test_a_checkout_paid_before_its_webhook_landed_is_not_bought_again(signed_in, fake, user):
    first = signed_in.post("/billing/checkout/", {"price": "pro_monthly"})["Location"].rsplit("/", 1)[1]
    fake.pay_checkout(first)  # no webhook delivered yet: the mirror and user.plan still say Free

    response = signed_in.post("/billing/checkout/", {"price": "pro_yearly"}, follow=True)

    assert response.redirect_chain == [("/billing/", 302)]
    assert "You already have a subscription" in response.content.decode()
    assert len(fake.calls("POST", "/v1/checkout/sessions")) == 1
    assert len(fake.objects["subscription"]) == 1


def test_no_second_trial_after_a_cancellation_the_mirror_has_not_seen(signed_in, fake, customer):
    subscription = fake.create_subscription(customer.id, "pro_monthly", trial_days=TRIAL_DAYS)
    fake.cancel_subscription(subscription["data"]["object"]["id"])  # neither event was delivered

    signed_in.post("/billing/checkout/", {"price": "pro_monthly"})

    [params] = fake.calls("POST", "/v1/checkout/sessions")
    assert "trial_period_days" not in params["subscription_data"]


@pytest.mark.django_db(transaction=True)
def test_a_stripe_error_during_checkout_keeps_the_customer_it_created(signed_in, fake, user, monkeypatch):
    def refuse(**params):
        raise stripe.APIConnectionError("Stripe is down")

    monkeypatch.setattr(stripe.checkout.Session, "create", refuse)

    response = signed_in.post("/billing/checkout/", {"price": "pro_monthly"})

    assert response.status_code == 502
    [stripe_customer] = fake.objects["customer"].values()
    assert Customer.objects.get(subscriber=user).id == stripe_customer["id"]


def test_the_trial_is_offered_once(signed_in, fake, customer, post_event, user):
    subscription = fake.create_subscription(customer.id, "pro_monthly", trial_days=TRIAL_DAYS)
    post_event(subscription)
    post_event(fake.cancel_subscription(subscription["data"]["object"]["id"]))

    signed_in.post("/billing/checkout/", {"price": "pro_monthly"})

    [params] = fake.calls("POST", "/v1/checkout/sessions")
    assert "trial_period_days" not in params["subscription_data"]


@pytest.mark.parametrize("price", ["", "enterprise_monthly", "free_monthly", "pro_weekly"])
def test_an_unknown_price_is_a_clear_error(signed_in, fake, price):
    response = signed_in.post("/billing/checkout/", {"price": price})

    assert response.status_code == 400
    assert "That price does not exist" in response.content.decode()
    assert fake.calls("POST", "/v1/checkout/sessions") == []


def test_a_price_missing_in_stripe_is_a_clear_error(client, user, fake):
    client.force_login(user)  # setup_billing has not run: Stripe has no prices

    response = client.post("/billing/checkout/", {"price": "pro_monthly"})

    assert response.status_code == 503
    assert "not available for purchase yet" in response.content.decode()


def test_a_paying_user_is_sent_to_manage_their_subscription(signed_in, fake, customer, post_event, user):
    post_event(fake.create_subscription(customer.id, "pro_monthly"))

    response = signed_in.post("/billing/checkout/", {"price": "team_monthly"})

    assert response.status_code == 302
    assert response["Location"] == "/billing/"
    assert fake.calls("POST", "/v1/checkout/sessions") == []


def test_checkout_without_stripe_keys_says_billing_is_not_configured(client, user):
    client.force_login(user)

    response = client.post("/billing/checkout/", {"price": "pro_monthly"})

    assert response.status_code == 503
    assert "not configured" in response.content.decode()


def test_checkout_needs_a_signed_in_user_and_a_post(client, user, catalog):
    assert client.post("/billing/checkout/", {"price": "pro_monthly"})["Location"].startswith("/login/")
    client.force_login(user)
    assert client.get("/billing/checkout/").status_code == 405


def test_stripe_refusing_an_archived_price_is_reported_as_a_set_up_problem(signed_in, fake, caplog):
    fake.archive_price("pro_monthly")  # in the Dashboard; its webhook has not arrived, the mirror says active

    response = signed_in.post("/billing/checkout/", {"price": "pro_monthly"})

    assert response.status_code == 503
    assert [str(message) for message in response.context["messages"]] == [CHECKOUT_NOT_SET_UP]
    assert "The price specified is inactive" in caplog.text


def test_a_checkout_still_being_prepared_in_another_tab_is_reported_not_doubled(signed_in, fake, user, monkeypatch):
    monkeypatch.setattr("billing.stripe_api.CHECKOUT_WAIT_SECONDS", 0)
    with stripe_api.one_checkout_at_a_time(user):
        response = signed_in.post("/billing/checkout/", {"price": "pro_monthly"})

    assert response.status_code == 409
    assert "still being prepared" in response.content.decode()
    assert fake.calls("POST", "/v1/checkout/sessions") == []
