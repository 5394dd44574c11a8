"""A user's history of generations: who may see one, and what they may do with it.

The visibility rule is the one the detail page (/history/<id>/) and the API's ``"parent"`` share:
a generation is visible to its author and, for a team generation, to whoever may view that team
now. An answer can be sent to a document (a new one, or appended to one the user may edit).
Deleting hides a generation from history pages only: the unit it used stays spent, and the
founder metrics still count it (docs/metrics.md).
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import Truncator

from accounts.permissions import Action, NotAllowed
from accounts.workspaces import NotAMember, workspace_for, workspace_of, workspaces_for
from generation.documents import append_to_document, documents_visible_to, open_document
from generation.ids import parse_id
from generation.models import Document, Generation

# "Send to document" lists at most this many existing documents, most recently edited first.
SEND_TARGET_DOCUMENTS = 30
NEW_DOCUMENT = "new:"  # a target "new:<workspace key>" creates a document in that workspace


def may_see(user, generation: Generation) -> bool:
    """Its author; for a team generation, also whoever may view that team now."""
    if generation.user_id == user.pk:
        return True
    if generation.team_id is None:
        return False
    try:
        return workspace_of(user, generation.team_id).can(Action.VIEW)
    except NotAMember:
        return False


def visible_generation(user, pk: int, queryset=None) -> Generation | None:
    """Generation ``pk`` if ``user`` may see it and its author has not deleted it; otherwise None."""
    queryset = Generation.objects.shown() if queryset is None else queryset.shown()
    generation = queryset.filter(pk=pk).first()
    return generation if generation is not None and may_see(user, generation) else None


def hide(user, generation: Generation) -> bool:
    """Delete ``generation`` from its author's history (only the author may); True if it was hidden now."""
    if generation.user_id != user.pk:
        return False
    return Generation.objects.filter(pk=generation.pk, hidden_at__isnull=True).update(hidden_at=timezone.now()) == 1


@dataclass(frozen=True)
class SendTarget:
    value: str  # "new:<workspace key>" or a document id
    label: str


def send_targets(user) -> list[SendTarget]:
    """Where an answer may go: a new document in each workspace the user may write in, then those
    workspaces' documents."""
    writable = {
        workspace.team_id: workspace for workspace in workspaces_for(user) if workspace.can(Action.EDIT_DOCUMENTS)
    }
    targets = [
        SendTarget(f"{NEW_DOCUMENT}{workspace.key}", f"A new document in {workspace.name}")
        for workspace in writable.values()
    ]
    documents = documents_visible_to(user).only("title", "team_id").order_by("-updated_at")[:SEND_TARGET_DOCUMENTS]
    targets += [
        SendTarget(str(document.pk), f"{document.title} ({writable[document.team_id].name})")
        for document in documents
        if document.team_id in writable
    ]
    return targets


def send_to_document(user, generation: Generation, target: str) -> Document:
    """Put ``generation``'s answer into a document: appended to an existing one, or as a new one.

    ``target`` is a ``SendTarget.value``. Raises NotAllowed when the workspace may not be written in,
    NotAMember or Http404 (from open_document) for a team or document the user may not see.
    """
    if target.startswith(NEW_DOCUMENT):
        workspace = workspace_for(user, target.removeprefix(NEW_DOCUMENT))
        workspace.require(Action.EDIT_DOCUMENTS)
        return Document.objects.create(
            title=Truncator(" ".join(generation.prompt.split())).chars(60) or "Untitled",
            body=generation.output,
            team=workspace.team,
            created_by=user,
            last_edited_by=user,
        )
    pk = parse_id(target)
    if pk is None:
        raise NotAllowed("Choose a document.")
    document, workspace = open_document(user, pk)
    workspace.require(Action.EDIT_DOCUMENTS)
    return append_to_document(document, generation.output, user)
