"""Documents download as Markdown and as Word files that keep headings, lists and emphasis."""

import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument

from tests.factories import DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = """# Launch plan

An intro with **bold words**, *a quiet aside* and `inline code`, see [the brief](https://example.com/brief).

## Steps

- Write the announcement
- Tell the team
  - Support first

1. Draft
2. Review

> Ship it on Monday.
"""


@pytest.fixture
def document(user):
    return DocumentFactory(created_by=user, title="Launch plan: Q3 / final?", body=BODY)


def export(client, document, kind):
    name = "document_export_markdown" if kind == "md" else "document_export_docx"
    return client.get(reverse(name, args=[document.pk]))


def test_markdown_export_is_the_text_as_an_attachment_named_after_the_title(signed_in_client, document):
    response = export(signed_in_client, document, "md")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="Launch plan Q3 final.md"'
    assert response.content.decode() == BODY


def test_word_export_keeps_headings_lists_emphasis_and_links(signed_in_client, document):
    response = export(signed_in_client, document, "docx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Launch plan Q3 final.docx"'
    word = WordDocument(io.BytesIO(response.content))
    paragraphs = [(paragraph.style.name, paragraph.text) for paragraph in word.paragraphs]
    assert ("Heading 1", "Launch plan") in paragraphs
    assert ("Heading 2", "Steps") in paragraphs
    assert ("List Bullet", "Write the announcement") in paragraphs
    assert ("List Bullet 2", "Support first") in paragraphs
    assert ("List Number", "Draft") in paragraphs and ("List Number", "Review") in paragraphs
    assert ("Quote", "Ship it on Monday.") in paragraphs
    intro = next(paragraph for paragraph in word.paragraphs if paragraph.text.startswith("An intro"))
    runs = {run.text: run for run in intro.runs}
    assert runs["bold words"].bold and not runs["bold words"].italic
    assert runs["a quiet aside"].italic and not runs["a quiet aside"].bold
    assert runs["inline code"].font.name == "Courier New"
    assert runs["the brief"].underline and "(https://example.com/brief)" in intro.text
    assert word.core_properties.title == document.title
    assert "#" not in "".join(text for _, text in paragraphs) and "**" not in intro.text


def test_a_non_ascii_title_gets_an_encoded_filename(signed_in_client, user):
    document = DocumentFactory(created_by=user, title="Café menu", body="")

    response = export(signed_in_client, document, "md")

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Caf%C3%A9%20menu.md"
    assert WordDocument(io.BytesIO(export(signed_in_client, document, "docx").content)).paragraphs == []


@pytest.mark.parametrize("kind", ["md", "docx"])
def test_only_those_who_may_read_the_document_can_export_it(client, document, kind):
    client.force_login(UserFactory())
    assert export(client, document, kind).status_code == 404


@pytest.mark.parametrize("kind", ["md", "docx"])
def test_team_members_export_team_documents(client, team, member, kind):
    document = DocumentFactory(team=team, created_by=team.owner, title="Shared", body="# Shared")
    client.force_login(member)
    assert export(client, document, kind).status_code == 200
