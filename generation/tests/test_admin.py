"""Staff see the generation log read-only, daily usage, and each user's usage today (with a reset)."""

import pytest

from billing.plans import FREE, PRO
from generation.models import DailyUsage, Generation
from generation.quota import usage_day, used_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, user_factory):
    client.force_login(user_factory(is_staff=True, is_superuser=True))
    return client


def test_generation_log_is_listed_filterable_and_read_only(staff_client, user):
    generation = Generation.objects.create(user=user, prompt="Logged", plan="free", provider="demo", model="m")

    listing = staff_client.get("/admin/generation/generation/", {"status__exact": "pending", "provider": "demo"})
    detail = staff_client.get(f"/admin/generation/generation/{generation.pk}/change/")
    posted = staff_client.post(f"/admin/generation/generation/{generation.pk}/change/", {"prompt": "Changed"})

    assert listing.status_code == 200 and "Logged" in listing.content.decode()
    assert detail.status_code == 200
    assert posted.status_code == 403
    assert staff_client.get("/admin/generation/generation/add/").status_code == 403
    generation.refresh_from_db()
    assert generation.prompt == "Logged"


def test_daily_usage_is_listed(staff_client, user):
    DailyUsage.objects.create(user=user, day=usage_day(), used=7)
    page = staff_client.get("/admin/generation/dailyusage/").content.decode()
    assert user.email in page


def test_the_user_list_shows_todays_usage_against_the_plan(staff_client, user_factory):
    writer = user_factory(plan=PRO.code)
    DailyUsage.objects.create(user=writer, day=usage_day(), used=7)

    page = staff_client.get("/admin/accounts/user/").content.decode()

    assert "Used today" in page and f"7 / {PRO.daily_generations}" in page


def test_the_user_page_shows_todays_usage_read_only(staff_client, user):
    DailyUsage.objects.create(user=user, day=usage_day(), used=3)
    page = staff_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert f"3 / {FREE.daily_generations}" in page and 'name="usage_today"' not in page


def test_reset_todays_usage(staff_client, user):
    DailyUsage.objects.create(user=user, day=usage_day(), used=10)

    response = staff_client.post(
        "/admin/accounts/user/", {"action": "reset_usage_today", "_selected_action": [user.pk]}, follow=True
    )

    assert "Reset today&#x27;s usage of 1 user." in response.content.decode()
    assert used_today(user) == 0
