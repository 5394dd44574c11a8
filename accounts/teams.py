"""Teams: who may act in which workspace, under which plan, and the changes a team goes through.

The permission rules live here and only here (``PERMISSIONS`` and ``can``); views ask ``can``
and never compare roles themselves. Memberships are read on every request, so a removal takes
effect on the member's next request.
"""

import logging
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Invitation, Membership, Team, User, invitation_expiry, invitation_token
from billing.plans import Plan
from generation.models import Generation

Role = Membership.Role
logger = logging.getLogger(__name__)


class TeamError(Exception):
    """A team change that is not allowed; the message is shown to the user as is."""


# --- Reading memberships -------------------------------------------------------------------


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


def has_collaboration(team) -> bool:
    """Whether the team's plan (its owner's) includes collaboration. Cached on the instance for one request."""
    if not hasattr(team, "_has_collaboration"):
        team._has_collaboration = team.plan_info.collaboration
    return team._has_collaboration


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


# --- Permissions: the one place the rules live -----------------------------------------------


class Action(StrEnum):
    VIEW = "view"
    EDIT_DOCUMENTS = "edit_documents"  # create, edit, rename team documents
    DELETE_DOCUMENT = "delete_document"
    INVITE = "invite"  # send and resend invitations
    REVOKE_INVITATION = "revoke_invitation"
    CHANGE_ROLE = "change_role"
    REMOVE_MEMBER = "remove_member"
    EDIT_BRAND_VOICE = "edit_brand_voice"
    VIEW_USAGE = "view_usage"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    LEAVE = "leave"
    DELETE_TEAM = "delete_team"


def _others_but_the_owner(membership, target) -> bool:
    return target is not None and target.role != Role.OWNER and target.pk != membership.pk


def _an_admin(membership, target) -> bool:
    return target is not None and target.role == Role.ADMIN


def _own_document(membership, document) -> bool:
    return document is not None and document.created_by_id == membership.user_id


# action -> {role: True, or a rule about the target}. A role that is missing may not act.
PERMISSIONS = {
    Action.VIEW: {Role.OWNER: True, Role.ADMIN: True, Role.MEMBER: True},
    Action.EDIT_DOCUMENTS: {Role.OWNER: True, Role.ADMIN: True, Role.MEMBER: True},
    Action.DELETE_DOCUMENT: {Role.OWNER: True, Role.ADMIN: True, Role.MEMBER: _own_document},
    Action.INVITE: {Role.OWNER: True, Role.ADMIN: True},
    Action.REVOKE_INVITATION: {Role.OWNER: True, Role.ADMIN: True},
    Action.CHANGE_ROLE: {Role.OWNER: _others_but_the_owner, Role.ADMIN: _others_but_the_owner},
    Action.REMOVE_MEMBER: {Role.OWNER: _others_but_the_owner, Role.ADMIN: _others_but_the_owner},
    Action.EDIT_BRAND_VOICE: {Role.OWNER: True, Role.ADMIN: True},
    Action.VIEW_USAGE: {Role.OWNER: True, Role.ADMIN: True},
    Action.TRANSFER_OWNERSHIP: {Role.OWNER: _an_admin},
    Action.LEAVE: {Role.ADMIN: True, Role.MEMBER: True},  # the owner transfers ownership first
    Action.DELETE_TEAM: {Role.OWNER: True},
}

# Without a collaboration plan a team is read-only: members still read its documents and
# history, and people can still be removed, leave or take over, but nothing new is written or added.
COLLABORATION_ACTIONS = frozenset(
    {Action.EDIT_DOCUMENTS, Action.DELETE_DOCUMENT, Action.INVITE, Action.EDIT_BRAND_VOICE}
)


def can(membership: Membership | None, action: Action, target=None) -> bool:
    """Whether ``membership`` may do ``action`` (to ``target``: a Membership or a Document of the same team)."""
    if membership is None:
        return False
    if target is not None and target.team_id != membership.team_id:
        return False
    rule = PERMISSIONS[action].get(membership.role)
    if rule is None:
        return False
    if action in COLLABORATION_ACTIONS and not has_collaboration(membership.team):
        return False
    return rule is True or rule(membership, target)


def require(membership, action, target=None) -> None:
    if not can(membership, action, target):
        raise TeamError(DENIED_MESSAGES.get(action, "You are not allowed to do that in this team."))


DENIED_MESSAGES = {
    Action.INVITE: "Only the owner and admins can invite people, and only while the team has the Team plan.",
    Action.EDIT_BRAND_VOICE: "Only the owner and admins can edit the brand voice, while the team has the Team plan.",
    Action.CHANGE_ROLE: "Only the owner and admins change roles, never their own or the owner's; "
    "ownership moves by transfer.",
    Action.REMOVE_MEMBER: "Only the owner and admins remove people, never themselves (leave instead) or the owner.",
    Action.TRANSFER_OWNERSHIP: "Only the owner can transfer ownership, and only to an admin.",
    Action.LEAVE: "The owner cannot leave: transfer ownership to an admin first, or delete the team.",
}


