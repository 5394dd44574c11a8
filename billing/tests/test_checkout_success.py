"""The page Checkout returns to waits for the webhook; it never changes the plan itself."""

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_session(client, user, catalog, fake):
    """The user went through Checkout and paid; the webhooks have not been delivered yet."""
    client.force_login(user)
    client.post("/billing/checkout/", {"price": "pro_monthly"})
    [session_id] = fake.objects["checkout.session"]
    fake.pay_checkout(session_id)
    return session_id


def events_of(fake, *types):
    return [event for event in fake.objects["event"].values() if event["type"] in types]


def test_returning_from_checkout_does_not_change_the_plan(client, user, paid_session):
    response = client.get(f"/billing/success/?session_id={paid_session}")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Confirming your subscription" in page
    assert 'hx-trigger="load delay:2s"' in page
    user.refresh_from_db()
    assert user.plan == "free"


def test_the_page_shows_the_new_plan_once_the_webhooks_have_landed(client, user, paid_session, fake, post_event):
    poll = f"/billing/success/?session_id={paid_session}&attempt=3"
    assert "Confirming your subscription" in client.get(poll, HTTP_HX_REQUEST="true").content.decode()

    for event in events_of(fake, "customer.subscription.created", "invoice.paid", "checkout.session.completed"):
        post_event(event)
    fragment = client.get(poll, HTTP_HX_REQUEST="true").content.decode()

    assert "Your Pro trial has started" in fragment
    assert "hx-trigger" not in fragment
    assert "<html" not in fragment


def test_a_trial_says_nothing_was_charged_and_when_the_first_payment_happens(
    client, user, paid_session, fake, post_event
):
    for event in events_of(fake, "customer.subscription.created", "invoice.paid", "checkout.session.completed"):
        post_event(event)
    [subscription] = fake.objects["subscription"].values()
    trial_end = datetime.fromtimestamp(subscription["trial_end"], tz=UTC).strftime("%B %-d, %Y")

    page = client.get(f"/billing/success/?session_id={paid_session}").content.decode()

    assert "payment is confirmed" not in page
    assert "Nothing has been charged today" in page
    assert f"Your first payment of <strong>$19.00</strong> is charged on {trial_end}" in page


def test_a_checkout_without_a_trial_confirms_the_payment(client, user, customer, catalog, fake, post_event):
    ended = fake.create_subscription(customer.id, "pro_monthly")
    post_event(fake.cancel_subscription(ended["data"]["object"]["id"]))
    client.force_login(user)
    client.post("/billing/checkout/", {"price": "pro_monthly"})
    [session_id] = fake.objects["checkout.session"]
    fake.pay_checkout(session_id)
    for event in events_of(fake, "customer.subscription.created", "checkout.session.completed"):
        post_event(event)

    page = client.get(f"/billing/success/?session_id={session_id}").content.decode()

    assert "Welcome to Pro" in page and "Your payment is confirmed" in page


def test_polling_stops_after_a_while_and_says_what_to_expect(client, paid_session):
    fragment = client.get(f"/billing/success/?session_id={paid_session}&attempt=60", HTTP_HX_REQUEST="true")

    assert "Still confirming your subscription" in fragment.content.decode()
    assert "hx-trigger" not in fragment.content.decode()


def test_another_users_session_is_never_confirmed(client, user_factory, paid_session, fake, post_event):
    for event in events_of(fake, "customer.subscription.created", "checkout.session.completed"):
        post_event(event)
    client.force_login(user_factory())

    page = client.get(f"/billing/success/?session_id={paid_session}&attempt=x").content.decode()

    assert "Confirming your subscription" in page


@pytest.mark.parametrize("session_id", ["", "%00", "cs_test%00x", "../billing", "x" * 300])
def test_a_link_without_a_checkout_session_id_goes_to_billing_instead_of_waiting(client, user, session_id):
    client.force_login(user)

    response = client.get(f"/billing/success/?session_id={session_id}", follow=True)

    assert response.redirect_chain == [("/billing/", 302)]
    assert "not from a Stripe Checkout" in response.content.decode()
