from allauth.account.views import RequestLoginCodeView
from allauth.account.views import signup as allauth_signup
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.usersessions.forms import ManageUserSessionsForm
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import api_keys
from accounts.forms import ApiKeyForm, DisconnectForm, LoginForm
from accounts.models import ApiKey


class LoginView(RequestLoginCodeView):
    """/login/: one email field that signs people in or up with an emailed code.

    A known address gets allauth's sign-in code; a new one goes through allauth's sign-up,
    which creates the account and emails a verification code that also signs the user in.
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
            return allauth_signup(self.request)
        return super().form_valid(form)


login = LoginView.as_view()


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
        **extra,
    }


@login_required
def account(request):
    return render(request, "accounts/account.html", _account_context(request))


@login_required
@require_POST
@never_cache
def api_key_create(request):
    """Issue a key and show its secret in this response only (never cached, stored or shown again)."""
    form = ApiKeyForm(request.POST)
    context = {"api_key_form": form}
    if form.is_valid():
        key, raw_key = ApiKey.issue(request.user, form.cleaned_data["name"])
        context = {"new_key": key, "raw_key": raw_key}
    if request.htmx:
        return render(request, "accounts/account.html#api-keys", _account_context(request, **context))
    return render(request, "accounts/account.html", _account_context(request, **context))


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