# --- Creating teams ----------------------------------------------------------------------------


# Paths under /teams/ that are not team pages (accounts/team_urls.py), and the personal workspace's key.
RESERVED_SLUGS = frozenset({"join", "new", "personal"})


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


# --- Invitations -------------------------------------------------------------------------------


# Invitations are emails sent on a customer's behalf; this keeps a team from being used to spam.
INVITATIONS_PER_DAY = 50


def open_invitations(team):
    """Invitations not accepted or revoked: pending ones and expired ones (which can be resent)."""
    return team.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).select_related("invited_by")


def pending_invitations(team):
    return open_invitations(team).filter(expires_at__gt=timezone.now())


def invitation_status(invitation) -> str:
    if invitation.accepted_at:
        return "accepted"
    if invitation.revoked_at:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "pending"


def seats_left(team) -> int | None:
    """How many more people the plan allows (members and pending invitations); None means no maximum."""
    maximum = team.plan_info.max_team_members
    if maximum is None:
        return None
    return max(0, maximum - team.memberships.count() - pending_invitations(team).count())


@transaction.atomic
def invite(membership, email: str, role: str) -> Invitation:
    """Invite ``email`` to the membership's team and email the link.

    One transaction: if the email cannot be sent, no invitation is left behind. An expired
    invitation to the same address is superseded by the new one.
    """
    require(membership, Action.INVITE)
    team = membership.team
    email = email.strip().lower()
    if role not in (Role.ADMIN, Role.MEMBER):
        raise TeamError("Invite people as an admin or a member.")
    if team.memberships.filter(user__email__iexact=email).exists():
        raise TeamError(f"{email} is already a member of {team.name}.")
    if pending_invitations(team).filter(email__iexact=email).exists():
        raise TeamError(f"{email} already has a pending invitation; resend it from the list below.")
    if seats_left(team) == 0:
        raise TeamError(f"{team.name} has as many members as its plan allows.")
    if team.invitations.filter(created_at__gt=timezone.now() - timedelta(days=1)).count() >= INVITATIONS_PER_DAY:
        raise TeamError(f"{team.name} has sent {INVITATIONS_PER_DAY} invitations today; try again tomorrow.")
    open_invitations(team).filter(email__iexact=email).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(team=team, email=email, role=role, invited_by=membership.user)
    _deliver(invitation)
    return invitation


@transaction.atomic
def resend(membership, invitation) -> Invitation:
    """Send the invitation again with a fresh link and seven more days; the old link stops working."""
    require(membership, Action.INVITE)
    if invitation.team_id != membership.team_id or invitation.accepted_at or invitation.revoked_at:
        raise TeamError("That invitation can no longer be resent.")
    invitation.token = invitation_token()
    invitation.expires_at = invitation_expiry()
    invitation.invited_by = membership.user
    invitation.save(update_fields=["token", "expires_at", "invited_by"])
    _deliver(invitation)
    return invitation


def revoke(membership, invitation) -> None:
    require(membership, Action.REVOKE_INVITATION)
    if invitation.team_id != membership.team_id or invitation.accepted_at:
        raise TeamError("That invitation has already been used.")
    Invitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def invitation_url(invitation) -> str:
    return settings.SITE_URL + reverse("team_invitation", args=[invitation.token])


