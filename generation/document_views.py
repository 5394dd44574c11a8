"""Document pages: the list by workspace, the editor (autosave, live updates), rename, delete, export.

Every view opens the document with its workspace (generation/documents.py) and asks that
workspace what the caller may do; refusals use the permission table's words.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap

from accounts.permissions import Action
from accounts.workspaces import PERSONAL, NotAMember, workspace_for, workspaces_for
from billing.plans import COLLABORATION_PLAN
from generation.documents import (
    DocumentLimit,
    check_body_size,
    create_document,
    document_counts,
    documents_visible_to,
    open_document,
    save_body,
)
from generation.export import export_filename, markdown_to_docx
from generation.models import Document

TITLE_MAX_LENGTH = Document._meta.get_field("title").max_length
RECENT_GENERATIONS = 20
DOCUMENTS_PER_PAGE = 50


def _text(raw) -> str:
    """Posted text as PostgreSQL can store it: a NUL is dropped rather than failing the request."""
    return (raw or "").replace("\x00", "")


def _title(raw) -> str:
    return _text(raw).strip()[:TITLE_MAX_LENGTH] or "Untitled"


@login_required
@require_GET
def document_list(request):
    """Every document the user can see, a page at a time, grouped by workspace (personal first, then teams by
    name); titles and dates only, never the bodies. Each workspace says how many documents its plan allows."""
    documents = (
        documents_visible_to(request.user)
        .select_related("last_edited_by", "created_by")
        .defer("body")
        .order_by(F("team__name").asc(nulls_first=True), "team_id", "-updated_at", "-pk")
    )
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    counts = document_counts(request.user)
    workspaces = workspaces_for(request.user)
    sections = []
    for workspace in workspaces:
        on_page = [document for document in page if document.team_id == workspace.team_id]
        total = counts.get(workspace.team_id, 0)
        if on_page or (total == 0 and page.number == 1):  # an empty workspace shows its empty state once
            sections.append((workspace, on_page, total))
    return render(
        request,
        "generation/document_list.html",
        {
            "sections": sections,
            "workspaces": workspaces,
            "page": page,
            "team_plan": COLLABORATION_PLAN,
        },
    )


@login_required
@require_POST
def document_create(request):
    """Create a document in the personal workspace or in a team the user may write in."""
    try:
        workspace = workspace_for(request.user, _text(request.POST.get("workspace", PERSONAL)))
    except NotAMember:
        raise Http404("No such team.") from None
    if not workspace.can(Action.EDIT_DOCUMENTS):
        messages.error(request, workspace.refusal(Action.EDIT_DOCUMENTS))
        return redirect("team_detail", slug=workspace.key)
    try:
        document = create_document(workspace, _title(request.POST.get("title")))
    except DocumentLimit as error:
        messages.error(request, str(error))
        return redirect("document_list")
    return redirect("document_detail", pk=document.pk)


def _generations(document):
    return document.generations.select_related("user").order_by("-created_at")[:RECENT_GENERATIONS]


@login_required
@require_GET
def document_detail(request, pk):
    document, workspace = open_document(request.user, pk)
    return render(
        request,
        "generation/document_detail.html",
        {
            "document": document,
            "workspace": workspace,
            "may_delete": workspace.can(Action.DELETE_DOCUMENT, document),
            "generations": _generations(document),
            "team_plan": COLLABORATION_PLAN,
        },
    )


@login_required
@require_GET
def document_live(request, pk):
    """Polled by the editor: who edited last, the generations written into it, and the text if it changed."""
    document, _ = open_document(request.user, pk)
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


def _save_status(request, state, status, document=None, refusal=""):
    """The editor's status line. A refusal carries HX-Reswap, which tells documents.js that this 4xx is
    the server's own answer to show (unlike Django's bare 400/403 pages for a body too large or a CSRF failure)."""
    context = {"state": state, "document": document, "refusal": refusal}
    response = TemplateResponse(request, "generation/document_detail.html#save_status", context, status=status)
    return response if status == 200 else reswap(response, "outerHTML")


@login_required
@require_POST
def document_save(request, pk):
    """Autosave (htmx): store the body if nobody changed it since the editor's version; 409 on a conflict."""
    document, workspace = open_document(request.user, pk)
    if not workspace.can(Action.EDIT_DOCUMENTS):
        return _save_status(request, "forbidden", 403, refusal=workspace.refusal(Action.EDIT_DOCUMENTS))
    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        return _save_status(request, "invalid", 400)
    body = _text(request.POST.get("body"))
    try:
        check_body_size(workspace, body)
    except DocumentLimit as error:
        return _save_status(request, "forbidden", 413, refusal=str(error))
    result = save_body(document, body, base_version, request.user)
    if result.saved:
        return _save_status(request, "saved", 200, result.document)
    return _save_status(request, "conflict", 409, result.document)


@login_required
@require_POST
def document_rename(request, pk):
    document, workspace = open_document(request.user, pk)
    if not workspace.can(Action.EDIT_DOCUMENTS):
        messages.error(request, workspace.refusal(Action.EDIT_DOCUMENTS))
        return redirect("document_detail", pk=pk)
    Document.objects.filter(pk=pk).update(title=_title(request.POST.get("title")))
    messages.success(request, "Renamed.")
    return redirect("document_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request, pk):
    document, workspace = open_document(request.user, pk)
    if not workspace.can(Action.DELETE_DOCUMENT, document):
        messages.error(request, workspace.refusal(Action.DELETE_DOCUMENT))
        return redirect("document_detail", pk=pk)
    if request.method == "POST":
        document.delete()
        messages.success(request, f"Deleted “{document.title}”.")
        if workspace.team:
            return redirect("team_detail", slug=workspace.key)
        return redirect("document_list")
    return render(request, "generation/document_confirm_delete.html", {"document": document, "workspace": workspace})


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
@require_GET
def document_export_markdown(request, pk):
    """The body as saved, a .md file; anyone who may read the document may download it."""
    document, _ = open_document(request.user, pk)
    return _download(document.body, "text/markdown; charset=utf-8", export_filename(document.title, "md"))


@login_required
@require_GET
def document_export_docx(request, pk):
    """The body as a Word file (headings, lists and emphasis kept: generation/export.py)."""
    document, _ = open_document(request.user, pk)
    word_file = markdown_to_docx(document.title, document.body)
    return _download(word_file, DOCX_TYPE, export_filename(document.title, "docx"))
