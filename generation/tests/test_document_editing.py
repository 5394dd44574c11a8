"""Documents: create, list by workspace, autosave with conflict detection, rename, delete, live view."""

import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import Membership
from generation.documents import append_to_document, save_body
from generation.models import Document, Generation
from tests.factories import DocumentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(owner=UserFactory(plan="team", name="Olive"), name="Acme", slug="acme")


@pytest.fixture
def teammate(team):
    user = UserFactory(name="Tom")
    Membership.objects.create(team=team, user=user)
    return user


def save(client, document, body, version):
    data = {"body": body, "version": version}
    return client.post(f"/documents/{document.pk}/save/", data, headers={"HX-Request": "true"})


def test_create_a_personal_document(signed_in_client, user):
    response = signed_in_client.post("/documents/new/", {"workspace": "personal", "title": "  Cover letter "})

    document = Document.objects.get()
    assert response["Location"] == f"/documents/{document.pk}/"
    assert (document.title, document.team, document.created_by, document.last_edited_by) == (
        "Cover letter",
        None,
        user,
        user,
    )


def test_create_a_team_document_untitled(client, team, teammate):
    client.force_login(teammate)
    client.post("/documents/new/", {"workspace": "acme"})
    document = Document.objects.get()
    assert document.team == team and document.title == "Untitled"


def test_list_groups_documents_by_workspace_with_last_editor(client, team, teammate):
    DocumentFactory(title="My diary", created_by=teammate)
    shared = DocumentFactory(title="Team brief", team=team, created_by=team.owner)
    Document.objects.filter(pk=shared.pk).update(updated_at=timezone.now() - timedelta(minutes=5))
    client.force_login(teammate)

    page = client.get("/documents/").content.decode()

    personal, team_part = page.split('id="workspace-acme"')
    assert "My diary" in personal.split('id="workspace-personal"')[1]
    assert "Team brief" in team_part
    assert "Olive, 5\xa0minutes ago" in team_part


def test_saving_with_the_current_version_stores_the_text(client, team, teammate):
    document = DocumentFactory(team=team, created_by=team.owner)
    client.force_login(teammate)

    response = save(client, document, "New text", document.version)

    document.refresh_from_db()
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    assert f'id="document-version" value="{document.version}"' in response.content.decode()
    assert (document.body, document.version, document.last_edited_by) == ("New text", 2, teammate)


def test_a_save_based_on_an_older_version_is_a_conflict_and_overwrites_nothing(client, team, teammate):
    document = DocumentFactory(team=team, created_by=team.owner)
    owner_client = Client()
    owner_client.force_login(team.owner)
    save(owner_client, document, "Olive's text", 1)
    client.force_login(teammate)

    response = save(client, document, "Tom's text", 1)

    document.refresh_from_db()
    text = response.content.decode()
    assert response.status_code == 409
    assert "Not saved" in text and "Olive changed this document" in text
    assert "Keep my version" in text and '{"version": "2"}' in text
    assert document.body == "Olive's text" and document.version == 2


def test_keeping_my_version_after_a_conflict_saves_it(client, team, teammate):
    document = DocumentFactory(team=team, created_by=team.owner, version=2)
    client.force_login(teammate)
    assert save(client, document, "Tom's text", 1).status_code == 409

    response = save(client, document, "Tom's text", 2)

    document.refresh_from_db()
    assert response.status_code == 200 and document.body == "Tom's text" and document.version == 3


def test_a_missing_version_is_a_400_not_a_500(signed_in_client, user):
    document = DocumentFactory(created_by=user)
    response = signed_in_client.post(f"/documents/{document.pk}/save/", {"body": "x", "version": "abc"})
    assert response.status_code == 400


