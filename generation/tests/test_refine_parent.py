"""POST /api/generate with "parent": the model reads the earlier exchange first, and only a
generation the caller may see can be refined (docs/api.md)."""

import pytest
from django.utils import timezone

from accounts.models import Membership
from generation.models import DailyUsage, Generation
from generation.tests.conftest import post_generate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def earlier(user, team=None, **fields):
    """A finished generation of ``user``'s (in ``team``'s workspace if given)."""
    values = {"prompt": "A welcome email", "output": "Dear reader, welcome aboard.", "status": "completed"}
    return Generation.objects.create(
        user=user, team=team, plan="free", provider="demo", model="inkwell-demo", **{**values, **fields}
    )


def test_refinement_sends_the_earlier_exchange_to_the_model_and_records_its_parent(
    signed_in_client, user, fake_anthropic
):
    parent = earlier(user)

    response = post_generate(signed_in_client, {"prompt": "Make it shorter", "parent": parent.pk, "stream": False})

    assert response.status_code == 200
    assert fake_anthropic.requests[-1]["body"]["messages"] == [
        {"role": "user", "content": "A welcome email"},
        {"role": "assistant", "content": "Dear reader, welcome aboard."},
        {"role": "user", "content": "Make it shorter"},
    ]
    assert Generation.objects.get(pk=response.json()["generation_id"]).parent == parent


def test_openai_compatible_models_get_the_earlier_exchange_too(signed_in_client, user, fake_openai):
    parent = earlier(user)

    post_generate(signed_in_client, {"prompt": "More formal", "parent": str(parent.pk), "stream": False})

    assert [message["role"] for message in fake_openai.requests[-1]["body"]["messages"]] == [
        "user",
        "assistant",
        "user",
    ]
    assert fake_openai.requests[-1]["body"]["messages"][1]["content"] == "Dear reader, welcome aboard."


def test_without_parent_only_the_prompt_is_sent(signed_in_client, fake_anthropic):
    post_generate(signed_in_client, {"prompt": "Hello", "stream": False})

    assert fake_anthropic.requests[-1]["body"]["messages"] == [{"role": "user", "content": "Hello"}]
    assert Generation.objects.get().parent is None


def test_a_team_generation_can_be_refined_by_a_teammate_until_they_leave(client, owner, team, member, fake_anthropic):
    parent = earlier(owner, team=team)
    client.force_login(member)

    refined = post_generate(client, {"prompt": "Friendlier", "parent": parent.pk, "team": "acme", "stream": False})
    Membership.objects.filter(team=team, user=member).delete()
    refused = post_generate(client, {"prompt": "Friendlier", "parent": parent.pk, "stream": False})

    assert refined.status_code == 200
    assert refused.status_code == 404 and refused.json()["error"] == "not_found"


@pytest.mark.parametrize(
    "case",
    ["someone_elses", "someone_elses_team", "deleted", "missing"],
)
def test_a_generation_the_caller_may_not_see_is_not_found_and_spends_nothing(
    signed_in_client, user, team, fake_anthropic, case
):
    stranger = UserFactory()
    parent = {
        "someone_elses": lambda: earlier(stranger),
        "someone_elses_team": lambda: earlier(stranger, team=team),  # the caller is not in "acme"
        "deleted": lambda: earlier(user, hidden_at=timezone.now()),
        "missing": lambda: Generation(pk=999_999),
    }[case]()

    response = post_generate(signed_in_client, {"prompt": "Shorter", "parent": parent.pk, "stream": False})

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert fake_anthropic.requests == []
    assert not DailyUsage.objects.filter(user=user, used__gt=0).exists()


@pytest.mark.parametrize("value", [True, "abc", "1.5", -3, [1], {"id": 1}, "١٢"])
def test_a_malformed_parent_is_an_invalid_request(signed_in_client, value, fake_anthropic):
    response = post_generate(signed_in_client, {"prompt": "Shorter", "parent": value})

    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert fake_anthropic.requests == []


def test_a_parent_without_an_answer_cannot_be_refined(signed_in_client, user, fake_anthropic):
    parent = earlier(user, output="", status="failed")

    response = post_generate(signed_in_client, {"prompt": "Shorter", "parent": parent.pk})

    assert response.status_code == 400 and "no answer" in response.json()["message"]


def test_the_personal_brand_voice_is_the_system_prompt_in_the_personal_workspace(
    signed_in_client, user, fake_anthropic
):
    user.brand_voice = "  Plain English, no exclamation marks.  "
    user.save()

    post_generate(signed_in_client, {"prompt": "Hello", "stream": False})

    assert fake_anthropic.system_prompts == ["Plain English, no exclamation marks."]
