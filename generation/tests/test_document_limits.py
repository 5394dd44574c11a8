"""Documents are bounded: a per-workspace count and a body size from the plan catalog, shown to the user
and enforced when creating and saving; list pages never load the bodies, and the documents page is paginated."""

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import plans
from generation.models import Document, Generation
from tests.factories import DocumentFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def free_allows(monkeypatch):
    """Set the Free plan's document limits for one test, as a change to billing/plans.py would."""

    def allow(**limits):
        monkeypatch.setitem(plans.PLANS, "free", replace(plans.FREE, **limits))

    return allow


def save(client, document, body):
    data = {"body": body, "version": document.version}
    return client.post(f"/documents/{document.pk}/save/", data, headers={"HX-Request": "true"})


def test_the_plans_limits_are_on_the_pricing_and_documents_pages(signed_in_client, user):
    DocumentFactory(created_by=user)

    pricing = signed_in_client.get("/pricing/").content.decode()
    documents = signed_in_client.get("/documents/").content.decode()

    assert "Up to 50 documents of 50,000 characters" in pricing
    assert "Up to 1,000 documents of 200,000 characters" in pricing
    assert "1 of 50 documents, up to 50,000 characters each (Free plan)" in documents


def test_a_full_workspace_refuses_a_new_document_and_says_why(signed_in_client, user, free_allows):
    free_allows(max_documents=2)
    DocumentFactory.create_batch(2, created_by=user)

    response = signed_in_client.post("/documents/new/", {"workspace": "personal", "title": "Third"}, follow=True)

    page = response.content.decode()
    assert "Personal has 2 documents, as many as the Free plan allows" in page
    assert "or move to Pro for 1,000" in page
    assert not Document.objects.filter(title="Third").exists()


def test_a_teams_documents_count_under_the_teams_plan(client):
    owner = UserFactory(plan="team")
    TeamFactory(owner=owner, slug="acme")
    client.force_login(owner)
    DocumentFactory.create_batch(3, created_by=owner)  # personal ones do not count in the team

    client.post("/documents/new/", {"workspace": "acme", "title": "Shared"})

    assert Document.objects.filter(team__slug="acme", title="Shared").exists()
    assert "1 of 5,000 documents" in client.get("/documents/").content.decode()


def test_a_body_over_the_plans_size_is_refused_and_nothing_is_lost(signed_in_client, user, free_allows):
    free_allows(max_document_chars=100)
    document = DocumentFactory(created_by=user, body="Kept.")

    refused = save(signed_in_client, document, "x" * 101)
    document.refresh_from_db()
    assert refused.status_code == 413
    assert "This document has 101 characters; the Free plan allows 100 per document" in refused.content.decode()
    assert "your text is still here" in refused.content.decode()
    assert document.body == "Kept."

    assert save(signed_in_client, document, "x" * 100).status_code == 200
    document.refresh_from_db()
    assert document.body == "x" * 100


@pytest.mark.parametrize("path", ["/documents/", "/generate/", "/history/"])
def test_list_pages_never_load_document_bodies(signed_in_client, user, path):
    document = DocumentFactory(created_by=user, body="B" * 10_000)
    Generation.objects.create(user=user, document=document, prompt="p", plan="free", provider="demo", model="m")

    with CaptureQueriesContext(connection) as queries:
        response = signed_in_client.get(path)

    assert response.status_code == 200
    assert document.title in response.content.decode()
    assert not [q["sql"] for q in queries if '"generation_document"."body"' in q["sql"]]


def test_the_documents_page_is_paginated(signed_in_client, user):
    Document.objects.bulk_create(
        Document(title=f"Note {n:03}", created_by=user, last_edited_by=user) for n in range(51)
    )

    first = signed_in_client.get("/documents/")
    second = signed_in_client.get("/documents/?page=2")

    def listed(response):
        return [document.pk for _, documents, _ in response.context["sections"] for document in documents]

    assert len(listed(first)) == 50 and "Page 1 of 2" in first.content.decode()
    assert len(listed(second)) == 1 and "Page 2 of 2" in second.content.decode()
    assert sorted(listed(first) + listed(second)) == sorted(Document.objects.values_list("pk", flat=True))


def test_the_generate_page_offers_the_recent_documents_and_the_one_asked_for(signed_in_client, user):
    oldest = DocumentFactory(created_by=user, title="Oldest draft")
    Document.objects.bulk_create(
        Document(title=f"Note {n:03}", created_by=user, last_edited_by=user) for n in range(100)
    )

    offered = signed_in_client.get("/generate/").context["documents"]
    asked = signed_in_client.get(f"/generate/?document={oldest.pk}").context["documents"]

    assert len(offered) == 100 and oldest not in offered
    assert oldest in asked
