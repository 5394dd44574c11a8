from allauth.account.forms import RequestLoginCodeForm
from allauth.socialaccount import forms as allauth_social_forms
from django import forms
from django.core.validators import MaxLengthValidator

from accounts.models import ApiKey, User
from accounts.team_forms import BRAND_VOICE_MAX_CHARS


class LoginForm(RequestLoginCodeForm):
    """allauth's "email me a code" form, finding suspended accounts too.

    allauth looks up active users only, so a suspended user would be told by email that no
    account exists. Here the code goes out as usual and, once it is entered, allauth's
    pre-login check shows the "account suspended" page: only the address's owner learns it.
    """

    def clean_email(self):
        email = super().clean_email()
        if email and self._user is None:
            # A private attribute: allauth 65.21's RequestLoginCodeForm keeps the account it found in
            # ``_user``, and RequestLoginCodeView.form_valid sends the code to that account; allauth has no
            # public hook that includes inactive accounts. Guarded by accounts/tests/test_bans.py
            # (test_a_banned_user_who_signs_in_is_told_the_account_is_suspended) and
            # accounts/tests/test_email_code_login.py (new and known addresses).
            self._user = User.objects.filter(email__iexact=email, is_active=False).first()
        return email

    @property
    def has_account(self) -> bool:
        """Whether the address belongs to an account (active or suspended); if not, /login/ signs it up."""
        return self._user is not None


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name"]
        labels = {"name": "Key name"}
        widgets = {"name": forms.TextInput(attrs={"placeholder": "e.g. Zapier, my laptop", "autocomplete": "off"})}


class PersonalBrandVoiceForm(forms.ModelForm):
    """The house style of the personal workspace, like a team's brand voice (accounts/team_forms.py)."""

    class Meta:
        model = User
        fields = ["brand_voice"]
        labels = {"brand_voice": "Your brand voice"}
        help_texts = {
            "brand_voice": "Sent to the model as the system prompt for everything you write in your personal workspace."
        }
        widgets = {
            "brand_voice": forms.Textarea(
                attrs={
                    "rows": 5,
                    "placeholder": "e.g. Plain, warm English. Short sentences. British spelling. No exclamation marks.",
                }
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand_voice"].max_length = BRAND_VOICE_MAX_CHARS
        self.fields["brand_voice"].validators.append(MaxLengthValidator(BRAND_VOICE_MAX_CHARS))
        self.fields["brand_voice"].widget.attrs["maxlength"] = BRAND_VOICE_MAX_CHARS

    def clean_brand_voice(self):
        return self.cleaned_data["brand_voice"].strip()


class DisconnectForm(allauth_social_forms.DisconnectForm):
    """allauth's disconnect form with the rule that fits passwordless accounts.

    allauth refuses to disconnect the last Google/GitHub account of a user with no password.
    Here nobody has a password: what keeps an account reachable is a verified email address,
    to which sign-in codes are sent.
    """

    def clean(self):
        cleaned_data = forms.Form.clean(self)
        account = cleaned_data.get("account")
        is_last = account is not None and not self.accounts.exclude(pk=account.pk).exists()
        if is_last and not account.user.emailaddress_set.filter(verified=True).exists():
            raise forms.ValidationError(
                "Verify your email address first: without it you could not sign in after disconnecting."
            )
        return cleaned_data
