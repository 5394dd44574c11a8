from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm, ConfirmLoginCodeForm
from allauth.account.mixins import NextRedirectMixin
from allauth.account.utils import complete_signup, perform_login
from allauth.account.views import RequestLoginCodeView
from allauth.account.views import confirm_login_code as allauth_confirm_login_code
from allauth.account.views import email as allauth_email
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.usersessions.forms import ManageUserSessionsForm
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from accounts import api_keys, signups
from accounts.forms import ApiKeyForm, DisconnectForm, LoginForm, NameForm, PersonalBrandVoiceForm
from accounts.lifecycle import change_name
from accounts.models import ApiKey
from accounts.permissions import Action
from accounts.workspaces import personal_workspace


class LoginView(RequestLoginCodeView):
    """/login/ (and /accounts/signup/): one email field that signs people in or up with an emailed code.

    Known and new addresses get the same answer: a sign-in code by email and a redirect to the code
    page. A known address goes through allauth's login-by-code; a new one becomes a pending sign-up in
    the session, and the account is created only when its code is confirmed (accounts/signups.py).
    Google and GitHub buttons appear for the providers whose keys are configured.
    """

    form_class = LoginForm
    template_name = "accounts/login.html"

    def get_form_class(self):
        return self.form_class

    def dispatch(self, request, *args, **kwargs):
        """Revisiting the page resumes a pending code (allauth redirects to it); submitting an address
        starts afresh: the anonymous session, which holds only that pending sign-in or sign-up, is
        flushed, so allauth has nothing to resume instead of sending the new code."""
        if request.method == "POST" and not request.user.is_authenticated:
            request.session.flush()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if not form.has_account:
            signups.start(self.request, form.cleaned_data["email"])
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


login = LoginView.as_view()
signup = LoginView.as_view(template_name="account/signup.html")


@method_decorator(never_cache, name="dispatch")
class ConfirmCodeView(NextRedirectMixin, FormView):
    """The code page (/accounts/login/code/confirm/) for both: a pending sign-up's code is checked here and
    creates the account; otherwise allauth's own page confirms a sign-in code."""

    form_class = ConfirmLoginCodeForm
    template_name = "account/confirm_login_code.html"

    def dispatch(self, request, *args, **kwargs):
        self.pending = signups.pending(request)
        if self.pending is None:
            return allauth_confirm_login_code(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "code": self.pending["code"]}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = {"email": self.pending["email"], "phone": None, "can_resend": False}
        return {**context, "verify_form": context["form"], **pending}

    def form_valid(self, form):
        user, created = signups.create_account(self.request)
        if created:
            return complete_signup(self.request, user, allauth_settings.EMAIL_VERIFICATION, self.get_next_url())
        return perform_login(self.request, user, redirect_url=self.get_next_url())

    def form_invalid(self, form):
        if signups.record_wrong_code(self.request):
            return super().form_invalid(form)
        adapter = get_adapter(self.request)  # the same message and place as allauth's sign-in codes
        adapter.add_message(self.request, messages.ERROR, message=adapter.error_messages["too_many_login_attempts"])
        return redirect("account_request_login_code")


confirm_code = ConfirmCodeView.as_view()


def _account_context(request, **extra):
    user = request.user
    configured = {provider.id: provider for provider in get_social_adapter().list_providers(request)}
    # An account whose provider's keys were removed is listed, but allauth cannot act on it.
    social_accounts = [
        (account, configured.get(account.provider)) for account in user.socialaccount_set.order_by("date_joined")
    ]
    connected = {account.provider for account, _ in social_accounts}
    sessions = sorted(UserSession.objects.purge_and_list(user), key=lambda s: s.last_seen_at, reverse=True)
    return {
        "email_addresses": user.emailaddress_set.all(),
        "social_accounts": social_accounts,
        "connectable_providers": [provider for provider in configured.values() if provider.id not in connected],
        "sessions": sessions,
        "other_session_count": sum(1 for session in sessions if session.session_key != request.session.session_key),
        "api_keys": user.api_keys.filter(revoked_at__isnull=True),
        "api_key_form": ApiKeyForm(),
        "brand_voice_form": PersonalBrandVoiceForm(instance=user),
        "api_keys_refusal": _api_keys_refusal(user),
        "name_form": NameForm(instance=user),
        **extra,
    }


