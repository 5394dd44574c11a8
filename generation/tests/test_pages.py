"""The generate page, dashboard, history and its detail pages (including who may see what)."""

import pytest
from django.utils import timezone

from accounts.models import Membership, Team
from billing.plans import FREE, PRO, TEAM
from generation.models import DailyUsage, Document, Generation
from generation.quota import usage_day
from generation.views import HISTORY_PAGE_SIZE

pytestmark = pytest.mark.django_db


def make_generation(user, prompt="A prompt", team=None, **fields):
    return Generation.objects.create(
        user=user,
        team=team,
        prompt=prompt,
        output=f"Answer to {prompt}",
        plan=user.plan,
        provider="demo",
        model="inkwell-demo",
        status=Generation.Status.COMPLETED,
        **fields,
    )


@pytest.fixture
def team(user, user_factory):
    team = Team.objects.create(name="Acme Writers", slug="acme")
    Membership.objects.create(team=team, user=user_factory(plan=TEAM.code), role=Membership.Role.OWNER)
    Membership.objects.create(team=team, user=user)
    return team


@pytest.mark.parametrize("path", ["/generate/", "/dashboard/", "/history/", "/history/1/"])
def test_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_generate_page_offers_workspaces_documents_usage_and_the_upgrade_form(signed_in_client, user, team):
    Document.objects.create(title="Launch plan", created_by=user)
    Document.objects.create(title="Team brief", team=team, created_by=user)
    DailyUsage.objects.create(user=user, day=usage_day(), used=3)

    page = signed_in_client.get("/generate/").content.decode()

    assert '<option value="personal" data-team="" selected' in page and "Personal" in page
    assert 'value="acme" data-team="acme"' in page and "Acme Writers" in page
    assert "Launch plan" in page and 'data-workspace="acme"' in page and 'data-workspace="personal"' in page
    assert f"3 of {FREE.daily_generations}" in page
    assert 'action="/billing/checkout/"' in page and 'name="price" value="pro_monthly"' in page
    assert 'href="/pricing/"' in page
    assert "js/generate.js" in page


@pytest.mark.parametrize("path", ["/generate/", "/dashboard/"])
def test_pages_ask_unverified_free_users_to_verify(client, user_factory, path):
    client.force_login(user_factory(verified=False))
    page = client.get(path).content.decode()
    assert "Verify your email address" in page and 'href="/accounts/email/"' in page


@pytest.mark.parametrize("path", ["/generate/", "/dashboard/"])
def test_pages_do_not_nag_verified_or_paying_users(client, user_factory, path):
    for user in (user_factory(), user_factory(verified=False, plan=PRO.code)):
        client.force_login(user)
        assert "Verify your email address" not in client.get(path).content.decode()


def test_dashboard_shows_plan_usage_chart_recent_and_upgrade(signed_in_client, user):
    DailyUsage.objects.create(user=user, day=usage_day(), used=4)
    for n in range(7):
        make_generation(user, prompt=f"Draft number {n}")

    response = signed_in_client.get("/dashboard/")
    page = response.content.decode()

    assert response.status_code == 200
    assert FREE.name in page and f"4 of {FREE.daily_generations}" in page
    assert page.count('class="chart-bar') == 30
    assert page.count("Draft number") == 5 and "Draft number 6" in page and "Draft number 1" not in page
    assert "Upgrade to Pro" in page


def test_dashboard_for_paid_plan_has_no_upgrade_call(client, user_factory):
    client.force_login(user_factory(plan=PRO.code))
    assert "Upgrade to Pro" not in client.get("/dashboard/").content.decode()


def test_history_lists_only_own_generations_newest_first(signed_in_client, user, user_factory):
    make_generation(user, prompt="Mine older")
    make_generation(user, prompt="Mine newer")
    make_generation(user_factory(), prompt="Someone else's secret")

    page = signed_in_client.get("/history/").content.decode()

    assert page.index("Mine newer") < page.index("Mine older")
    assert "secret" not in page


def test_history_search_matches_prompt_and_answer(signed_in_client, user):
    make_generation(user, prompt="Quarterly investor update")
    make_generation(user, prompt="Birthday card")

    page = signed_in_client.get("/history/", {"q": "investor"}).content.decode()
    assert "Quarterly investor update" in page and "Birthday card" not in page
    page = signed_in_client.get("/history/", {"q": "answer to birthday"}).content.decode()
    assert "Birthday card" in page and "Quarterly" not in page


def test_history_search_ignores_nul_characters(signed_in_client, user):
    make_generation(user, prompt="Quarterly investor update")

    response = signed_in_client.get("/history/", {"q": "inves\x00tor"})

    assert response.status_code == 200
    assert "Quarterly investor update" in response.content.decode()


def test_history_is_paginated(signed_in_client, user):
    for n in range(HISTORY_PAGE_SIZE + 3):
        make_generation(user, prompt=f"Prompt #{n:03d}")

    first = signed_in_client.get("/history/").content.decode()
    second = signed_in_client.get("/history/", {"page": 2}).content.decode()

    assert first.count('class="history-prompt"') == HISTORY_PAGE_SIZE and "Page 1 of 2" in first
    assert second.count('class="history-prompt"') == 3 and "Prompt #000" in second


def test_owner_sees_the_detail_page(signed_in_client, user):
    generation = make_generation(user, prompt="My draft", latency_ms=120, charged_day=timezone.now().date())
    page = signed_in_client.get(f"/history/{generation.pk}/").content.decode()
    assert "My draft" in page and "Answer to My draft" in page


def test_another_users_generation_is_404(signed_in_client, user_factory):
    generation = make_generation(user_factory(), prompt="Not yours")
    assert signed_in_client.get(f"/history/{generation.pk}/").status_code == 404


def test_team_generation_is_visible_to_members_only(client, user, user_factory, team):
    author = Team.objects.get(pk=team.pk).owner
    generation = make_generation(author, prompt="Team draft", team=team)

    client.force_login(user)
    assert client.get(f"/history/{generation.pk}/").status_code == 200

    client.force_login(user_factory())
    assert client.get(f"/history/{generation.pk}/").status_code == 404

    Membership.objects.filter(team=team, user=user).delete()
    client.force_login(user)
    assert client.get(f"/history/{generation.pk}/").status_code == 404


def test_personal_generation_of_a_teammate_stays_private(client, user, team):
    author = team.owner
    generation = make_generation(author, prompt="Private to the owner")
    client.force_login(user)
    assert client.get(f"/history/{generation.pk}/").status_code == 404


def test_missing_generation_is_404(signed_in_client):
    assert signed_in_client.get("/history/999999/").status_code == 404
