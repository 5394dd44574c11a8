"""Pages: the dashboard, the generate page (and its status panel), history, and a team's history."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_safe

from accounts.permissions import Action
from accounts.workspaces import PERSONAL, NotAMember, team_view, workspace_for, workspace_of, workspaces_for
from billing.plans import TRIAL_DAYS, upgrade_for
from generation import quota, stats
from generation.documents import documents_visible_to
from generation.models import Generation

HISTORY_PAGE_SIZE = 20
TEAM_HISTORY_PAGE_SIZE = 25
PICKER_DOCUMENTS = 100


def needs_email_verification(user) -> bool:
    """Free-plan generations wait for a verified address (docs/api.md, 403 ``email_unverified``);
    pages say so before a 403 does."""
    return not user.plan_info.is_paid and not user.has_verified_email


def _chosen_workspace(request):
    """The workspace named by ``?workspace=`` (PERSONAL or a slug); the personal one if the user has no such team."""
    try:
        return workspace_for(request.user, request.GET.get("workspace", PERSONAL))
    except NotAMember:
        return workspace_for(request.user, PERSONAL)


def _status_context(request, workspace) -> dict:
    return {
        "workspace": workspace,
        "usage": quota.usage_status(request.user, workspace.plan),
        "upgrade_plan": upgrade_for(workspace.plan),
    }


def picker_documents(user, selected: str) -> list:
    """The generate page's document choices: the most recently edited ones (and the one asked for in the
    URL), titles only, sorted by title; the documents page lists them all."""
    visible = documents_visible_to(user).select_related("team").only("title", "team_id", "team__slug")
    documents = list(visible.order_by("-updated_at", "-pk")[:PICKER_DOCUMENTS])
    wanted = int(selected) if selected.isascii() and selected.isdigit() and int(selected) < 2**63 else None
    if wanted is not None and all(document.pk != wanted for document in documents):
        documents += list(visible.filter(pk=wanted))
    return sorted(documents, key=lambda document: document.title.lower())


@login_required
def generate_page(request):
    workspaces = workspaces_for(request.user)
    key = request.GET.get("workspace", PERSONAL)
    workspace = next((choice for choice in workspaces if choice.key == key), workspaces[0])
    documents = picker_documents(request.user, request.GET.get("document", ""))
    return render(
        request,
        "generation/generate.html",
        {
            **_status_context(request, workspace),
            "workspaces": workspaces,
            "personal_key": PERSONAL,
            "documents": documents,
            "selected_document": request.GET.get("document", ""),
            "prompt_max_chars": settings.PROMPT_MAX_CHARS,
            "needs_verification": needs_email_verification(request.user),
        },
    )


@login_required
@require_safe
def generate_status(request):
    """The generate page's usage panel and limit dialog for ``?workspace=``, fetched (htmx) when the
    workspace changes and after every generation; with ``?generation=<id>``, also that generation's
    outcome line; with ``?limit_reached=1`` (after a 402) the dialog comes open. The words stay in the
    template, so generate.js never repeats them."""
    context = _status_context(request, _chosen_workspace(request))
    context["limit_reached"] = request.GET.get("limit_reached") == "1"
    generation_id = request.GET.get("generation", "")
    if generation_id.isascii() and generation_id.isdigit():
        context["generation"] = Generation.objects.filter(user=request.user, pk=int(generation_id)).first()
    return render(request, "generation/generate.html#status", context)


@login_required
def dashboard(request):
    user = request.user
    plan = user.plan_info
    today = quota.usage_day()
    return render(
        request,
        "generation/dashboard.html",
        {
            "plan": plan,
            "usage": quota.usage_status(user, plan),
            "chart": stats.chart_bars(stats.daily_counts(user, today - timedelta(days=29), today)),
            "recent": Generation.objects.filter(user=user).select_related("team")[:5],
            "upgrade_plan": upgrade_for(plan),
            "trial_days": TRIAL_DAYS,
            "needs_verification": needs_email_verification(user),
        },
    )


@login_required
def history(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    generations = (
        Generation.objects.filter(user=request.user).select_related("team", "document").defer("document__body")
    )
    if query:
        generations = generations.filter(Q(prompt__icontains=query) | Q(output__icontains=query))
    page = Paginator(generations, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "generation/history.html", {"page": page, "query": query})


def _may_see(user, generation) -> bool:
    """Its author; for a team generation, also whoever may view that team now."""
    if generation.user_id == user.pk:
        return True
    if generation.team_id is None:
        return False
    try:
        return workspace_of(user, generation.team_id).can(Action.VIEW)
    except NotAMember:
        return False


@login_required
def history_detail(request, pk):
    generation = get_object_or_404(Generation.objects.select_related("team", "document", "user"), pk=pk)
    if not _may_see(request.user, generation):
        raise Http404("No such generation.")
    return render(request, "generation/history_detail.html", {"generation": generation})


@login_required
@require_GET
@team_view
def team_history(request, workspace):
    """Every generation in a team's workspace, newest first, optionally by one member."""
    generations = (
        Generation.objects.filter(team=workspace.team).select_related("user", "document").defer("document__body")
    )
    member_filter = request.GET.get("member", "")
    if member_filter.isascii() and member_filter.isdigit():
        generations = generations.filter(user_id=int(member_filter))
    page = Paginator(generations, TEAM_HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    members = workspace.team.memberships.select_related("user").order_by("user__email")
    return render(
        request,
        "generation/team_history.html",
        {"workspace": workspace, "page": page, "members": members, "member_filter": member_filter},
    )
