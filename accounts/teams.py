"""The changes a team goes through: creation, roles, removals, leaving, transfer, deletion, brand voice.

Each change takes the caller's ``Workspace`` in the team and asks the permission table first
(``workspace.require``), so a refusal reads the same whichever page asked. Invitations live in
accounts/invitations.py.
"""

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from accounts.models import Membership, Team
from accounts.permissions import Action, NotAllowed
from accounts.workspaces import PERSONAL, Workspace

Role = Membership.Role

# Paths under /teams/ that are not team pages (accounts/team_urls.py), and the personal workspace's key.
RESERVED_SLUGS = frozenset({"join", "new", PERSONAL})


class TeamError(NotAllowed):
    """A team change the team's state refuses (a taken slug, a member who left, a full team...);
    like every NotAllowed, its message is shown to the user as is."""


def slug_is_free(slug: str) -> bool:
    return slug not in RESERVED_SLUGS and not Team.objects.filter(slug=slug).exists()


def suggest_slug(name: str) -> str:
    """A free slug for ``name``: its slugified form, numbered if that is taken."""
    base = slugify(name)[:50].strip("-") or "team"
    slug, number = base, 2
    while not slug_is_free(slug):
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_team(user, name: str, slug: str) -> Team:
    """A new team with ``user`` as its owner. The unique slug constraint settles a race for the same slug."""
    try:
        with transaction.atomic():
            team = Team.objects.create(name=name, slug=slug)
    except IntegrityError as error:
        raise TeamError(f"The address “{slug}” is already taken.") from error
    Membership.objects.create(team=team, user=user, role=Role.OWNER)
    return team


def change_role(workspace, target: Membership, role: str) -> None:
    workspace.require(Action.CHANGE_ROLE, target)
    if role not in (Role.ADMIN, Role.MEMBER):
        raise TeamError("Choose admin or member; ownership moves by transfer.")
    Membership.objects.filter(pk=target.pk).exclude(role=Role.OWNER).update(role=role)


def remove_member(workspace, target: Membership) -> None:
    workspace.require(Action.REMOVE_MEMBER, target)
    Membership.objects.filter(pk=target.pk).exclude(role=Role.OWNER).delete()


def leave(workspace) -> None:
    workspace.require(Action.LEAVE)
    Membership.objects.filter(pk=workspace.membership.pk).exclude(role=Role.OWNER).delete()


def transfer_ownership(workspace, target: Membership) -> None:
    """Make the admin ``target`` the owner and the current owner an admin.

    One transaction with both rows locked (SELECT ... FOR UPDATE), and the permission checked again
    on the locked rows; the old owner is demoted first so that the partial unique constraint
    (one owner per team) holds at every statement.
    """
    with transaction.atomic():
        rows = Membership.objects.select_for_update().filter(pk__in=[workspace.membership.pk, target.pk])
        rows = {row.pk: row for row in rows}
        current, new = rows.get(workspace.membership.pk), rows.get(target.pk)
        if current is None or new is None:
            raise TeamError("That member is no longer in the team.")
        current.team = workspace.team
        Workspace(workspace.user, current).require(Action.TRANSFER_OWNERSHIP, new)
        Membership.objects.filter(pk=current.pk).update(role=Role.ADMIN)
        Membership.objects.filter(pk=new.pk).update(role=Role.OWNER)


def delete_team(workspace) -> None:
    workspace.require(Action.DELETE_TEAM)
    workspace.team.delete()


def update_brand_voice(workspace, brand_voice: str) -> None:
    workspace.require(Action.EDIT_BRAND_VOICE)
    Team.objects.filter(pk=workspace.team_id).update(brand_voice=brand_voice.strip())
