"""/account/export/ and /account/delete/: a user takes their data away, or deletes the account
(its Stripe subscriptions canceled at once, through the fake Stripe)."""

import html
import json

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey, Membership, Team, User
from billing.tests.conftest import catalog, customer, fake, post_event, webhook_endpoint  # noqa: F401
from generation.models import Document, Generation
from tests.factories import DocumentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def generation_of(user, prompt, team=None):
    return Generation.objects.create(
        user=user,
        team=team,
        prompt=prompt,
        output=f"Answer to {prompt}",
        status="completed",
        plan=user.plan,
        provider="demo",
        model="demo",
    )


@pytest.fixture
def writer(db):
    user = UserFactory(name="Ada")
    ApiKey.issue(user, "laptop")
    return user


@pytest.fixture
def writer_client(writer):
    client = Client()
    client.force_login(writer)
    client.get(reverse("account"))  # a tracked session, as a browser has
    return client


def test_export_downloads_the_profile_generations_personal_documents_and_teams(writer, writer_client):
    team = TeamFactory(owner=UserFactory(), name="Acme")
    Membership.objects.create(team=team, user=writer, role="member")
    generation_of(writer, "A note")
    generation_of(writer, "A team note", team=team)
    DocumentFactory(created_by=writer, title="My draft", body="Mine")
    DocumentFactory(created_by=writer, team=team, title="Team draft")
    generation_of(UserFactory(), "Someone else's")

    response = writer_client.get(reverse("account_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="inkwell-export-')
    data = json.loads(response.content)
    assert data["profile"]["email"] == writer.email and data["profile"]["name"] == "Ada"
    assert [key["name"] for key in data["profile"]["api_keys"]] == ["laptop"]
    assert "key_hash" not in json.dumps(data)
    assert [(g["prompt"], g["workspace"]) for g in data["generations"]] == [
        ("A note", "personal"),
        ("A team note", team.slug),
    ]
    assert [(d["title"], d["body"]) for d in data["documents"]] == [("My draft", "Mine")]
    assert [(t["name"], t["role"]) for t in data["teams"]] == [("Acme", "member")]


def test_export_needs_sign_in(client):
    assert client.get(reverse("account_export"))["Location"].startswith(reverse("login"))


def test_delete_needs_the_accounts_email_typed(writer, writer_client):
    response = writer_client.post(reverse("account_delete"), {"confirm_email": "someone@example.com"})

    assert response.status_code == 400
    assert f"Type your account's email address, {writer.email}, to confirm." in text_of(response)
    assert User.objects.filter(pk=writer.pk).exists()


def test_delete_is_refused_while_the_user_owns_a_team_with_other_members(writer, writer_client):
    team = TeamFactory(owner=writer, name="Acme")
    Membership.objects.create(team=team, user=UserFactory())

    page = writer_client.get(reverse("account_delete")).content.decode()
    response = writer_client.post(reverse("account_delete"), {"confirm_email": writer.email})

    assert "which other people belong to" in page
    assert response.status_code == 400
    assert "You own “Acme”, which other people belong to." in text_of(response)
    assert User.objects.filter(pk=writer.pk).exists() and Team.objects.filter(pk=team.pk).exists()


def test_delete_removes_personal_data_sessions_and_keys_and_keeps_other_teams_work(writer, writer_client):
    other_team = TeamFactory(owner=UserFactory(), name="Acme")
    Membership.objects.create(team=other_team, user=writer)
    solo_team = TeamFactory(owner=writer, name="Just me")
    DocumentFactory(created_by=writer, title="My draft")
    shared = DocumentFactory(created_by=writer, team=other_team, title="Team draft")
    generation_of(writer, "A note")
    other_device = Client()
    other_device.force_login(writer)
    other_device.get(reverse("account"))
    assert UserSession.objects.filter(user=writer).count() == 2

    response = writer_client.post(reverse("account_delete"), {"confirm_email": writer.email.upper()}, follow=True)

    assert response.redirect_chain == [(reverse("landing"), 302)]
    assert "and its data are deleted" in text_of(response)
    assert not User.objects.filter(pk=writer.pk).exists()
    assert not ApiKey.objects.exists()
    assert not Generation.objects.filter(prompt="A note").exists()
    assert not Document.objects.filter(title="My draft").exists()
    assert not Team.objects.filter(pk=solo_team.pk).exists()
    assert Document.objects.filter(pk=shared.pk).exists()
    assert not UserSession.objects.exists() and not Session.objects.exists()
    assert other_device.get(reverse("account"))["Location"].startswith(reverse("login"))


def test_delete_cancels_the_stripe_subscription_at_once(user, customer, fake, post_event):  # noqa: F811
    created = fake.create_subscription(customer.id, "pro_monthly")
    post_event(created)
    subscription_id = created["data"]["object"]["id"]
    client = Client()
    client.force_login(user)

    page = client.get(reverse("account_delete")).content.decode()
    client.post(reverse("account_delete"), {"confirm_email": user.email})

    assert "cancels your Pro subscription now" in page
    assert fake.objects["subscription"][subscription_id]["status"] == "canceled"
    assert fake.calls("DELETE", f"/v1/subscriptions/{subscription_id}")
    assert not User.objects.filter(pk=user.pk).exists()


def test_when_stripe_cannot_cancel_the_account_is_kept(user, customer, fake, post_event, settings):  # noqa: F811
    post_event(fake.create_subscription(customer.id, "pro_monthly"))
    settings.STRIPE_SECRET_KEY = "sk_test_revoked"
    client = Client()
    client.force_login(user)

    response = client.post(reverse("account_delete"), {"confirm_email": user.email})

    assert response.status_code == 502
    assert "Your account was not deleted" in text_of(response)
    assert User.objects.filter(pk=user.pk).exists()
