"""History actions: delete (hidden, still counted), send to a document, and the words customers see
(technical details only for staff)."""

import pytest

from generation.metrics import Metrics
from generation.models import Document, Generation
from generation.quota import usage_status
from generation.tests.conftest import post_generate
from tests.factories import DocumentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def generate(client, prompt="A launch email") -> Generation:
    response = post_generate(client, {"prompt": prompt, "stream": False})
    assert response.status_code == 200
    return Generation.objects.get(pk=response.json()["generation_id"])


def test_a_deleted_generation_leaves_the_history_but_stays_counted(signed_in_client, user):
    kept, deleted = generate(signed_in_client, "Kept prompt alpha"), generate(signed_in_client, "Removed prompt beta")

    response = signed_in_client.post(f"/history/{deleted.pk}/delete/")

    assert response.status_code == 302
    history = signed_in_client.get("/history/").content.decode()
    assert "Kept prompt alpha" in history and "Removed prompt beta" not in history
    assert signed_in_client.get(f"/history/{deleted.pk}/").status_code == 404
    assert usage_status(user, user.plan_info).used == 2
    usage = signed_in_client.get("/api/usage").json()
    assert (usage["today"]["used"], usage["month"]["generations"]) == (2, 2)
    assert sum(row["generations"] for row in Metrics().generations_by_day()) == 2
    assert Metrics().top_cost_users[0]["generations"] == 2
    assert kept.pk != deleted.pk


def test_only_the_author_can_delete(client, signed_in_client, user, team, member):
    team_generation = Generation.objects.create(
        user=user, team=team, prompt="Ours", output="Text", status="completed", plan="team", provider="demo", model="m"
    )
    client.force_login(member)  # sees the team's generation, but did not write it

    assert client.post(f"/history/{team_generation.pk}/delete/").status_code == 302
    client.force_login(UserFactory())
    assert client.post(f"/history/{team_generation.pk}/delete/").status_code == 404
    team_generation.refresh_from_db()
    assert team_generation.hidden_at is None


def test_send_to_a_new_document_and_append_to_an_existing_one(signed_in_client, user):
    generation = generate(signed_in_client)
    notes = DocumentFactory(created_by=user, title="Notes", body="Intro.")

    created = signed_in_client.post(f"/history/{generation.pk}/send/", {"target": "new:personal"})
    appended = signed_in_client.post(f"/history/{generation.pk}/send/", {"target": str(notes.pk)})

    new = Document.objects.exclude(pk=notes.pk).get()
    assert (new.title, new.body, new.team, new.created_by) == ("A launch email", generation.output, None, user)
    assert created.url == f"/documents/{new.pk}/"
    notes.refresh_from_db()
    assert notes.body == f"Intro.\n\n{generation.output}" and appended.url == f"/documents/{notes.pk}/"


def test_an_answer_cannot_be_sent_where_the_user_may_not_write(signed_in_client, user):
    generation = generate(signed_in_client)
    stranger_document = DocumentFactory(body="Theirs.")
    read_only_team = TeamFactory(owner=UserFactory(plan="free"), slug="readonly")
    read_only_team.memberships.create(user=user)

    assert (
        signed_in_client.post(f"/history/{generation.pk}/send/", {"target": str(stranger_document.pk)}).status_code
        == 404
    )
    assert signed_in_client.post(f"/history/{generation.pk}/send/", {"target": "new:someone-elses"}).status_code == 404
    refused = signed_in_client.post(f"/history/{generation.pk}/send/", {"target": "new:readonly"}, follow=True)

    assert "needs the Team plan" in refused.content.decode()
    stranger_document.refresh_from_db()
    assert stranger_document.body == "Theirs." and Document.objects.count() == 1


def test_customers_see_words_and_staff_see_the_technical_details(client, user):
    staff = UserFactory(is_staff=True)
    for person in (user, staff):
        client.force_login(person)
        generation = generate(client)
        pages = [
            client.get(f"/history/{generation.pk}/").content.decode(),
            client.get("/history/").content.decode(),
            client.get(f"/generate/status/?generation={generation.pk}").content.decode(),
        ]
        for page in pages:
            assert ("tokens" in page.lower()) is person.is_staff, page
        assert ("Stop reason" in pages[0]) is person.is_staff
        assert ("ms</dd>" in pages[0]) is person.is_staff
        assert f"About {len(generation.output.split())} words" in pages[0]
        assert f"About {len(generation.output.split())} words" in pages[2]


def test_the_detail_page_renders_the_answer_as_markdown(signed_in_client, user):
    generation = Generation.objects.create(
        user=user, prompt="P", output="## Plan\n\n- one\n- [x](javascript:alert(1))\n\n<script>alert(1)</script>",
        status="completed", plan="free", provider="demo", model="m",
    )  # fmt: skip

    page = signed_in_client.get(f"/history/{generation.pk}/").content.decode()

    assert "<h2>Plan</h2>" in page and "<li>one</li>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page


def test_reuse_fills_the_prompt_only_with_a_generation_the_user_may_see(client, user):
    theirs = Generation.objects.create(
        user=UserFactory(),
        prompt="Their secret plan",
        output="x",
        status="completed",
        plan="free",
        provider="d",
        model="m",
    )
    mine = Generation.objects.create(
        user=user, prompt="My own launch note", output="x", status="completed", plan="free", provider="d", model="m"
    )
    client.force_login(user)

    assert "My own launch note</textarea>" in client.get(f"/generate/?from={mine.pk}").content.decode()
    assert "Their secret plan" not in client.get(f"/generate/?from={theirs.pk}").content.decode()
    assert "data-run-at-once" in client.get(f"/generate/?from={mine.pk}&again=1").content.decode()
    starter = client.get("/generate/", {"prompt": "Three subject lines"}).content.decode()
    assert "Three subject lines</textarea>" in starter


def test_an_empty_history_offers_starter_prompts(signed_in_client):
    history = signed_in_client.get("/history/").content.decode()
    generate_page = signed_in_client.get("/generate/").content.decode()

    assert "/generate/?prompt=" in history
    assert 'id="starters"' in generate_page
    generate(signed_in_client)
    assert 'id="starters"' not in signed_in_client.get("/generate/").content.decode()


def test_a_deleted_team_generation_leaves_the_team_pages_too(client, owner, team, member):
    generation = Generation.objects.create(
        user=member, team=team, prompt="Team draft to delete", output="x", status="completed", plan="team",
        provider="d", model="m",
    )  # fmt: skip
    client.force_login(member)
    client.post(f"/history/{generation.pk}/delete/")
    client.force_login(owner)

    for url in ("/teams/acme/", "/teams/acme/history/"):
        assert "Team draft to delete" not in client.get(url).content.decode(), url
