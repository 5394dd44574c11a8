"""Staff see the generation log read-only, and daily usage."""

import pytest

from generation.models import DailyUsage, Generation
from generation.quota import usage_day

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
