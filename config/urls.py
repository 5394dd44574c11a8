from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts import views as account_views
from config import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy, name="privacy"),
    path("contact/", views.contact, name="contact"),
    path("admin/login/", views.admin_login, name="admin_login"),  # staff sign in by code too
    path("api/", include("generation.api_urls")),
    path("admin/", admin.site.urls),
    # Sign-in is passwordless: allauth's email-and-password page gives way to the email-code page.
    path("accounts/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("accounts/login/code/", RedirectView.as_view(pattern_name="login", query_string=True)),
    # One code page for sign-in and sign-up, and no account before its code is confirmed (accounts/signups.py).
    path("accounts/login/code/confirm/", account_views.confirm_code, name="confirm_code"),
    path("accounts/signup/", account_views.signup, name="signup"),
    # No passwords either: a password set here could never be used to sign in.
    re_path(r"^accounts/password/", RedirectView.as_view(pattern_name="account")),
    # allauth's own email page gives way to the account page; its forms still post to it.
    path("accounts/email/", account_views.email),
    path("accounts/", include("allauth.urls")),
    path("stripe/", include("djstripe.urls", namespace="djstripe")),
    path("", include("accounts.urls")),
    path("", include("accounts.team_urls")),
    path("", include("billing.urls")),
    path("", include("generation.urls")),
    path("", include("generation.document_urls")),
    path("", include("generation.staff_urls")),
]
