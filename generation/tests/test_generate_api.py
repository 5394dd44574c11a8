"""POST /api/generate: the streamed and the plain answer, the log row, documents and teams."""

import pytest

from accounts.models import Membership, Team
from billing.plans import FREE, PRO, TEAM
from generation.models import DailyUsage, Document, Generation
from generation.providers.demo import LABEL
from generation.tests.conftest import post_generate, sse_events

pytestmark = pytest.mark.django_db


def test_stream_sends_deltas_then_done_and_logs_one_completed_generation(signed_in_client, user):
    response = post_generate(signed_in_client, {"prompt": "A launch email"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    events = sse_events(response)
    deltas = [data["text"] for name, data in events if name == "delta"]
    name, done = events[-1]
    assert len(deltas) > 1
    assert name == "done"
    assert "".join(deltas).startswith(LABEL)
    generation = Generation.objects.get()
    assert done["generation_id"] == generation.pk
    assert done["usage"] == {"input_tokens": generation.input_tokens, "output_tokens": generation.output_tokens}
    assert (done["limit"], done["remaining"]) == (FREE.daily_generations, FREE.daily_generations - 1)
    assert generation.status == Generation.Status.COMPLETED
    assert generation.output == "".join(deltas)
    assert generation.provider == "demo" and generation.plan == "free"
    assert generation.latency_ms is not None and generation.finished_at is not None
    assert DailyUsage.objects.get(user=user).used == 1


def test_plain_answer_has_text_usage_and_reset(signed_in_client):
    response = post_generate(signed_in_client, {"prompt": "A haiku about tea", "stream": False})

    body = response.json()
    assert response.status_code == 200
    assert set(body) >= {"generation_id", "text", "usage", "limit", "remaining", "reset_at"}
    assert "A haiku about tea" in body["text"]
    assert body["remaining"] == FREE.daily_generations - 1
    assert Generation.objects.get().output == body["text"]


def test_max_output_tokens_come_from_the_plan(client, user_factory, fake_anthropic):
    for plan in (FREE, PRO):
        client.force_login(user_factory(plan=plan.code))
        post_generate(client, {"prompt": "Hello", "stream": False})
        assert fake_anthropic.requests[-1]["body"]["max_tokens"] == plan.max_output_tokens


def test_unlimited_plan_skips_the_counter_but_logs(client, user_factory):
    client.force_login(user_factory(plan=TEAM.code))

    response = post_generate(client, {"prompt": "Hello", "stream": False})

    assert response.status_code == 200
    assert (response.json()["limit"], response.json()["remaining"]) == (None, None)
    assert response["X-Usage-Limit"] == "unlimited"
    assert not DailyUsage.objects.exists()
    assert Generation.objects.get().charged_day is None


@pytest.fixture
def team_of(user_factory):
    def make(owner_plan, *members, brand_voice="Warm, short sentences."):
        owner = user_factory(plan=owner_plan)
        team = Team.objects.create(name="Acme", slug="acme", brand_voice=brand_voice)
        Membership.objects.create(team=team, user=owner, role=Membership.Role.OWNER)
        for member in members:
            Membership.objects.create(team=team, user=member)
        return team

    return make


def test_team_workspace_uses_the_team_plan_and_sends_its_brand_voice(signed_in_client, user, team_of, fake_anthropic):
    team = team_of(TEAM.code, user)

    response = post_generate(signed_in_client, {"prompt": "Hello", "team": team.slug, "stream": False})

    assert response.status_code == 200
    assert fake_anthropic.system_prompts == ["Warm, short sentences."]
    assert fake_anthropic.requests[0]["body"]["max_tokens"] == TEAM.max_output_tokens
    generation = Generation.objects.get()
    assert (generation.team, generation.plan, generation.charged_day) == (team, TEAM.code, None)
    assert not DailyUsage.objects.filter(user=user).exists()


def test_personal_workspace_sends_no_system_prompt(signed_in_client, fake_anthropic):
    post_generate(signed_in_client, {"prompt": "Hello", "stream": False})
    assert fake_anthropic.system_prompts == [None]


def test_non_member_gets_forbidden_and_spends_nothing(signed_in_client, user_factory, team_of):
    team = team_of(TEAM.code, user_factory())

    response = post_generate(signed_in_client, {"prompt": "Hello", "team": team.slug})

    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert not Generation.objects.exists()


def test_answer_is_appended_to_the_document(signed_in_client, user):
    document = Document.objects.create(title="Notes", body="Existing text.", created_by=user)

    response = post_generate(signed_in_client, {"prompt": "More", "document": document.pk, "stream": False})

    document.refresh_from_db()
    assert document.body == "Existing text.\n\n" + response.json()["text"]
    assert document.last_edited_by == user
    assert Generation.objects.get().document == document


def test_the_editor_places_the_answer_itself_when_it_asks_not_to_append(signed_in_client, user):
    document = Document.objects.create(title="Notes", body="Existing text.", created_by=user)

    response = post_generate(signed_in_client, {"prompt": "More", "document": document.pk, "append_to_document": False})

    assert sse_events(response)[-1][0] == "done"
    document.refresh_from_db()
    assert (document.body, document.version) == ("Existing text.", 1)
    assert Generation.objects.get().document == document


def test_append_to_document_must_be_a_boolean(signed_in_client, user):
    document = Document.objects.create(title="Notes", body="", created_by=user)

    response = post_generate(signed_in_client, {"prompt": "More", "document": document.pk, "append_to_document": "no"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert not Generation.objects.exists()


def test_someone_elses_document_is_not_found(signed_in_client, user_factory):
    document = Document.objects.create(title="Private", body="", created_by=user_factory())

    response = post_generate(signed_in_client, {"prompt": "More", "document": document.pk})

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert not Generation.objects.exists()
    document.refresh_from_db()
    assert document.body == ""


def test_document_from_another_workspace_is_refused(signed_in_client, user, team_of):
    team = team_of(TEAM.code, user)
    personal = Document.objects.create(title="Mine", created_by=user)

    response = post_generate(signed_in_client, {"prompt": "x", "team": team.slug, "document": personal.pk})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_user_text_is_passed_verbatim_and_escaped_on_pages(signed_in_client):
    prompt = "<script>alert('x')</script>"
    response = post_generate(signed_in_client, {"prompt": prompt, "stream": False})
    generation = Generation.objects.get(pk=response.json()["generation_id"])
    assert generation.prompt == prompt

    page = signed_in_client.get(f"/history/{generation.pk}/").content.decode()
    assert prompt not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
