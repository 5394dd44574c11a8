"""Pages: the dashboard, the generate page (and its status panel), history, and a team's history."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST, require_safe

from accounts.permissions import NotAllowed
from accounts.workspaces import PERSONAL, NotAMember, team_view, workspace_for, workspaces_for
from billing.plans import TRIAL_DAYS, upgrade_for
from generation import history, prompt_templates, quota, stats
from generation.documents import documents_visible_to
from generation.ids import parse_id
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


def _generation_from_query(request, name) -> Generation | None:
    """The generation ``?<name>=<id>`` names, if the user may see it."""
    pk = parse_id(request.GET.get(name, ""))
    if pk is None:
        return None
    return history.visible_generation(request.user, pk, Generation.objects.select_related("team"))


def _earlier_answer(generation) -> dict:
    """The answer the page opens with, and what generate.js needs to refine it."""
    if generation is None:
        return {}
    return {"earlier": generation, "earlier_answer": {"id": generation.pk, "text": generation.output}}


def picker_documents(user, selected: str) -> list:
    """The generate page's document choices: the most recently edited ones (and the one asked for in the
    URL), titles only, sorted by title; the documents page lists them all."""
    visible = documents_visible_to(user).select_related("team").only("title", "team_id", "team__slug")
    documents = list(visible.order_by("-updated_at", "-pk")[:PICKER_DOCUMENTS])
    wanted = parse_id(selected)
    if wanted is not None and all(document.pk != wanted for document in documents):
        documents += list(visible.filter(pk=wanted))
    return sorted(documents, key=lambda document: document.title.lower())


@login_required
def generate_page(request):
    """The writer. ``?from=<id>`` opens it with that generation's prompt, workspace and answer, ready
    to refine (history's "Reuse prompt"); adding ``again=1`` runs the prompt at once ("Regenerate").
    ``?prompt=`` fills the prompt (the history's starter examples)."""
    workspaces = workspaces_for(request.user)
    earlier = _generation_from_query(request, "from")
    key = request.GET.get("workspace") or (earlier.team.slug if earlier and earlier.team else PERSONAL)
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
            "initial_prompt": earlier.prompt if earlier else request.GET.get("prompt", "")[: settings.PROMPT_MAX_CHARS],
            **_earlier_answer(earlier if earlier and earlier.output and request.GET.get("again") != "1" else None),
            "run_at_once": earlier is not None and request.GET.get("again") == "1",
            "templates": prompt_templates.TEMPLATES,
            "blank_template": prompt_templates.BLANK,
            "tones": prompt_templates.TONES,
            "tone_line": prompt_templates.TONE_LINE,
            "lengths": prompt_templates.LENGTHS,
            "length_line": prompt_templates.LENGTH_LINE,
            "refinements": prompt_templates.REFINEMENTS,
            "starters": ()
            if Generation.objects.shown().filter(user=request.user).exists()
            else prompt_templates.STARTERS,
        },
    )


@login_required
@require_safe
def generate_status(request):
    """The generate page's usage panel and limit dialog for ``?workspace=``, fetched (htmx) when the
    workspace changes and after every generation; with ``?generation=<id>``, also that generation's
    outcome line (``&stopped=1``: the writer pressed Stop); with ``?limit_reached=1`` (after a 402) the
    dialog comes open. The words stay in the template, so generate.js never repeats them."""
    context = _status_context(request, _chosen_workspace(request))
    context["limit_reached"] = request.GET.get("limit_reached") == "1"
    context["stopped"] = request.GET.get("stopped") == "1"
    generation_id = parse_id(request.GET.get("generation", ""))
    if generation_id is not None:
        context["generation"] = Generation.objects.filter(user=request.user, pk=generation_id).first()
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
            "recent": Generation.objects.shown().filter(user=user).select_related("team")[:5],
            "upgrade_plan": upgrade_for(plan),
            "trial_days": TRIAL_DAYS,
            "needs_verification": needs_email_verification(user),
        },
    )


@login_required
def history_list(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    generations = (
        Generation.objects.shown().filter(user=request.user).select_related("team", "document").defer("document__body")
    )
    if query:
        generations = generations.filter(Q(prompt__icontains=query) | Q(output__icontains=query))
    page = Paginator(generations, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "generation/history.html",
        {
            "page": page,
            "query": query,
            "send_targets": history.send_targets(request.user) if page.object_list else [],
            "starters": prompt_templates.STARTERS,
        },
    )


@login_required
def history_detail(request, pk):
    generation = history.visible_generation(
        request.user, pk, Generation.objects.select_related("team", "document", "user", "parent")
    )
    if generation is None:
        raise Http404("No such generation.")
    return render(
        request,
        "generation/history_detail.html",
        {"generation": generation, "send_targets": history.send_targets(request.user)},
    )


def _visible_or_404(request, pk) -> Generation:
    generation = history.visible_generation(request.user, pk)
    if generation is None:
        raise Http404("No such generation.")
    return generation


@login_required
@require_POST
def history_send(request, pk):
    """Send the answer to a document (POST ``target``: a new one in a workspace, or a document id)."""
    generation = _visible_or_404(request, pk)
    try:
        document = history.send_to_document(request.user, generation, request.POST.get("target", ""))
    except NotAMember:
        raise Http404("No such team.") from None
    except NotAllowed as refusal:
        messages.error(request, str(refusal))
        return redirect("history_detail", pk=generation.pk)
    messages.success(request, f"The answer was added to “{document.title}”.")
    return redirect("document_detail", pk=document.pk)


@login_required
@require_POST
def history_delete(request, pk):
    """Delete a generation from its author's history; it still counts for today's usage."""
    generation = _visible_or_404(request, pk)
    if not history.hide(request.user, generation):
        messages.error(request, "Only its author can delete a generation from the history.")
        return redirect("history_detail", pk=generation.pk)
    messages.success(request, "Deleted from your history. It still counts toward the day's usage.")
    return redirect("history")


@login_required
@require_GET
@team_view
def team_history(request, workspace):
    """Every generation in a team's workspace, newest first, optionally by one member."""
    generations = (
        Generation.objects.shown()
        .filter(team=workspace.team)
        .select_related("user", "document")
        .defer("document__body")
    )
    member_filter = parse_id(request.GET.get("member", ""))
    if member_filter is not None:
        generations = generations.filter(user_id=member_filter)
    page = Paginator(generations, TEAM_HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    members = workspace.team.memberships.select_related("user").order_by("user__email")
    return render(
        request,
        "generation/team_history.html",
        {"workspace": workspace, "page": page, "members": members, "member_filter": member_filter},
    )
