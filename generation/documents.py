"""Which documents a user may see (and in which of their workspaces), and the one way a document's body changes.

What a user may do to a document is the permission table's to say (accounts/permissions.py),
asked through the document's workspace: ``workspace.can(Action.EDIT_DOCUMENTS)``.

Every change to a body goes through ``save_body`` or ``append_to_document``: both raise
``Document.version`` in the same UPDATE, so an editor that saves text based on an older version
is told about the conflict instead of silently overwriting someone else's words.
"""

from dataclasses import dataclass

from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone

from accounts.workspaces import NotAMember, Workspace, workspace_of
from generation.models import Document


def documents_visible_to(user):
    """The user's personal documents and their teams' documents."""
    return Document.objects.filter(Q(team__isnull=True, created_by=user) | Q(team__memberships__user=user)).distinct()


def open_document(user, pk) -> tuple[Document, Workspace]:
    """The document ``pk`` and the user's workspace that holds it; 404 if they may not see it, so ids
    are not enumerable."""
    document = documents_visible_to(user).select_related("last_edited_by", "created_by").filter(pk=pk).first()
    if document is None:
        raise Http404("No such document.")
    try:
        workspace = workspace_of(user, document.team_id)
    except NotAMember:  # left the team between the two queries
        raise Http404("No such document.") from None
    document.team = workspace.team  # one instance, its owner loaded
    return document, workspace


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    document: Document  # fresh from the database: the saved text, or the conflicting one


def save_body(document, body: str, base_version: int, user) -> SaveResult:
    """Store ``body`` if the document is still at ``base_version``.

    The compare-and-set UPDATE (``WHERE version = base_version``) is what makes two concurrent
    saves safe: exactly one matches; the other changes nothing and reports the conflict.
    """
    saved = (
        Document.objects.filter(pk=document.pk, version=base_version).update(
            body=body, version=F("version") + 1, last_edited_by=user, updated_at=timezone.now()
        )
        == 1
    )
    return SaveResult(saved=saved, document=Document.objects.select_related("last_edited_by").get(pk=document.pk))


def append_to_document(document, text: str, user) -> Document:
    """Append a generated answer to the body and return the fresh row.

    One UPDATE appends and raises the version, so concurrent appends never lose each other; open
    editors load the new version on their next poll, or report a conflict if their own unsaved
    text was based on the older one.
    """
    text = Value(text, output_field=TextField())
    Document.objects.filter(pk=document.pk).update(
        body=Case(
            When(body="", then=text),
            default=Concat(F("body"), Value("\n\n", output_field=TextField()), text),
        ),
        version=F("version") + 1,
        last_edited_by=user,
        updated_at=timezone.now(),
    )
    return Document.objects.get(pk=document.pk)
