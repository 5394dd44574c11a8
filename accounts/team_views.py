from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import teams
from accounts.models import Invitation, Membership
from accounts.team_forms import BrandVoiceForm, InviteForm, TeamCreateForm
from accounts.teams import Action, TeamError, can, get_team_for_member
from billing.plans import TEAM
from generation.models import Generation

RECENT_GENERATIONS = 10
RECENT_DOCUMENTS = 20
HISTORY_PAGE_SIZE = 25


def _members_url(team):
    return reverse("team_detail", args=[team.slug]) + "#members"


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
    memberships = (
        request.user.memberships.select_related("team")
        .annotate(member_total=Count("team__memberships"))
        .order_by("team__name")
    )
    return render(request, "accounts/team_list.html", {"memberships": memberships, "form": form, "team_plan": TEAM})


@login_required
@require_GET
def team_suggest_slug(request):
    """The free address the create form proposes for a name; fetched as the user types the name."""
    return JsonResponse({"slug": teams.suggest_slug(request.GET.get("name", ""))})


def _detail_context(request, team, membership, invite_form=None):
    is_manager = can(membership, Action.VIEW_USAGE)
    members = list(team.memberships.select_related("user").order_by("joined_at"))
    for member in members:
        member.may_change_role = can(membership, Action.CHANGE_ROLE, member)
        member.may_remove = can(membership, Action.REMOVE_MEMBER, member)
    invitations = list(teams.open_invitations(team)) if is_manager else []
    for invitation in invitations:
        invitation.status = teams.invitation_status(invitation)
    return {
        "team": team,
        "membership": membership,
        "members": members,
        "admins": [member for member in members if can(membership, Action.TRANSFER_OWNERSHIP, member)],
        "plan": team.plan_info,
        "owner": next((member.user for member in members if member.role == Membership.Role.OWNER), None),
        "collaboration": teams.has_collaboration(team),
        "team_plan": TEAM,
        "documents": team.documents.select_related("last_edited_by")[:RECENT_DOCUMENTS],
        "document_limit": RECENT_DOCUMENTS,
        "generations": Generation.objects.filter(team=team).select_related("user")[:RECENT_GENERATIONS],
        "invitations": invitations,
        "seats_left": teams.seats_left(team),
        "usage": teams.member_usage_this_month(team) if is_manager else None,
        "month_start": teams.month_start(),
        "invite_form": invite_form or InviteForm(),
        "may": {action.value: can(membership, action) for action in Action},
    }


@login_required
@require_GET
def team_detail(request, slug):
    team, membership = get_team_for_member(request.user, slug)
    return render(request, "accounts/team_detail.html", _detail_context(request, team, membership))


