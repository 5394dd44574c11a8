"""Who may read and change documents; a team without the Team plan is read-only."""

import pytest

from generation.models import Document
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def downgraded(owner):
    owner.plan = "pro"
    owner.save()


def test_members_edit_team_documents_while_the_owner_has_the_team_plan(client, team, member):
    document = DocumentFactory(team=team, created_by=team.owner)
    client.force_login(member)
    assert client.post(f"/documents/{document.pk}/save/", {"body": "ok", "version": 1}).status_code == 200


def test_after_a_downgrade_members_still_read_team_documents(client, team, member, downgraded):
    document = DocumentFactory(team=team, created_by=member, body="Shared words")
    client.force_login(member)

    page = client.get(f"/documents/{document.pk}/").content.decode()

    assert "Shared words" in page
    assert "Read-only" in page and "Ask the team's owner to upgrade" in page
    assert 'id="document-form"' not in page and 'id="document-ask"' not in page


@pytest.mark.parametrize("who", ["owner", "member"])
def test_after_a_downgrade_nobody_changes_team_documents(client, team, owner, member, downgraded, who):
    user = owner if who == "owner" else member
    document = DocumentFactory(team=team, created_by=user, body="Shared words", title="Plan")
    client.force_login(user)

    save = client.post(f"/documents/{document.pk}/save/", {"body": "changed", "version": 1})
    client.post(f"/documents/{document.pk}/rename/", {"title": "Renamed"})
    client.post(f"/documents/{document.pk}/delete/")
    client.post("/documents/new/", {"workspace": "acme"})

    document.refresh_from_db()
    assert save.status_code == 403
    assert f"Not saved: {team.name} needs the Team plan to create and edit documents." in save.content.decode()
    assert (document.body, document.title) == ("Shared words", "Plan")
    assert team.documents.count() == 1


def test_after_a_downgrade_the_api_does_not_write_into_team_documents(client, team, member, downgraded):
    document = DocumentFactory(team=team, created_by=member, body="Shared words")
    client.force_login(member)

    response = client.post(
        "/api/generate",
        {"prompt": "Add a line", "stream": False, "team": "acme", "document": document.pk},
        content_type="application/json",
    )

    document.refresh_from_db()
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert document.body == "Shared words"
    assert member.generations.count() == 0


def test_after_a_downgrade_the_owner_is_pointed_at_the_upgrade(client, team, owner, downgraded):
    document = DocumentFactory(team=team, created_by=owner)
    client.force_login(owner)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Upgrade the team" in page


def test_personal_documents_stay_editable_on_any_plan(client, member, downgraded):
    document = DocumentFactory(created_by=member)
    client.force_login(member)
    assert client.post(f"/documents/{document.pk}/save/", {"body": "mine", "version": 1}).status_code == 200


def test_document_list_marks_a_read_only_team(client, team, member, downgraded):
    client.force_login(member)
    page = client.get("/documents/").content.decode()
    assert "Read-only: the team needs the Team plan for editing." in page
    assert '<option value="acme">' not in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    document = DocumentFactory()
    response = client.get(f"/documents/{document.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Document.objects.count() == 1