def test_a_nul_character_is_dropped_from_posted_text_instead_of_failing(signed_in_client, user):
    # PostgreSQL text cannot hold NUL; a pasted one must not turn a save into a server error.
    response = signed_in_client.post("/documents/new/", {"workspace": "personal", "title": "Draft\x00 one"})
    document = Document.objects.get(created_by=user)
    assert response.status_code == 302 and document.title == "Draft one"

    assert save(signed_in_client, document, "Hello\x00 world", document.version).status_code == 200
    signed_in_client.post(f"/documents/{document.pk}/rename/", {"title": "Final\x00"})
    document.refresh_from_db()
    assert (document.title, document.body) == ("Final", "Hello world")

    response = signed_in_client.post("/documents/new/", {"workspace": "acme\x00", "title": "x"})
    assert response.status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_from_the_same_version_store_exactly_one():
    author = UserFactory()
    document = DocumentFactory(created_by=author)
    barrier = threading.Barrier(2)
    results = []

    def editor(text):
        try:
            barrier.wait()
            results.append(save_body(document, text, 1, author).saved)
        finally:
            connection.close()

    threads = [threading.Thread(target=editor, args=(text,)) for text in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    document.refresh_from_db()
    assert sorted(results) == [False, True]
    assert document.version == 2 and document.body in ("first", "second")


def test_append_to_document_raises_the_version_so_editors_notice(team, teammate):
    document = DocumentFactory(team=team, created_by=team.owner, body="Intro.")
    empty = DocumentFactory(team=team, created_by=team.owner, body="")

    append_to_document(document, "Answer.", teammate)
    append_to_document(empty, "Answer.", teammate)

    document.refresh_from_db()
    empty.refresh_from_db()
    assert (document.body, document.version, document.last_edited_by) == ("Intro.\n\nAnswer.", 2, teammate)
    assert empty.body == "Answer."
    assert save_body(document, "stale", 1, team.owner).saved is False


def test_rename_and_blank_title_becomes_untitled(signed_in_client, user):
    document = DocumentFactory(created_by=user)

    signed_in_client.post(f"/documents/{document.pk}/rename/", {"title": "Final draft"})
    document.refresh_from_db()
    assert document.title == "Final draft"

    signed_in_client.post(f"/documents/{document.pk}/rename/", {"title": "   "})
    document.refresh_from_db()
    assert document.title == "Untitled"


def test_delete_asks_for_confirmation_first(signed_in_client, user):
    document = DocumentFactory(created_by=user, title="Old notes")

    confirm = signed_in_client.get(f"/documents/{document.pk}/delete/")
    assert "Delete “Old notes”?" in confirm.content.decode()
    assert Document.objects.filter(pk=document.pk).exists()

    response = signed_in_client.post(f"/documents/{document.pk}/delete/")
    assert response["Location"] == "/documents/"
    assert not Document.objects.filter(pk=document.pk).exists()


def test_deleting_a_team_document_returns_to_the_team(client, team):
    document = DocumentFactory(team=team, created_by=team.owner)
    client.force_login(team.owner)
    assert client.post(f"/documents/{document.pk}/delete/")["Location"] == "/teams/acme/"


def test_document_page_shows_the_editor_and_the_generations_written_into_it(client, team, teammate):
    document = DocumentFactory(team=team, created_by=team.owner, body="Hello team")
    Generation.objects.create(
        user=teammate, team=team, document=document, prompt="A closing line", plan="team", provider="demo", model="d"
    )
    client.force_login(team.owner)

    page = client.get(f"/documents/{document.pk}/").content.decode()

    assert 'id="document-form"' in page and "Hello team" in page
    assert "Tom" in page and "A closing line" in page
    assert "Last edited by" in page and "you" in page
    assert 'data-team="acme"' in page


def test_last_edited_says_who_and_how_long_ago(client, team, teammate):
    document = DocumentFactory(team=team, created_by=team.owner)
    client.force_login(teammate)
    save(client, document, "Tom was here", 1)
    client.force_login(team.owner)

    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        page = client.get(f"/documents/{document.pk}/").content.decode()

    assert "Last edited by <strong>Tom</strong>" in page and "3\xa0minutes ago" in page


def test_live_view_sends_the_text_only_when_the_version_changed(client, team, teammate):
    document = DocumentFactory(team=team, created_by=team.owner, body="v1")
    client.force_login(teammate)

    unchanged = client.get(f"/documents/{document.pk}/live/", {"version": 1}).content.decode()
    save_body(document, "v2 by Olive", 1, team.owner)
    changed = client.get(f"/documents/{document.pk}/live/", {"version": 1}).content.decode()

    assert 'id="document-remote"' not in unchanged
    assert 'id="document-meta"' in unchanged and 'id="document-generations"' in unchanged
    remote = json.loads(changed.split('id="document-remote" type="application/json">')[1].split("</script>")[0])
    assert remote == {"version": 2, "title": document.title, "body": "v2 by Olive"}
    assert "Last edited by <strong>Olive</strong>" in changed


def test_any_save_that_writes_the_body_raises_the_version(team, teammate):
    document = DocumentFactory(team=team, created_by=team.owner)
    assert document.version == 1

    document.body = "Changed elsewhere (API, admin)"
    document.save(update_fields=["body", "updated_at"])
    assert document.version == 2
    document.title = "Only the title"
    document.save(update_fields=["title"])

    document.refresh_from_db()
    assert document.version == 2
    assert save_body(document, "stale editor", 1, teammate).saved is False
