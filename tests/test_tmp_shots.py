import pytest
from tests.factories import DocumentFactory
from tests.test_browser_documents import model, select, ask  # noqa
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.mark.parametrize("width", [1280, 390])
def test_shots(page, client, user, live_server, model, width):
    model.delta_delay_seconds = 0
    d = DocumentFactory(created_by=user, title="Launch notes", body="# Launch notes\n\nFirst paragraph.\n\nLast paragraph.")
    client.force_login(user)
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page.goto(f"{live_server.url}/documents/{d.pk}/")
    page.wait_for_selector("#word-count:has-text('words')")
    select(page, 32, 32)
    ask(page, "A checklist")
    page.wait_for_selector("#ask-accept:visible")
    page.screenshot(path=f"/tmp/i12b_new/review-{width}.png", full_page=True)
    if width == 390:
        page.click("#tab-preview")
        page.screenshot(path=f"/tmp/i12b_new/review-preview-{width}.png", full_page=True)
    page.click("#ask-accept")
    page.click("summary:has-text('Export')")
    page.screenshot(path=f"/tmp/i12b_new/accepted-{width}.png", full_page=False)
