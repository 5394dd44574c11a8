"""Staff open the founder metrics from the admin index, switch the window, see the plan that loses
money in red, follow a costly user to their admin page, and read it on a phone; anyone else gets 404."""

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from generation.models import Generation
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user, live_server):
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])


@pytest.fixture
def writers():
    """Two free writers whose generations cost $2.10 and $0.30 (Free earns nothing: it loses money)."""
    costs = {"heavy@example.com": (200_000, 100_000), "light@example.com": (50_000, 10_000)}
    for email, (input_tokens, output_tokens) in costs.items():
        Generation.objects.create(
            user=UserFactory(email=email),
            plan="free",
            prompt="A launch email",
            provider="demo",
            model="inkwell-demo",
            status=Generation.Status.COMPLETED,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            input_price_per_mtok=Decimal("3"),
            output_price_per_mtok=Decimal("15"),
        )


def test_staff_read_the_metrics_from_the_admin_and_on_a_phone(page, live_server, writers):
    sign_in(page, UserFactory(email="founder@example.com", is_staff=True, is_superuser=True), live_server)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Founder metrics").click()

    expect(page.get_by_role("heading", name="Founder metrics")).to_be_visible()
    expect(page.locator("#metric-mrr .metric-value")).to_have_text("$0.00")
    expect(page.locator("svg.usage-chart")).to_have_count(2)
    free = page.locator('tr[data-plan="free"]')
    expect(free).to_have_class("losing")
    expect(free.locator(".margin")).to_have_text("-$2.40")
    assert free.locator("td").first.evaluate("cell => getComputedStyle(cell).backgroundColor") != "rgba(0, 0, 0, 0)"
    expect(page.locator('tr[data-plan="pro"]')).not_to_have_class("losing")

    page.get_by_role("link", name="7 days").click()
    expect(page.get_by_role("link", name="7 days")).to_have_attribute("aria-current", "page")
    expect(page.locator("#mrr-chart-title")).to_have_count(1)
    assert page.locator("#mrr-chart-title ~ rect").count() == 7

    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator('tr[data-plan="free"] .margin')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for table in page.locator(".table-wrap").all():
        assert table.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth")

    page.get_by_role("link", name="heavy@example.com").click()
    expect(page.locator("#id_email")).to_have_value("heavy@example.com")


def test_people_who_are_not_staff_get_404(page, live_server):
    assert page.goto(f"{live_server.url}/staff/metrics/").status == 404

    sign_in(page, UserFactory(email="writer@example.com"), live_server)
    response = page.goto(f"{live_server.url}/staff/metrics/")

    assert response.status == 404
    expect(page.get_by_text("Founder metrics")).to_have_count(0)