@login_required
@require_GET
def team_history(request, slug):
    team, membership = get_team_for_member(request.user, slug)
    generations = Generation.objects.filter(team=team).select_related("user", "document")
    member_filter = request.GET.get("member", "")
    if member_filter.isdigit():
        generations = generations.filter(user_id=int(member_filter))
    page = Paginator(generations, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    members = team.memberships.select_related("user").order_by("user__email")
    return render(
        request,
        "accounts/team_history.html",
        {"team": team, "membership": membership, "page": page, "members": members, "member_filter": member_filter},
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_brand_voice(request, slug):
    team, membership = get_team_for_member(request.user, slug)
    if not can(membership, Action.EDIT_BRAND_VOICE):
        messages.error(request, teams.DENIED_MESSAGES[Action.EDIT_BRAND_VOICE])
        return redirect("team_detail", slug=slug)
    if request.method == "POST":
        form = BrandVoiceForm(request.POST)
        if form.is_valid():
            teams.update_brand_voice(membership, form.cleaned_data["brand_voice"])
            messages.success(request, "Brand voice saved. The next generation in this team uses it.")
            return redirect("team_detail", slug=slug)
    else:
        form = BrandVoiceForm(initial={"brand_voice": team.brand_voice})
    return render(request, "accounts/team_brand_voice.html", {"team": team, "form": form})


@login_required
@require_POST
def team_invite(request, slug):
    team, membership = get_team_for_member(request.user, slug)
    if not can(membership, Action.INVITE):
        # Such a member has no invite form on the team page to show a field error in.
        messages.error(request, teams.DENIED_MESSAGES[Action.INVITE])
        return redirect(_members_url(team))
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = teams.invite(membership, form.cleaned_data["email"], form.cleaned_data["role"])
        except TeamError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {invitation.email}. The link works for 7 days.")
            return redirect(_members_url(team))
    context = _detail_context(request, team, membership, invite_form=form)
    return render(request, "accounts/team_detail.html", context, status=400)


def _invitation(team, pk):
    return get_object_or_404(Invitation, team=team, pk=pk)


def _act(request, team, operation, success_message):
    """Run one team operation; report its refusal or its success, then go back to the members list."""
    try:
        operation()
    except TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success_message())
    return redirect(_members_url(team))


@login_required
@require_POST
def team_invitation_resend(request, slug, pk):
    team, membership = get_team_for_member(request.user, slug)
    invitation = _invitation(team, pk)
    return _act(
        request,
        team,
        lambda: teams.resend(membership, invitation),
        lambda: f"Sent a new link to {invitation.email}; the previous link no longer works.",
    )


@login_required
@require_POST
def team_invitation_revoke(request, slug, pk):
    team, membership = get_team_for_member(request.user, slug)
    invitation = _invitation(team, pk)
    return _act(
        request,
        team,
        lambda: teams.revoke(membership, invitation),
        lambda: f"Revoked the invitation for {invitation.email}.",
    )


def _member(team, pk):
    return get_object_or_404(Membership.objects.select_related("user"), team=team, pk=pk)


@login_required
@require_POST
def team_member_role(request, slug, pk):
    team, membership = get_team_for_member(request.user, slug)
    target = _member(team, pk)
    role = request.POST.get("role", "")
    return _act(
        request,
        team,
        lambda: teams.change_role(membership, target, role),
        lambda: f"{target.user.display_name} is now {Membership.Role(role).label.lower()}.",
    )


@login_required
@require_POST
def team_member_remove(request, slug, pk):
    team, membership = get_team_for_member(request.user, slug)
    target = _member(team, pk)
    return _act(
        request,
        team,
        lambda: teams.remove_member(membership, target),
        lambda: f"Removed {target.user.display_name} from {team.name}.",
    )


@login_required
@require_POST
def team_transfer(request, slug):
    team, membership = get_team_for_member(request.user, slug)
    member_id = request.POST.get("member", "")
    if not member_id.isdigit():
        messages.error(request, "Choose the admin who becomes the owner.")
        return redirect(_members_url(team))
    target = _member(team, int(member_id))
    return _act(
        request,
        team,
        lambda: teams.transfer_ownership(membership, target),
        lambda: f"{target.user.display_name} now owns {team.name}; you are an admin. The team now runs on their plan.",
    )


@login_required
@require_POST
def team_leave(request, slug):
    team, membership = get_team_for_member(request.user, slug)
    try:
        teams.leave(membership)
    except TeamError as error:
        messages.error(request, str(error))
        return redirect(_members_url(team))
    messages.success(request, f"You left {team.name}.")
    return redirect("team_list")


@login_required
@require_http_methods(["GET", "POST"])
def team_delete(request, slug):
    team, membership = get_team_for_member(request.user, slug)
    if not can(membership, Action.DELETE_TEAM):
        messages.error(request, "Only the owner can delete the team.")
        return redirect("team_detail", slug=slug)
    error = None
    if request.method == "POST":
        if request.POST.get("confirm_slug", "").strip() == team.slug:
            teams.delete_team(membership)
            messages.success(request, f"Deleted {team.name} and its documents.")
            return redirect("team_list")
        error = f"Type {team.slug} to confirm."
    return render(request, "accounts/team_confirm_delete.html", {"team": team, "error": error})


@require_http_methods(["GET", "POST"])
def team_invitation(request, token):
    """The link in an invitation email: shows the invitation; POST accepts it (signed in with that email)."""
    invitation = Invitation.objects.select_related("team", "invited_by").filter(token=token).first()
    if not request.user.is_authenticated:
        return render(request, "accounts/team_invitation.html", {"invitation": invitation, "error": None})
    if request.method == "POST":
        try:
            membership = teams.accept(token, request.user)
        except TeamError as error:
            return render(
                request, "accounts/team_invitation.html", {"invitation": invitation, "error": str(error)}, status=400
            )
        messages.success(request, f"Welcome to {membership.team.name}.")
        return redirect("team_detail", slug=membership.team.slug)
    error = teams.invitation_problem(invitation, request.user)
    return render(request, "accounts/team_invitation.html", {"invitation": invitation, "error": error})
