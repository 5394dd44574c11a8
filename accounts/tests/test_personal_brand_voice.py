"""The personal brand voice on the account page: saved, refused when too long (text kept), and sent
to the model in the personal workspace only."""

import pytest

from accounts.team_forms import BRAND_VOICE_MAX_CHARS
from generation.tests.conftest import post_generate
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_account_page_saves_the_brand_voice(signed_in_client, user):
    page = signed_in_client.get("/account/").content.decode()
    assert 'id="brand-voice"' in page

    response = signed_in_client.post("/account/brand-voice/", {"brand_voice": "  Short sentences.  "})

    user.refresh_from_db()
    assert response.status_code == 302 and user.brand_voice == "Short sentences."


def test_a_too_long_brand_voice_is_refused_with_the_text_kept(signed_in_client, user):
    too_long = "x" * (BRAND_VOICE_MAX_CHARS + 1)

    response = signed_in_client.post("/account/brand-voice/", {"brand_voice": too_long})

    user.refresh_from_db()
    assert response.status_code == 200 and user.brand_voice == ""
    assert too_long in response.content.decode()


def test_the_personal_voice_stays_out_of_team_generations(signed_in_client, user, fake_anthropic):
    team = TeamFactory(owner=UserFactory(plan="team"), slug="crew", brand_voice="Team voice.")
    team.memberships.create(user=user)
    signed_in_client.post("/account/brand-voice/", {"brand_voice": "My voice."})

    post_generate(signed_in_client, {"prompt": "Hi", "stream": False})
    post_generate(signed_in_client, {"prompt": "Hi", "team": "crew", "stream": False})

    assert fake_anthropic.system_prompts == ["My voice.", "Team voice."]
