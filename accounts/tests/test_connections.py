"""Connecting and disconnecting Google/GitHub from the account page."""

from allauth.socialaccount.models import SocialAccount

from accounts.tests.oauth import github_answers, sign_in_with


def test_account_page_offers_to_connect_each_configured_provider(signed_in_client, providers):
    page = signed_in_client.get("/account/").content.decode()
    assert "Connect Google" in page
    assert "Connect GitHub" in page


def test_account_page_says_when_no_provider_is_configured(signed_in_client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "not set up on this site" in signed_in_client.get("/account/").content.decode()


def test_connecting_github_links_it_to_the_signed_in_user(signed_in_client, user, providers, provider_http):
    github_answers(provider_http, email="other-address@example.com")

    response = sign_in_with(signed_in_client, "github", {"process": "connect"})

    assert response["Location"] == "/account/#connections"
    assert SocialAccount.objects.get(provider="github").user == user
    page = signed_in_client.get("/account/").content.decode()
    assert "octocat" in page
    assert "Connect GitHub" not in page


def test_disconnecting_the_only_provider_works_while_the_email_is_verified(signed_in_client, user, providers):
    account = SocialAccount.objects.create(user=user, provider="github", uid="1", extra_data={"login": "octocat"})

    signed_in_client.post("/account/connections/disconnect/", {"account": account.pk})

    assert not SocialAccount.objects.filter(pk=account.pk).exists()


def test_disconnecting_is_refused_when_it_would_lock_the_user_out(client, user_factory, providers):
    user = user_factory(verified=False)
    account = SocialAccount.objects.create(user=user, provider="github", uid="1", extra_data={"login": "octocat"})
    client.force_login(user)

    response = client.post("/account/connections/disconnect/", {"account": account.pk}, follow=True)

    assert "Verify your email address first" in response.content.decode()
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_a_user_cannot_disconnect_someone_elses_account(signed_in_client, user_factory, providers):
    account = SocialAccount.objects.create(user=user_factory(), provider="github", uid="9", extra_data={})
    signed_in_client.post("/account/connections/disconnect/", {"account": account.pk})
    assert SocialAccount.objects.filter(pk=account.pk).exists()


def test_an_account_whose_provider_was_turned_off_is_listed_without_actions(signed_in_client, user, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    SocialAccount.objects.create(user=user, provider="github", uid="1", extra_data={"login": "octocat"})

    page = signed_in_client.get("/account/").content.decode()

    assert "Sign-in with Github is turned off on this site." in page
    assert "Disconnect" not in page
