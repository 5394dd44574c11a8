from django import forms
from django.core.validators import validate_slug

from accounts.models import Invitation, Membership, Team, validate_one_line_text
from accounts.teams import slug_is_free

BRAND_VOICE_MAX_CHARS = 4000
# The roles people are invited as or changed to; ownership moves by transfer only.
ROLE_CHOICES = [(Membership.Role.MEMBER, "Member"), (Membership.Role.ADMIN, "Admin")]


class TeamCreateForm(forms.Form):
    name = forms.CharField(
        max_length=Team._meta.get_field("name").max_length,
        validators=[validate_one_line_text],
        widget=forms.TextInput(attrs={"placeholder": "Acme Marketing"}),
    )
    slug = forms.CharField(
        label="Address",
        max_length=50,
        help_text="Lowercase letters, numbers and hyphens; used in the team's links.",
        widget=forms.TextInput(attrs={"placeholder": "acme-marketing", "autocapitalize": "none"}),
    )

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_slug(self):
        slug = self.cleaned_data["slug"].strip().lower()
        validate_slug(slug)
        if not slug_is_free(slug):
            raise forms.ValidationError(f"The address “{slug}” is taken; try another.")
        return slug


class InviteForm(forms.Form):
    email = forms.EmailField(
        max_length=Invitation._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"placeholder": "colleague@example.com"}),
    )
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Membership.Role.MEMBER)


class RoleForm(forms.Form):
    """A member's role, shown selected on the team page for those who may change it."""

    role = forms.ChoiceField(choices=ROLE_CHOICES)

    def __init__(self, member, **kwargs):
        super().__init__(initial={"role": member.role}, auto_id=f"member-{member.pk}-%s", **kwargs)


class BrandVoiceForm(forms.Form):
    brand_voice = forms.CharField(
        label="Brand voice",
        required=False,
        max_length=BRAND_VOICE_MAX_CHARS,
        widget=forms.Textarea(
            attrs={
                "rows": 12,
                "placeholder": "We write in plain, warm English. Short sentences. No jargon, no exclamation marks. "
                "Address the reader as “you”.",
            }
        ),
        help_text="Sent to the model as the system prompt for every generation in this team's workspace.",
    )
