"""Invitations: sending, resending, revoking and accepting the single-use links that add people to a team.

A team holds at most its plan's ``max_team_members`` people (billing/plans.py), counting pending
invitations: every path that occupies a seat (invite, resend of an expired link, accept) checks it
with the team row locked, so two requests at once cannot both take the last seat.

Every email, first or resent, is recorded (``InvitationEmail``) and counted against the caps in
billing/plans.py: per invitation, per address, per inviter across all their teams, per team.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import BadHeaderError, send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, InvitationEmail, Membership, Team, invitation_expiry, invitation_token
from accounts.permissions import Action
from accounts.teams import TeamError
from billing import plans

Role = Membership.Role
logger = logging.getLogger(__name__)


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
    check_email_caps(team, email, workspace.user)
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
    check_email_caps(team, invitation.email, workspace.user, invitation)
    invitation.token = invitation_token()
    invitation.expires_at = invitation_expiry()
    invitation.invited_by = workspace.user
    invitation.save(update_fields=["token", "expires_at", "invited_by"])
    _deliver(invitation)
    return invitation


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def check_email_caps(team, email: str, inviter, invitation=None) -> None:
    """Raise TeamError, saying when to try again, if one more invitation email would pass a cap."""
    now = timezone.now()
    day_ago, hour_ago = now - timedelta(days=1), now - timedelta(hours=1)
    sent = InvitationEmail.objects.filter(sent_at__gt=day_ago)
    if invitation is not None:
        wait = timedelta(minutes=plans.INVITATION_RESEND_MINUTES)
        last = sent.filter(invitation=invitation).order_by("-sent_at").values_list("sent_at", flat=True).first()
        if last is not None and now - last < wait:
            minutes = max(1, round((last + wait - now).total_seconds() / 60))
            raise TeamError(
                f"The invitation to {email} was sent a moment ago; you can resend it in {_plural(minutes, 'minute')}."
            )
    # Every cap counted in one query over the last day's emails.
    counts = sent.aggregate(
        to_address=Count("pk", filter=Q(email__iexact=email)),
        by_inviter_hour=Count("pk", filter=Q(sent_by=inviter, sent_at__gt=hour_ago)),
        by_inviter_day=Count("pk", filter=Q(sent_by=inviter)),
        by_team=Count("pk", filter=Q(team=team)),
    )
    if counts["to_address"] >= plans.INVITATION_EMAILS_PER_ADDRESS_PER_DAY:
        raise TeamError(
            f"{email} has received {plans.INVITATION_EMAILS_PER_ADDRESS_PER_DAY} invitation emails today; "
            "try again tomorrow."
        )
    if counts["by_inviter_hour"] >= plans.INVITATION_EMAILS_PER_INVITER_PER_HOUR:
        raise TeamError(
            f"You have sent {plans.INVITATION_EMAILS_PER_INVITER_PER_HOUR} invitation emails in the last hour; "
            "try again in an hour."
        )
    if counts["by_inviter_day"] >= plans.INVITATION_EMAILS_PER_INVITER_PER_DAY:
        raise TeamError(
            f"You have sent {plans.INVITATION_EMAILS_PER_INVITER_PER_DAY} invitation emails today; try again tomorrow."
        )
    if counts["by_team"] >= plans.INVITATION_EMAILS_PER_TEAM_PER_DAY:
        raise TeamError(
            f"{team.name} has sent {plans.INVITATION_EMAILS_PER_TEAM_PER_DAY} invitation emails today; "
            "try again tomorrow."
        )


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
    """Send the email and record it; if it cannot be sent, a TeamError (the caller's transaction rolls back)."""
    try:
        send_invitation_email(invitation)
    except BadHeaderError as error:  # a line break in the team's name (refused since; older teams may have one)
        logger.warning("Invitation email to %s refused by Django: %s", invitation.email, error)
        raise TeamError(
            f"The invitation email could not be sent because of a character in the team's name "
            f"(“{invitation.team.name}”), so nothing changed. Contact us to have the team renamed."
        ) from error
    except OSError as error:  # smtplib's errors are OSErrors too
        logger.warning("Invitation email to %s failed: %s", invitation.email, error)
        raise TeamError(
            f"The invitation email to {invitation.email} could not be sent just now, so nothing changed. "
            "Try again in a minute."
        ) from error
    InvitationEmail.objects.create(
        invitation=invitation, team=invitation.team, email=invitation.email, sent_by=invitation.invited_by
    )


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
