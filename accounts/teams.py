"""Who may act in which workspace, and under which plan."""

from django.http import Http404

from accounts.models import Membership, Team
from billing.plans import Plan


def membership_for(user, team) -> Membership | None:
    """The user's membership of ``team``, or None. Read per request, so a removal takes effect at once."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(team=team, user=user).select_related("team").first()


def get_team_for_member(user, slug) -> tuple[Team, Membership]:
    """The team with ``slug`` and the user's membership; 404 for non-members, so teams are not enumerable."""
    membership = Membership.objects.filter(team__slug=slug, user=user).select_related("team").first()
    if membership is None:
        raise Http404("No such team.")
    return membership.team, membership


def effective_plan(user, team=None) -> Plan:
    """The plan a generation runs under.

    In a team's workspace it is the team's plan (its owner's) while that plan includes
    collaboration; otherwise, and in the personal workspace, it is the user's own plan.
    """
    if team is not None:
        team_plan = team.plan_info
        if team_plan.collaboration:
            return team_plan
    return user.plan_info
