"""Team pages: the list, creation, the overview with members and invitations, and every team change.

Views under /teams/<slug>/ get the caller's ``Workspace`` from ``team_view`` (404 for non-members)
and leave every permission to it: refusals come from accounts/permissions.py. The overview's
documents, recent generations and usage belong to generation, which supplies them as template
tags (generation/templatetags/team_panels.py), keeping this app free of imports from it.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import invitations, teams
from accounts.models import INVITATION_VALID_DAYS, Invitation, Membership
from accounts.permissions import Action, NotAllowed
from accounts.team_forms import BrandVoiceForm, InviteForm, RoleForm, TeamCreateForm
from accounts.teams import TeamError
from accounts.workspaces import team_view, team_workspaces
from billing.plans import COLLABORATION_PLAN


def _members_url(workspace):
    return reverse("team_detail", args=[workspace.team.slug]) + "#members"


@login_required
@require_http_methods(["GET", "POST"])
def team_list(request):
    if request.method == "POST":
        form = TeamCreateForm(request.POST)
        if form.is_valid():
            try:
                team = teams.create_team(request.user, form.cleaned_data["name"], form.cleaned_data["slug"])
            except TeamError as error:
                form.add_error("slug", str(error))
            else:
                messages.success(request, f"{team.name} is ready. Invite your colleagues below.")
                return redirect("team_detail", slug=team.slug)
    else:
        form = TeamCreateForm()
    member_totals = dict(
        Membership.objects.filter(team__memberships__user=request.user)
        .values("team")
        .annotate(total=Count("pk"))
        .values_list("team", "total")
    )
    return render(
        request,
        "accounts/team_list.html",
        {
            "teams": [(workspace, member_totals[workspace.team_id]) for workspace in team_workspaces(request.user)],
            "form": form,
            "team_plan": COLLABORATION_PLAN,
        },
    )


@login_required
@require_GET
def team_suggest_slug(request):
    """The free address the create form proposes for a name; fetched as the user types the name."""
    return JsonResponse({"slug": teams.suggest_slug(request.GET.get("name", ""))})


def _detail_context(workspace, invite_form=None):
    team = workspace.team
    members = list(team.memberships.select_related("user").order_by("joined_at"))
    for member in members:
        member.role_form = RoleForm(member) if workspace.can(Action.CHANGE_ROLE, member) else None
        member.may_remove = workspace.can(Action.REMOVE_MEMBER, member)
    open_invitations = list(invitations.open_invitations(team)) if workspace.can(Action.REVOKE_INVITATION) else []
    for invitation in open_invitations:
        invitation.status = invitations.invitation_status(invitation)
    return {
        "workspace": workspace,
        "team": team,
        "members": members,
        "admins": [member for member in members if workspace.can(Action.TRANSFER_OWNERSHIP, member)],
        "team_plan": COLLABORATION_PLAN,
        "invitations": open_invitations,
        "seats_left": invitations.seats_left(team),
        "invite_form": invite_form or InviteForm(),
        "invitation_days": INVITATION_VALID_DAYS,
    }


@login_required
@require_GET
@team_view
def team_detail(request, workspace):
    return render(request, "accounts/team_detail.html", _detail_context(workspace))


@login_required
@require_http_methods(["GET", "POST"])
@team_view
def team_brand_voice(request, workspace):
    if not workspace.can(Action.EDIT_BRAND_VOICE):
        messages.error(request, workspace.refusal(Action.EDIT_BRAND_VOICE))
        return redirect("team_detail", slug=workspace.key)
    if request.method == "POST":
        form = BrandVoiceForm(request.POST)
        if form.is_valid():
            teams.update_brand_voice(workspace, form.cleaned_data["brand_voice"])
            messages.success(request, "Brand voice saved. The next generation in this team uses it.")
            return redirect("team_detail", slug=workspace.key)
    else:
        form = BrandVoiceForm(initial={"brand_voice": workspace.team.brand_voice})
    return render(request, "accounts/team_brand_voice.html", {"workspace": workspace, "form": form})


@login_required
@require_POST
@team_view
def team_invite(request, workspace):
    if not workspace.can(Action.INVITE):
        # Such a member has no invite form on the team page to show a field error in.
        messages.error(request, workspace.refusal(Action.INVITE))
        return redirect(_members_url(workspace))
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = invitations.invite(workspace, form.cleaned_data["email"], form.cleaned_data["role"])
        except NotAllowed as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request, f"Invitation sent to {invitation.email}. The link works for {INVITATION_VALID_DAYS} days."
            )
            return redirect(_members_url(workspace))
    return render(request, "accounts/team_detail.html", _detail_context(workspace, invite_form=form), status=400)


def team_change(view):
    """For the POSTs that change a team from its members list: the view makes the change and returns
    what to tell the user; a refusal (NotAllowed, TeamError included) is told instead. Either way the
    user goes back to the members list."""

    @login_required
    @require_POST
    @team_view
    @wraps(view)
    def wrapper(request, workspace, *args, **kwargs):
        try:
            messages.success(request, view(request, workspace, *args, **kwargs))
        except NotAllowed as error:
            messages.error(request, str(error))
        return redirect(_members_url(workspace))

    return wrapper


def _invitation(workspace, pk):
    return get_object_or_404(Invitation, team=workspace.team, pk=pk)


def _member(workspace, pk):
    return get_object_or_404(Membership.objects.select_related("user"), team=workspace.team, pk=pk)


@team_change
def team_invitation_resend(request, workspace, pk):
    invitation = invitations.resend(workspace, _invitation(workspace, pk))
    return f"Sent a new link to {invitation.email}; the previous link no longer works."


@team_change
def team_invitation_revoke(request, workspace, pk):
    invitation = _invitation(workspace, pk)
    invitations.revoke(workspace, invitation)
    return f"Revoked the invitation for {invitation.email}."


@team_change
def team_member_role(request, workspace, pk):
    target = _member(workspace, pk)
    role = request.POST.get("role", "")
    teams.change_role(workspace, target, role)
    return f"{target.user.display_name} is now {Membership.Role(role).label.lower()}."


@team_change
def team_member_remove(request, workspace, pk):
    target = _member(workspace, pk)
    teams.remove_member(workspace, target)
    return f"Removed {target.user.display_name} from {workspace.name}."


@team_change
def team_transfer(request, workspace):
    member_id = request.POST.get("member", "")
    if not (member_id.isascii() and member_id.isdigit()):
        raise TeamError("Choose the admin who becomes the owner.")
    target = _member(workspace, int(member_id))
    teams.transfer_ownership(workspace, target)
    return f"{target.user.display_name} now owns {workspace.name}; you are an admin. The team now runs on their plan."


@login_required
@require_POST
@team_view
def team_leave(request, workspace):
    try:
        teams.leave(workspace)
    except NotAllowed as error:
        messages.error(request, str(error))
        return redirect(_members_url(workspace))
    messages.success(request, f"You left {workspace.name}.")
    return redirect("team_list")


@login_required
@require_http_methods(["GET", "POST"])
@team_view
def team_delete(request, workspace):
    if not workspace.can(Action.DELETE_TEAM):
        messages.error(request, workspace.refusal(Action.DELETE_TEAM))
        return redirect("team_detail", slug=workspace.key)
    error = None
    if request.method == "POST":
        if request.POST.get("confirm_slug", "").strip() == workspace.key:
            teams.delete_team(workspace)
            messages.success(request, f"Deleted {workspace.name} and its documents.")
            return redirect("team_list")
        error = f"Type {workspace.key} to confirm."
    return render(request, "accounts/team_confirm_delete.html", {"workspace": workspace, "error": error})


@require_http_methods(["GET", "POST"])
def team_invitation(request, token):
    """The link in an invitation email: shows the invitation; POST accepts it (signed in with that email)."""
    invitation = Invitation.objects.select_related("team", "invited_by").filter(token=token).first()
    if not request.user.is_authenticated:
        return render(request, "accounts/team_invitation.html", {"invitation": invitation, "error": None})
    if request.method == "POST":
        try:
            membership = invitations.accept(token, request.user)
        except TeamError as error:
            return render(
                request, "accounts/team_invitation.html", {"invitation": invitation, "error": str(error)}, status=400
            )
        messages.success(request, f"Welcome to {membership.team.name}.")
        return redirect("team_detail", slug=membership.team.slug)
    error = invitations.invitation_problem(invitation, request.user)
    return render(request, "accounts/team_invitation.html", {"invitation": invitation, "error": error})
