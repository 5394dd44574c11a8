from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    """allauth's defaults.

    Suspended (banned) users reach allauth's ``account_inactive`` page through the default
    ``pre_login`` check, whichever way they sign in: email code, Google or GitHub.
    """

    def get_email_verification_redirect_url(self, email_address):
        """A signed-in user who confirmed (or changed to) an address returns to the account page."""
        if self.request.user.is_authenticated:
            return reverse("account") + "#email"
        return super().get_email_verification_redirect_url(email_address)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        """Keep the provider's display name (Google's "name", GitHub's "name" or login)."""
        user = super().populate_user(request, sociallogin, data)
        extra = sociallogin.account.extra_data
        user.name = (data.get("name") or extra.get("name") or extra.get("login") or "")[:150]
        return user

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("account") + "#connections"