def _api_keys_refusal(user) -> str:
    """Why the user's plan has no API keys ("" when it has them)."""
    workspace = personal_workspace(user)
    return "" if workspace.can(Action.USE_API_KEYS) else workspace.refusal(Action.USE_API_KEYS)


@login_required
def account(request):
    return render(request, "accounts/account.html", _account_context(request))


@login_required
@require_POST
def brand_voice(request):
    """Save the personal brand voice (templates/accounts/_brand_voice.html)."""
    form = PersonalBrandVoiceForm(request.POST, instance=request.user)
    if not form.is_valid():  # too long: shown again with the text kept
        return render(request, "accounts/account.html", _account_context(request, brand_voice_form=form))
    form.save()
    messages.success(request, "Brand voice saved. Your personal generations follow it from now on.")
    return redirect(reverse("account") + "#brand-voice")


@login_required
@require_POST
@never_cache
def api_key_create(request):
    """Issue a key and show its secret in this response only (never cached, stored or shown again).

    On a plan without API keys nothing is issued: the section says why, with an upgrade link (403)."""
    form = ApiKeyForm(request.POST)
    context, status = {"api_key_form": form}, 200
    if _api_keys_refusal(request.user):
        status = 403
    elif form.is_valid():
        key, raw_key = ApiKey.issue(request.user, form.cleaned_data["name"])
        context = {"new_key": key, "raw_key": raw_key}
    template = "accounts/account.html#api-keys" if request.htmx else "accounts/account.html"
    return render(request, template, _account_context(request, **context), status=status)


@login_required
@require_POST
def api_key_revoke(request, pk):
    key = get_object_or_404(ApiKey, pk=pk, user=request.user)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        api_keys.forget(key)  # other processes notice within API_KEY_CACHE_SECONDS
        messages.success(request, f"API key “{key.name}” revoked. Requests using it are refused from now on.")
    return redirect(reverse("account") + "#api-keys")


@login_required
@require_POST
def end_other_sessions(request):
    ended = sum(1 for session in UserSession.objects.filter(user=request.user) if not session.is_current())
    ManageUserSessionsForm(request=request).save(request)
    messages.success(request, f"Signed out {ended} other session{'s' if ended != 1 else ''}.")
    return redirect(reverse("account") + "#sessions")


@login_required
@require_POST
def end_session(request, pk):
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    if session.is_current():
        messages.error(request, "That is this session: use “Sign out” to end it.")
    else:
        session.end()
        messages.success(request, "Session signed out.")
    return redirect(reverse("account") + "#sessions")


@login_required
@require_POST
def disconnect_social_account(request):
    form = DisconnectForm(request.POST, request=request)
    if form.is_valid():
        form.save()
    else:
        for error in form.non_field_errors() or ["That account is not connected."]:
            messages.error(request, error)
    return redirect(reverse("account") + "#connections")


@login_required
@require_POST
def change_display_name(request):
    form = NameForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/account.html", _account_context(request, name_form=form), status=400)
    change_name(request.user, form.cleaned_data["name"])
    messages.success(request, "Your display name is saved.")
    return redirect(reverse("account") + "#profile")


def email(request):
    """allauth's email address page, reached through its forms only: a change of address (verified by
    an emailed code) or a confirmation code posts here; anything else shows the account page's Email section."""
    if request.method == "POST" and "action_add" in request.POST and request.user.is_authenticated:
        # A refused address is shown on the account page, where it was typed, not on allauth's own page.
        form = AddEmailForm(data=request.POST, user=request.user)
        if not form.is_valid():
            context = _account_context(request, change_email_form=form, change_email_open=True)
            return render(request, "accounts/account.html", context, status=400)
    if request.method == "POST":
        return allauth_email(request)
    return redirect(reverse("account") + "#email")
