from django.urls import path

from accounts import team_views

# "join" and "new" cannot be team slugs (accounts.teams.RESERVED_SLUGS). Tokens are URL-safe base64,
# which the slug converter matches exactly. A team's history page is generation's (generation/urls.py).
urlpatterns = [
    path("teams/", team_views.team_list, name="team_list"),
    path("teams/new/slug/", team_views.team_suggest_slug, name="team_suggest_slug"),
    path("teams/join/<slug:token>/", team_views.team_invitation, name="team_invitation"),
    path("teams/<slug:slug>/", team_views.team_detail, name="team_detail"),
    path("teams/<slug:slug>/brand-voice/", team_views.team_brand_voice, name="team_brand_voice"),
    path("teams/<slug:slug>/invitations/", team_views.team_invite, name="team_invite"),
    path(
        "teams/<slug:slug>/invitations/<int:pk>/resend/",
        team_views.team_invitation_resend,
        name="team_invitation_resend",
    ),
    path(
        "teams/<slug:slug>/invitations/<int:pk>/revoke/",
        team_views.team_invitation_revoke,
        name="team_invitation_revoke",
    ),
    path("teams/<slug:slug>/members/<int:pk>/role/", team_views.team_member_role, name="team_member_role"),
    path("teams/<slug:slug>/members/<int:pk>/remove/", team_views.team_member_remove, name="team_member_remove"),
    path("teams/<slug:slug>/transfer/", team_views.team_transfer, name="team_transfer"),
    path("teams/<slug:slug>/leave/", team_views.team_leave, name="team_leave"),
    path("teams/<slug:slug>/delete/", team_views.team_delete, name="team_delete"),
]
