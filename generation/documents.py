"""Which documents a user may see (and in which of their workspaces), and the one way a document's body changes.

What a user may do to a document is the permission table's to say (accounts/permissions.py),
asked through the document's workspace: ``workspace.can(Action.EDIT_DOCUMENTS)``.

Every change to a body goes through ``save_body`` or ``append_to_document``: both raise
``Document.version`` in the same UPDATE, so an editor that saves text based on an older version
is told about the conflict instead of silently overwriting someone else's words.

A workspace holds at most its plan's ``max_documents`` documents, and a saved body at most its
plan's ``max_document_chars`` characters (billing/plans.py): ``create_document`` and
``check_body_size`` refuse with ``DocumentLimit``. Answers a generation appends are not refused
(each is bounded by the plan's answer length and daily quota); the next save over the size is.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, Count, F, Q, TextField, Value, When
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone

from accounts.models import Team, User
from accounts.permissions import Action, NotAllowed
from accounts.workspaces import NotAMember, Workspace, workspace_of
from billing.plans import upgrade_for
from generation.models import Document


class DocumentLimit(NotAllowed):
    """The workspace's plan allows no more documents, or not this much text; shown to the user as is."""


def documents_visible_to(user):
    """The user's personal documents and their teams' documents."""
    return Document.objects.filter(Q(team__isnull=True, created_by=user) | Q(team__memberships__user=user)).distinct()


def documents_in(workspace):
    """The documents of one workspace: the caller's personal ones, or all of a team's."""
    if workspace.team is None:
        return Document.objects.filter(team__isnull=True, created_by=workspace.user)
    return Document.objects.filter(team=workspace.team)


def document_counts(user) -> dict[int | None, int]:
    """How many documents each of the user's workspaces holds, by team id (None: personal); one query."""
    rows = documents_visible_to(user).order_by().values("team_id").annotate(total=Count("pk", distinct=True))
    return {row["team_id"]: row["total"] for row in rows}


def create_document(workspace, title: str) -> Document:
    """A new document in ``workspace``, within its plan's ``max_documents``.

    The workspace's owner row (the team, or the user for a personal workspace) is locked while counting,
    so two creations at once cannot both take the last place.
    """
    workspace.require(Action.EDIT_DOCUMENTS)
    plan = workspace.plan
    with transaction.atomic():
        if workspace.team is None:
            User.objects.select_for_update().filter(pk=workspace.user.pk).first()
        else:
            Team.objects.select_for_update().filter(pk=workspace.team.pk).first()
        if documents_in(workspace).count() >= plan.max_documents:
            bigger = upgrade_for(plan)
            raise DocumentLimit(
                f"{workspace.name} has {plan.max_documents:,} documents, as many as the {plan.name} plan allows. "
                "Delete one you no longer need to make room"
                + (f", or move to {bigger.name} for {bigger.max_documents:,}." if bigger else ".")
            )
        return Document.objects.create(
            title=title, team=workspace.team, created_by=workspace.user, last_edited_by=workspace.user
        )


def check_body_size(workspace, body: str) -> None:
    """Refuse a body longer than the workspace's plan allows (DocumentLimit), before it is saved."""
    plan = workspace.plan
    if len(body) > plan.max_document_chars:
        raise DocumentLimit(
            f"This document has {len(body):,} characters; the {plan.name} plan allows {plan.max_document_chars:,} "
            "per document. Shorten it or move part of it to a new document: your text is still here."
        )


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
