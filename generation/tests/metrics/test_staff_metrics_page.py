"""/staff/metrics/: staff only (404 for anyone else), the figures with a 7/30/90-day window, the
margin per plan in red where the model costs more than the plan earns, the costliest users linked to
their admin pages; linked from the admin index."""

import re

import pytest
from django.urls import reverse

from generation.metrics import Metrics

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, user_factory):
    client.force_login(user_factory(is_staff=True))
    return client


def table_row(page: str, plan: str) -> str:
    return re.search(rf'<tr class="[^"]*" data-plan="{plan}">.*?</tr>', page, re.S).group(0)


def test_anonymous_visitors_get_404(client):
    assert client.get(reverse("staff_metrics")).status_code == 404


def test_signed_in_users_who_are_not_staff_get_404(signed_in_client):
    assert signed_in_client.get(reverse("staff_metrics")).status_code == 404
    assert signed_in_client.post(reverse("staff_metrics")).status_code == 404


def test_staff_see_the_figures_of_the_last_30_days(client, founder_world):
    client.force_login(founder_world.users["sam"])

    response = client.get(reverse("staff_metrics"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "$118.60" in page  # MRR
    assert "$1,423.20" in page  # ARR
    assert "ARPU $29.65 a month" in page
    assert f'<a href="{reverse("staff_metrics")}?days=30" aria-current="page">30 days</a>' in page
    assert page.count('class="chart-bar') == 2 * 30  # MRR and generations, a bar a day


def test_the_margin_turns_red_where_the_model_costs_more_than_the_plan_earns(client, founder_world):
    client.force_login(founder_world.users["sam"])

    page = client.get(reverse("staff_metrics")).content.decode()

    free, pro, team = (table_row(page, plan) for plan in ("free", "pro", "team"))
    assert 'class="losing"' in free and "-$0.39" in free
    assert 'class="losing"' not in pro and "$23.40" in pro and "$30.40" in pro and "$7.00" in pro
    assert 'class="losing"' not in team and "$87.85" in team


def test_the_costliest_users_link_to_their_admin_pages(client, founder_world):
    client.force_login(founder_world.users["sam"])

    page = client.get(reverse("staff_metrics")).content.decode()

    bob = founder_world.users["bob"]
    admin_url = reverse("admin:accounts_user_change", args=[bob.pk])
    assert f'<a href="{admin_url}">bob@example.com</a>' in page
    emails = re.findall(r'<td class="email"><a href="[^"]+">([^<]+)</a>', page)
    assert emails == [row["email"] for row in Metrics(30).figures()["top_cost_users"]]


def test_the_window_selector_picks_7_or_90_days(client, founder_world):
    client.force_login(founder_world.users["sam"])

    week = client.get(reverse("staff_metrics"), {"days": "7"}).content.decode()
    quarter = client.get(reverse("staff_metrics"), {"days": "90"}).content.decode()

    assert f'<a href="{reverse("staff_metrics")}?days=7" aria-current="page">7 days</a>' in week
    assert week.count('class="chart-bar') == 2 * 7
    assert "scaled to 30 days" in week
    assert quarter.count('class="chart-bar') == 2 * 90


@pytest.mark.parametrize("days", ["", "14", "abc", "-7", "7.0"])
def test_any_other_window_shows_30_days(staff_client, days):
    page = staff_client.get(reverse("staff_metrics"), {"days": days}).content.decode()

    assert f'<a href="{reverse("staff_metrics")}?days=30" aria-current="page">30 days</a>' in page


def test_an_empty_world_shows_zeros_and_no_costly_users(staff_client):
    response = staff_client.get(reverse("staff_metrics"))

    assert response.status_code == 200
    assert "No generations in the last 30 days." in response.content.decode()


def test_the_admin_index_links_to_the_metrics(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()

    assert f'href="{reverse("staff_metrics")}"' in page
    assert "Founder metrics" in page
