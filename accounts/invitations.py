"""Invitations: sending, resending, revoking and accepting the single-use links that add people to a team.

A team holds at most its plan's ``max_team_members`` people (billing/plans.py), counting pending
invitations: every path that occupies a seat (invite, resend of an expired link, accept) checks it
with the team row locked, so two requests at once cannot both take the last seat.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership, Team, invitation_expiry, invitation_token
from accounts.permissions import Action
from accounts.teams import TeamError

Role = Membership.Role
logger = logging.getLogger(__name__)

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
    """How many more people the team's plan allows (members and pending invitations); None means no maximum."""
    maximum = team.plan_info.max_team_members
    if maximum is None:
        return None
    return max(0, maximum - team.memberships.count() - pending_invitations(team).count())


def _full(team) -> TeamError:
    plan = team.plan_info
    return TeamError(
        f"{team.name} has as many members as its plan allows: {plan.name} allows {plan.max_team_members} people, "
        "counting pending invitations. Remove someone or revoke an invitation to make room."
    )


def _lock(team) -> Team:
    """The team row locked until the transaction ends (SELECT ... FOR UPDATE): seat counts hold until then."""
    return Team.objects.select_for_update().get(pk=team.pk)


@transaction.atomic
def invite(workspace, email: str, role: str) -> Invitation:
    """Invite ``email`` to the workspace's team and email the link.

    One transaction, with the team row locked: if the email cannot be sent, no invitation is left
    behind, and concurrent invitations cannot take more seats than the plan has. An expired
    invitation to the same address is superseded by the new one.
    """
    workspace.require(Action.INVITE)
    team = workspace.team
    _lock(team)
    email = email.strip().lower()
    if role not in (Role.ADMIN, Role.MEMBER):
        raise TeamError("Invite people as an admin or a member.")
    if team.memberships.filter(user__email__iexact=email).exists():
        raise TeamError(f"{email} is already a member of {team.name}.")
    if pending_invitations(team).filter(email__iexact=email).exists():
        raise TeamError(f"{email} already has a pending invitation; resend it from the list below.")
    if seats_left(team) == 0:
        raise _full(team)
    if team.invitations.filter(created_at__gt=timezone.now() - timedelta(days=1)).count() >= INVITATIONS_PER_DAY:
        raise TeamError(f"{team.name} has sent {INVITATIONS_PER_DAY} invitations today; try again tomorrow.")
    open_invitations(team).filter(email__iexact=email).update(revoked_at=timezone.now())
    invitation = Invitation.objects.create(team=team, email=email, role=role, invited_by=workspace.user)
    _deliver(invitation)
    return invitation


@transaction.atomic
def resend(workspace, invitation) -> Invitation:
    """Send the invitation again with a fresh link and seven more days; the old link stops working.

    Reviving an expired invitation takes a seat again, so it is checked like a new one.
    """
    workspace.require(Action.INVITE)
    if invitation.team_id != workspace.team_id or invitation.accepted_at or invitation.revoked_at:
        raise TeamError("That invitation can no longer be resent.")
    team = workspace.team
    _lock(team)
    if invitation_status(invitation) == "expired" and seats_left(team) == 0:
        raise _full(team)
    invitation.token = invitation_token()
    invitation.expires_at = invitation_expiry()
    invitation.invited_by = workspace.user
    invitation.save(update_fields=["token", "expires_at", "invited_by"])
    _deliver(invitation)
    return invitation


def revoke(workspace, invitation) -> None:
    workspace.require(Action.REVOKE_INVITATION)
    if invitation.team_id != workspace.team_id or invitation.accepted_at:
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


def accept(token: str, user) -> Membership:
    """Turn a pending invitation into a membership, once.

    The invitation row is locked (SELECT ... FOR UPDATE) so two clicks on the same link make one
    membership; the team row is locked too, so concurrent acceptances respect the member limit. The
    invitation already held its seat, so it is refused only when the members alone fill the plan
    (the plan shrank, or the owner changed).
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("team").filter(token=token).first()
        problem = invitation_problem(invitation, user)
        if problem:
            raise TeamError(problem)
        team = _lock(invitation.team)
        if team.memberships.filter(user=user).exists():
            raise TeamError(f"You are already a member of {team.name}.")
        maximum = team.plan_info.max_team_members
        if maximum is not None and team.memberships.count() >= maximum:
            raise TeamError(
                f"{team.name} is full: its {team.plan_info.name} plan allows {maximum} people. "
                "Ask the team's owner or an admin to make room, then open this link again."
            )
        membership = Membership.objects.create(team=team, user=user, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
