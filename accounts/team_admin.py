"""Admin pages for teams, memberships and invitations (imported by accounts/admin.py)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone

from accounts.invitations import invitation_status, invitation_url
from accounts.models import Invitation, Membership, Team


class MembershipAdminForm(forms.ModelForm):
    """Staff may change roles, but a team keeps one owner: demote the current owner first."""

    class Meta:
        model = Membership
        fields = ["team", "user", "role"]

    def clean(self):
        cleaned_data = super().clean()
        team = cleaned_data.get("team") or (self.instance.team if self.instance.team_id else None)
        if cleaned_data.get("role") == Membership.Role.OWNER and team is not None:
            other_owner = team.memberships.filter(role=Membership.Role.OWNER).exclude(pk=self.instance.pk).first()
            if other_owner is not None:
                raise forms.ValidationError(
                    f"{team} already has an owner ({other_owner.user}). Save them as admin first, then make "
                    "this person the owner (the team's plan follows the owner)."
                )
        return cleaned_data


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["joined_at"]


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    fields = ["email", "role", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "owner_email", "plan", "member_count", "created_at"]
    search_fields = ["name", "slug", "memberships__user__email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]
    inlines = [MembershipInline, InvitationInline]

    def get_queryset(self, request):
        """Owners (hence plans) load with the teams, and member counts as an annotation: no query per row."""
        return super().get_queryset(request).with_owner().annotate(member_total=Count("memberships", distinct=True))

    @admin.display(description="Owner")
    def owner_email(self, team):
        return team.owner or "—"

    @admin.display(description="Plan (the owner's)")
    def plan(self, team):
        return team.plan_info.name

    @admin.display(description="Members", ordering="member_total")
    def member_count(self, team):
        return team.member_total


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "team", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "team__name", "team__slug"]
    autocomplete_fields = ["user", "team"]
    list_select_related = ["user", "team"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "team", "role", "status", "invited_by", "created_at", "expires_at"]
    list_filter = ["role", "team"]
    search_fields = ["email", "team__name", "team__slug"]
    list_select_related = ["team", "invited_by"]
    readonly_fields = ["token", "link", "created_at", "accepted_at", "accepted_by"]
    autocomplete_fields = ["team", "invited_by"]
    actions = ["revoke"]

    @admin.display(description="Status")
    def status(self, invitation):
        return invitation_status(invitation)

    @admin.display(description="Invitation link")
    def link(self, invitation):
        return invitation_url(invitation) if invitation.pk else "—"

    @admin.action(description="Revoke selected pending invitations", permissions=["change"])
    def revoke(self, request, queryset):
        pending = queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        emails = list(pending.values_list("email", flat=True))
        pending.update(revoked_at=timezone.now())
        if emails:
            self.message_user(request, f"Revoked {len(emails)} invitation(s): {', '.join(emails)}.", messages.SUCCESS)
        else:
            self.message_user(request, "No pending invitations among those selected; nothing changed.", messages.INFO)