def send_invitation_email(invitation) -> None:
    context = {
        "invitation": invitation,
        "team": invitation.team,
        "inviter": invitation.invited_by,
        "url": invitation_url(invitation),
        "site_url": settings.SITE_URL,
    }
    send_mail(
        subject=f"Join {invitation.team.name} on Inkwell",
        message=render_to_string("accounts/email/team_invitation.txt", context),
        html_message=render_to_string("accounts/email/team_invitation.html", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def _deliver(invitation) -> None:
    try:
        send_invitation_email(invitation)
    except OSError as error:  # smtplib's errors are OSErrors too
        logger.warning("Invitation email to %s failed: %s", invitation.email, error)
        raise TeamError(
            f"The invitation email to {invitation.email} could not be sent just now, so nothing changed. "
            "Try again in a minute."
        ) from error


def user_has_email(user, email: str) -> bool:
    """The user's login email, or another address of theirs that allauth has verified."""
    email = email.lower()
    return user.email.lower() == email or user.emailaddress_set.filter(email__iexact=email, verified=True).exists()


INVITATION_PROBLEMS = {
    "accepted": "This invitation has already been used.",
    "revoked": "This invitation was withdrawn. Ask the team for a new one.",
    "expired": "This invitation has expired. Ask the team to send a new one.",
}


def invitation_problem(invitation, user) -> str | None:
    """Why ``user`` cannot accept ``invitation`` (None when they can)."""
    if invitation is None:
        return "This invitation link is not valid. Ask for a new invitation."
    status = invitation_status(invitation)
    if status != "pending":
        return INVITATION_PROBLEMS[status]
    if not user_has_email(user, invitation.email):
        return (
            f"This invitation is for {invitation.email}, but you are signed in as {user.email}. "
            f"Sign out, then sign in as {invitation.email} to accept it."
        )
    return None


def accept(invitation_token_value: str, user) -> Membership:
    """Turn a pending invitation into a membership, once.

    The invitation row is locked (SELECT ... FOR UPDATE) so two clicks on the same link make
    one membership; the team row is locked too so concurrent acceptances respect the member limit.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("team").filter(token=invitation_token_value).first()
        )
        problem = invitation_problem(invitation, user)
        if problem:
            raise TeamError(problem)
        team = Team.objects.select_for_update().get(pk=invitation.team_id)
        if team.memberships.filter(user=user).exists():
            raise TeamError(f"You are already a member of {team.name}.")
        maximum = team.plan_info.max_team_members
        if maximum is not None and team.memberships.count() >= maximum:
            raise TeamError(f"{team.name} has as many members as its plan allows. Ask the owner.")
        membership = Membership.objects.create(team=team, user=user, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- Members and roles ---------------------------------------------------------------------------


def change_role(membership, target, role: str) -> None:
    require(membership, Action.CHANGE_ROLE, target)
    if role not in (Role.ADMIN, Role.MEMBER):
        raise TeamError("Choose admin or member; ownership moves by transfer.")
    Membership.objects.filter(pk=target.pk).exclude(role=Role.OWNER).update(role=role)


def remove_member(membership, target) -> None:
    require(membership, Action.REMOVE_MEMBER, target)
    Membership.objects.filter(pk=target.pk).exclude(role=Role.OWNER).delete()


def leave(membership) -> None:
    require(membership, Action.LEAVE)
    Membership.objects.filter(pk=membership.pk).exclude(role=Role.OWNER).delete()


def transfer_ownership(membership, target) -> None:
    """Make the admin ``target`` the owner and the current owner an admin.

    One transaction with both rows locked; the old owner is demoted first so that the partial
    unique constraint (one owner per team) holds at every statement.
    """
    with transaction.atomic():
        rows = {row.pk: row for row in Membership.objects.select_for_update().filter(pk__in=[membership.pk, target.pk])}
        current, new = rows.get(membership.pk), rows.get(target.pk)
        if current is None or new is None:
            raise TeamError("That member is no longer in the team.")
        current.team = membership.team
        require(current, Action.TRANSFER_OWNERSHIP, new)
        Membership.objects.filter(pk=current.pk).update(role=Role.ADMIN)
        Membership.objects.filter(pk=new.pk).update(role=Role.OWNER)


def delete_team(membership) -> None:
    require(membership, Action.DELETE_TEAM)
    membership.team.delete()


def update_brand_voice(membership, brand_voice: str) -> None:
    require(membership, Action.EDIT_BRAND_VOICE)
    Team.objects.filter(pk=membership.team_id).update(brand_voice=brand_voice.strip())


# --- Usage -----------------------------------------------------------------------------------------


def month_start() -> datetime:
    """Midnight on the first of this month in USAGE_TIMEZONE, the zone the daily quota uses."""
    zone = ZoneInfo(settings.USAGE_TIMEZONE)
    today = timezone.now().astimezone(zone).date()
    return datetime.combine(today.replace(day=1), time.min, tzinfo=zone)


def member_usage_this_month(team) -> list[dict]:
    """Generations and tokens per person in the team's workspace this month, members first, then former members."""
    rows = (
        Generation.objects.filter(team=team, created_at__gte=month_start())
        .values("user")
        .annotate(generations=Count("id"), input_tokens=Sum("input_tokens"), output_tokens=Sum("output_tokens"))
    )
    nothing = {"generations": 0, "input_tokens": 0, "output_tokens": 0}
    usage = {row["user"]: {key: row[key] or 0 for key in nothing} for row in rows}
    report = []
    for member in team.memberships.select_related("user"):
        report.append({"user": member.user, "role": member.role, "current": True, **usage.pop(member.user_id, nothing)})
    if usage:
        for former in User.objects.filter(pk__in=list(usage)).order_by("email"):
            report.append({"user": former, "role": None, "current": False, **usage[former.pk]})
    for row in report:
        row["tokens"] = row["input_tokens"] + row["output_tokens"]
    return report
