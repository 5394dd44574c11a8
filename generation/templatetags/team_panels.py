"""The parts of a team's page that generation owns: its documents, recent generations and usage.

accounts' team page (templates/accounts/team_detail.html) places these tags; the data stays with the
app that owns it, so accounts imports nothing from generation (docs/architecture.md, "The arrow").
"""

from django import template

from accounts.permissions import Action
from generation import stats
from generation.models import Generation

register = template.Library()

RECENT_DOCUMENTS = 20
RECENT_GENERATIONS = 10


@register.inclusion_tag("generation/_team_documents.html", takes_context=True)
def team_documents(context, workspace):
    documents = workspace.team.documents.select_related("last_edited_by").defer("body")[:RECENT_DOCUMENTS]
    return {
        "workspace": workspace,
        "documents": documents,
        "more": len(documents) == RECENT_DOCUMENTS,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("generation/_team_generations.html", takes_context=True)
def team_generations(context, workspace):
    generations = Generation.objects.shown().filter(team=workspace.team).select_related("user")[:RECENT_GENERATIONS]
    return {"workspace": workspace, "generations": generations, "user": context.get("user")}


@register.inclusion_tag("generation/_team_usage.html")
def team_usage(workspace):
    """Per-member usage this month, for those who may see it (nothing for the others); tokens for staff only."""
    if not workspace.can(Action.VIEW_USAGE):
        return {"usage": None}
    return {
        "workspace": workspace,
        "usage": stats.team_usage_this_month(workspace.team),
        "since": stats.month_start(),
        "staff": workspace.user.is_staff,
    }
