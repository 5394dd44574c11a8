"""The team's brand voice reaches the model as the system prompt (seen by the loopback fake Messages API)."""

import json

import pytest

from accounts.models import Membership
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

VOICE = "Write like a friendly baker: warm, short sentences, no exclamation marks."


@pytest.fixture
def member():
    team = TeamFactory(owner=UserFactory(plan="team"), slug="bakery", brand_voice=VOICE)
    user = UserFactory()
    Membership.objects.create(team=team, user=user)
    return user


def generate(client, **fields):
    body = {"prompt": "A sign for the window", "stream": False, **fields}
    return client.post("/api/generate", data=json.dumps(body), content_type="application/json")


def test_brand_voice_is_the_system_prompt_in_the_team_workspace(client, member, fake_anthropic):
    client.force_login(member)

    response = generate(client, team="bakery")

    assert response.status_code == 200
    assert fake_anthropic.system_prompts == [VOICE]
    assert fake_anthropic.requests[0]["body"]["messages"][0]["content"] == "A sign for the window"


def test_streamed_generation_carries_it_too(client, member, fake_anthropic):
    client.force_login(member)
    response = generate(client, team="bakery", stream=True)
    b"".join(response.streaming_content)
    assert fake_anthropic.system_prompts == [VOICE]


def test_personal_generations_do_not_get_the_team_voice(client, member, fake_anthropic):
    client.force_login(member)
    generate(client)
    assert fake_anthropic.system_prompts == [None]


def test_an_edited_voice_applies_to_the_next_generation(client, member, fake_anthropic):
    team = member.memberships.get().team
    owner_client = client.__class__()
    owner_client.force_login(team.owner)
    owner_client.post("/teams/bakery/brand-voice/", {"brand_voice": "Formal. British spelling."})
    client.force_login(member)

    generate(client, team="bakery")

    assert fake_anthropic.system_prompts == ["Formal. British spelling."]


def test_after_the_owner_downgrades_the_voice_already_set_still_applies(client, member, fake_anthropic):
    owner = member.memberships.get().team.owner
    owner.plan = "free"
    owner.save()
    client.force_login(member)

    assert generate(client, team="bakery").status_code == 200

    assert fake_anthropic.system_prompts == [VOICE]
