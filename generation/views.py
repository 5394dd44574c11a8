from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from accounts.models import Team
from accounts.teams import effective_plan, membership_for
from billing.plans import PLANS
from generation import quota, stats
from generation.documents import documents_visible_to
from generation.models import Generation

HISTORY_PAGE_SIZE = 20


def workspaces_for(user) -> list[dict]:
    """Personal first, then the user's teams, each with the plan a generation there runs under."""
    teams = Team.objects.filter(memberships__user=user).order_by("name")
    workspaces = []
    for team in [None, *teams]:
        plan = effective_plan(user, team)
        workspaces.append(
            {
                "slug": team.slug if team else "",
                "name": team.name if team else "Personal",
                "plan": plan,
                "usage": quota.usage_status(user, plan),
            }
        )
    return workspaces


def needs_email_verification(user) -> bool:
    """Free-plan generations wait for a verified address (DESIGN 9); pages say so before a 403 does."""
    return not user.plan_info.is_paid and not user.has_verified_email


@login_required
def generate_page(request):
    workspaces = workspaces_for(request.user)
    selected = request.GET.get("team", "")
    current = next((w for w in workspaces if w["slug"] == selected), workspaces[0])
    documents = documents_visible_to(request.user).select_related("team").order_by("title")
    return render(
        request,
        "generation/generate.html",
        {
            "workspaces": workspaces,
            "current": current,
            "documents": documents,
            "selected_document": request.GET.get("document", ""),
            "upgrade_plan": PLANS["pro"],
            "prompt_max_chars": settings.PROMPT_MAX_CHARS,
            "needs_verification": needs_email_verification(request.user),
        },
    )


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
            "upgrade_plan": PLANS["pro"],
            "needs_verification": needs_email_verification(user),
        },
    )


@login_required
def history(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    generations = Generation.objects.filter(user=request.user).select_related("team", "document")
    if query:
        generations = generations.filter(Q(prompt__icontains=query) | Q(output__icontains=query))
    page = Paginator(generations, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "generation/history.html", {"page": page, "query": query})


@login_required
def history_detail(request, pk):
    """The owner sees their generation; for a team generation, so do the team's current members."""
    generation = get_object_or_404(Generation.objects.select_related("team", "document", "user"), pk=pk)
    if generation.user_id != request.user.pk and not (
        generation.team and membership_for(request.user, generation.team)
    ):
        raise Http404("No such generation.")
    return render(request, "generation/history_detail.html", {"generation": generation})
