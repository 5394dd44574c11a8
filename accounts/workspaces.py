"""The workspace a request acts in: the caller's personal one, or a team they belong to.

A ``Workspace`` is resolved once per request (by the ``team_view`` decorator, or by the
resolvers below) and handed to views, services and templates. It answers the questions the
rest of the code would otherwise answer each in its own way: which plan applies, whether the
team is read-only, and what the caller may do (``can``/``require`` in code, ``may.<action>``
in templates; the rules live in accounts/permissions.py).

Memberships are read on every request, so a removal takes effect on the member's next request.
"""

from functools import cached_property, wraps

from django.http import Http404

from accounts import permissions
from accounts.models import Membership
from billing.plans import Plan

# The personal workspace's key in URLs, forms and pages (team slugs cannot be "personal":
# accounts/teams.py reserves it). The JSON API names no personal key: a missing or empty "team" means it.
PERSONAL = "personal"


class NotAMember(Exception):
    """The caller is not a member of the team they named (or it does not exist: the two look the same)."""


class Workspace:
    """Where the caller acts: ``team`` is None for their personal workspace."""

    def __init__(self, user, membership: Membership | None = None):
        self.user = user
        self.membership = membership
        self.team = membership.team if membership else None

    @property
    def key(self) -> str:
        return PERSONAL if self.team is None else self.team.slug

    @property
    def team_id(self) -> int | None:
        return self.team.pk if self.team else None

    @property
    def name(self) -> str:
        return "Personal" if self.team is None else self.team.name

    @property
    def role(self) -> str:
        return permissions.PERSONAL if self.membership is None else self.membership.role

    @property
    def read_only(self) -> bool:
        """A team whose owner's plan has no collaboration: readable, but nothing new is written (see permissions)."""
        return self.team is not None and not self.team.plan_info.collaboration

    @cached_property
    def plan(self) -> Plan:
        """The plan a generation here runs under: the team's (its owner's) while it includes collaboration;
        otherwise, and in the personal workspace, the caller's own."""
        if self.team is not None and not self.read_only:
            return self.team.plan_info
        return self.user.plan_info

    @property
    def brand_voice(self) -> str:
        """The house style sent to the model as the system prompt: the team's, or in the personal
        workspace the user's own (set on the account page)."""
        return (self.team.brand_voice if self.team else self.user.brand_voice).strip()

    @cached_property
    def may(self) -> dict[str, bool]:
        """``{action: bool}`` for templates: ``{% if workspace.may.invite %}``."""
        return permissions.may(self)

    def can(self, action: permissions.Action, target=None) -> bool:
        return permissions.can(self, action, target)

    def refusal(self, action: permissions.Action) -> str:
        return permissions.refusal(self, action)

    def require(self, action: permissions.Action, target=None) -> None:
        permissions.require(self, action, target)


def personal_workspace(user) -> Workspace:
    return Workspace(user)


def team_workspace(user, slug: str) -> Workspace:
    """The caller's workspace in the team with ``slug``; NotAMember if there is none."""
    membership = Membership.objects.with_team().filter(user=user, team__slug=slug).first()
    if membership is None:
        raise NotAMember(slug)
    return Workspace(user, membership)


def workspace_for(user, key: str) -> Workspace:
    """The workspace with ``key`` (PERSONAL or a team's slug); NotAMember if the caller has none such."""
    return personal_workspace(user) if key == PERSONAL else team_workspace(user, key)


def workspace_of(user, team_id: int | None) -> Workspace:
    """The caller's workspace that holds something of team ``team_id`` (None: their personal one);
    NotAMember if they are not in that team (any more)."""
    if team_id is None:
        return personal_workspace(user)
    membership = Membership.objects.with_team().filter(user=user, team_id=team_id).first()
    if membership is None:
        raise NotAMember(team_id)
    return Workspace(user, membership)


def team_workspaces(user) -> list[Workspace]:
    """The user's teams by name; two queries however many teams."""
    memberships = Membership.objects.with_team().filter(user=user).order_by("team__name")
    return [Workspace(user, membership) for membership in memberships]


def workspaces_for(user) -> list[Workspace]:
    """Personal first, then the user's teams by name."""
    return [personal_workspace(user), *team_workspaces(user)]


def team_view(view):
    """For views under /teams/<slug>/: pass the caller's workspace in that team instead of the slug.

    Non-members (and unknown slugs) get 404, so teams cannot be enumerated. Put it below
    ``login_required``.
    """

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        try:
            workspace = team_workspace(request.user, slug)
        except NotAMember:
            raise Http404("No such team.") from None
        return view(request, workspace, *args, **kwargs)

    return wrapper
