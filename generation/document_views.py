from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.teams import Action, can, has_collaboration
from generation.documents import (
    documents_visible_to,
    get_document_for,
    may_delete,
    may_edit,
    save_body,
)
from generation.models import Document

TITLE_MAX_LENGTH = Document._meta.get_field("title").max_length
RECENT_GENERATIONS = 20


def _text(raw) -> str:
    """Posted text as PostgreSQL can store it: a NUL is dropped rather than failing the request."""
    return (raw or "").replace("\x00", "")


def _title(raw) -> str:
    return _text(raw).strip()[:TITLE_MAX_LENGTH] or "Untitled"


@login_required
@require_GET
def document_list(request):
    memberships = list(request.user.memberships.select_related("team").order_by("team__name"))
    documents = list(documents_visible_to(request.user).select_related("last_edited_by", "created_by"))
    workspaces = [
        {
            "name": "Personal",
            "slug": "personal",
            "team": None,
            "may_create": True,
            "documents": [doc for doc in documents if doc.team_id is None],
        }
    ]
    for membership in memberships:
        workspaces.append(
            {
                "name": membership.team.name,
                "slug": membership.team.slug,
                "team": membership.team,
                "may_create": can(membership, Action.EDIT_DOCUMENTS),
                "documents": [doc for doc in documents if doc.team_id == membership.team_id],
            }
        )
    return render(request, "generation/document_list.html", {"workspaces": workspaces})


@login_required
@require_POST
def document_create(request):
    """Create a document in the personal workspace or in a team the user may write in."""
    workspace = _text(request.POST.get("workspace", "personal"))
    team = None
    if workspace != "personal":
        membership = request.user.memberships.select_related("team").filter(team__slug=workspace).first()
        if membership is None:
            raise Http404("No such team.")
        if not can(membership, Action.EDIT_DOCUMENTS):
            messages.error(request, f"{membership.team.name} needs the Team plan to create documents.")
            return redirect("team_detail", slug=membership.team.slug)
        team = membership.team
    document = Document.objects.create(
        title=_title(request.POST.get("title")), team=team, created_by=request.user, last_edited_by=request.user
    )
    return redirect("document_detail", pk=document.pk)


def _generations(document):
    return document.generations.select_related("user").order_by("-created_at")[:RECENT_GENERATIONS]


@login_required
@require_GET
def document_detail(request, pk):
    document = get_document_for(request.user, pk)
    return render(
        request,
        "generation/document_detail.html",
        {
            "document": document,
            "may_edit": may_edit(request.user, document),
            "may_delete": may_delete(request.user, document),
            "needs_team_plan": document.team is not None and not has_collaboration(document.team),
            "generations": _generations(document),
        },
    )


@login_required
@require_GET
def document_live(request, pk):
    """Polled by the editor: who edited last, the generations written into it, and the text if it changed."""
    document = get_document_for(request.user, pk)
    try:
        known_version = int(request.GET.get("version", ""))
    except ValueError:
        known_version = None
    return TemplateResponse(
        request,
        "generation/document_detail.html#live",
        {
            "document": document,
            "generations": _generations(document),
            "remote": None
            if known_version == document.version
            else {"version": document.version, "title": document.title, "body": document.body},
        },
    )


@login_required
@require_POST
def document_save(request, pk):
    """Autosave (htmx): store the body if nobody changed it since the editor's version; 409 on a conflict."""
    document = get_document_for(request.user, pk)
    if not may_edit(request.user, document):
        return TemplateResponse(
            request, "generation/document_detail.html#save_status", {"state": "forbidden"}, status=403
        )
    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        return TemplateResponse(
            request, "generation/document_detail.html#save_status", {"state": "invalid"}, status=400
        )
    result = save_body(document, _text(request.POST.get("body")), base_version, request.user)
    return TemplateResponse(
        request,
        "generation/document_detail.html#save_status",
        {"state": "saved" if result.saved else "conflict", "document": result.document},
        status=200 if result.saved else 409,
    )


@login_required
@require_POST
def document_rename(request, pk):
    document = get_document_for(request.user, pk)
    if not may_edit(request.user, document):
        messages.error(request, "You cannot rename this document.")
        return redirect("document_detail", pk=pk)
    Document.objects.filter(pk=pk).update(title=_title(request.POST.get("title")))
    messages.success(request, "Renamed.")
    return redirect("document_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, pk):
    document = get_document_for(request.user, pk)
    if not may_delete(request.user, document):
        messages.error(request, "You cannot delete this document.")
        return redirect("document_detail", pk=pk)
    if request.method == "POST":
        document.delete()
        messages.success(request, f"Deleted “{document.title}”.")
        if document.team_id:
            return redirect("team_detail", slug=document.team.slug)
        return redirect("document_list")
    return render(request, "generation/document_confirm_delete.html", {"document": document})
