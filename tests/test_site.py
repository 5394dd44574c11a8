import io
import logging

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import path, reverse

from billing.plans import PLANS, TRIAL_DAYS


def test_healthz_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_fails(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr("config.views.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_landing_page_explains_the_product_and_links_to_pricing_and_sign_in(client, db):
    page = client.get("/").content.decode()
    assert 'href="/pricing/"' in page
    assert 'href="/login/"' in page


def test_landing_shows_a_sample_answer_every_plan_with_its_button_and_the_questions(client, db, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_landing"  # billing set up: paid plans offer their trial
    page = client.get(reverse("landing")).content.decode()

    assert "Inkwell wrote" in page
    for plan in PLANS.values():
        assert f'data-plan="{plan.code}"' in page and plan.tagline in page
    assert page.count(f"Start {TRIAL_DAYS}-day free trial") == len([p for p in PLANS.values() if p.is_paid])
    assert "Sign up free" in page
    assert "How does the free trial work?" in page
    assert "✓" not in page and "⚡" not in page


@pytest.mark.parametrize(
    ("name", "heading"), [("terms", "Terms of service"), ("privacy", "Privacy policy"), ("contact", "Contact")]
)
def test_the_footer_links_to_terms_privacy_and_contact(client, db, name, heading):
    landing = client.get(reverse("landing")).content.decode()
    page = client.get(reverse(name))

    assert f'href="{reverse(name)}"' in landing
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.content.decode()


def test_the_contact_page_shows_the_support_address_when_one_is_set(client, db, settings):
    assert "has not published a contact address" in client.get(reverse("contact")).content.decode()
    settings.SUPPORT_EMAIL = "help@inkwell.test"
    assert 'href="mailto:help@inkwell.test"' in client.get(reverse("contact")).content.decode()


def test_landing_sends_signed_in_users_to_their_dashboard(signed_in_client):
    response = signed_in_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash)]


def test_unknown_pages_answer_404_in_the_sites_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "/static/css/app.css" in page
    assert 'class="site-header"' in page


def test_a_crash_answers_500_in_the_sites_style_and_is_logged(client, db, settings):
    settings.ROOT_URLCONF = "tests.test_site"
    records = []
    handler = logging.Handler(level=logging.ERROR)
    handler.emit = records.append
    logging.getLogger("django.request").addHandler(handler)
    client.raise_request_exception = False
    try:
        response = client.get("/crash/")
    finally:
        logging.getLogger("django.request").removeHandler(handler)

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "/static/css/app.css" in response.content.decode()
    assert "boom" not in response.content.decode()
    (record,) = records
    assert record.exc_info[1].args == ("boom",)


def test_https_redirect_trusts_the_proxys_forwarded_proto(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/pricing/")["Location"] == "https://testserver/pricing/"
    assert client.get("/pricing/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/healthz").status_code == 200, "platform health checks probe over plain http"


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
