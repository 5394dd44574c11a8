"""The permission table (accounts/permissions.py), each cell, and the views that enforce it."""

import pytest

from accounts.models import Invitation, Membership
from accounts.permissions import Action, can
from accounts.workspaces import NotAMember, personal_workspace, team_workspace
from generation.models import Document
from tests.factories import DocumentFactory, TeamFactory, UserFactory

OWNER, ADMIN, MEMBER = "owner", "admin", "member"


@pytest.fixture
def crew(db):
    """A Team-plan team with an owner, two admins and two members, plus an outsider team."""
    owner = UserFactory(plan="team")
    team = TeamFactory(owner=owner)
    people = {"owner": team.memberships.get(role=OWNER)}
    for name, role in [("admin", ADMIN), ("admin2", ADMIN), ("member", MEMBER), ("member2", MEMBER)]:
        people[name] = Membership.objects.create(team=team, user=UserFactory(), role=role)
    return team, people


def _as(crew, name):
    """The person's workspace in the team, read afresh (as each request does)."""
    team, people = crew
    return team_workspace(people[name].user, team.slug)


# --- Actions without a target -------------------------------------------------------------------

ROLE_ACTIONS = [
    (Action.VIEW, {"owner": True, "admin": True, "member": True}),
    (Action.EDIT_DOCUMENTS, {"owner": True, "admin": True, "member": True}),
    (Action.INVITE, {"owner": True, "admin": True, "member": False}),
    (Action.REVOKE_INVITATION, {"owner": True, "admin": True, "member": False}),
    (Action.EDIT_BRAND_VOICE, {"owner": True, "admin": True, "member": False}),
    (Action.VIEW_USAGE, {"owner": True, "admin": True, "member": False}),
    (Action.LEAVE, {"owner": False, "admin": True, "member": True}),
    (Action.DELETE_TEAM, {"owner": True, "admin": False, "member": False}),
]


@pytest.mark.parametrize(
    ("action", "who", "allowed"),
    [(action, who, allowed) for action, cells in ROLE_ACTIONS for who, allowed in cells.items()],
)
def test_role_matrix(crew, action, who, allowed):
    assert can(_as(crew, who), action) is allowed


# --- Actions on another member --------------------------------------------------------------------

TARGET_ACTIONS = [
    # (action, actor, target, allowed)
    *[
        (action, actor, target, allowed)
        for action in (Action.CHANGE_ROLE, Action.REMOVE_MEMBER)
        for actor, target, allowed in [
            ("owner", "owner", False),
            ("owner", "admin", True),
            ("owner", "member", True),
            ("admin", "owner", False),
            ("admin", "admin", False),  # themselves: they leave instead
            ("admin", "admin2", True),
            ("admin", "member", True),
            ("member", "owner", False),
            ("member", "admin", False),
            ("member", "member", False),
            ("member", "member2", False),
        ]
    ],
    (Action.TRANSFER_OWNERSHIP, "owner", "admin", True),
    (Action.TRANSFER_OWNERSHIP, "owner", "member", False),
    (Action.TRANSFER_OWNERSHIP, "owner", "owner", False),
    (Action.TRANSFER_OWNERSHIP, "admin", "admin2", False),
    (Action.TRANSFER_OWNERSHIP, "member", "admin", False),
]


@pytest.mark.parametrize(("action", "actor", "target", "allowed"), TARGET_ACTIONS)
def test_target_matrix(crew, action, actor, target, allowed):
    team, people = crew
    assert can(_as(crew, actor), action, people[target]) is allowed


# --- Deleting documents: the owner and admins any, members their own ----------------------------


@pytest.mark.parametrize(
    ("actor", "author", "allowed"),
    [
        ("owner", "owner", True),
        ("owner", "member", True),
        ("admin", "admin", True),
        ("admin", "member", True),
        ("member", "member", True),
        ("member", "member2", False),
        ("member", "owner", False),
    ],
)
def test_delete_document_matrix(crew, actor, author, allowed):
    team, people = crew
    document = DocumentFactory(team=team, created_by=people[author].user)
    assert can(_as(crew, actor), Action.DELETE_DOCUMENT, document) is allowed


# --- Without the Team plan the team is read-only ----------------------------------------------------

COLLABORATION_ONLY = [Action.EDIT_DOCUMENTS, Action.DELETE_DOCUMENT, Action.INVITE, Action.EDIT_BRAND_VOICE]
STILL_ALLOWED = [
    (Action.VIEW, "member"),
    (Action.REVOKE_INVITATION, "admin"),
    (Action.VIEW_USAGE, "admin"),
    (Action.LEAVE, "member"),
    (Action.DELETE_TEAM, "owner"),
]


@pytest.mark.parametrize("action", COLLABORATION_ONLY)
@pytest.mark.parametrize("who", ["owner", "admin", "member"])
def test_collaboration_actions_need_the_team_plan(crew, action, who):
    team, people = crew
    people["owner"].user.__class__.objects.filter(pk=people["owner"].user_id).update(plan="pro")
    membership = _as(crew, who)
    document = DocumentFactory(team=team, created_by=membership.user)
    assert can(membership, action, document if action == Action.DELETE_DOCUMENT else None) is False


@pytest.mark.parametrize(("action", "who"), STILL_ALLOWED)
def test_membership_actions_work_without_the_team_plan(crew, action, who):
    team, people = crew
    people["owner"].user.__class__.objects.filter(pk=people["owner"].user_id).update(plan="free")
    assert can(_as(crew, who), action) is True


def test_people_can_still_be_removed_without_the_team_plan(crew):
    team, people = crew
    people["owner"].user.__class__.objects.filter(pk=people["owner"].user_id).update(plan="free")
    assert can(_as(crew, "owner"), Action.REMOVE_MEMBER, people["member"]) is True


def test_an_outsider_has_no_workspace_in_the_team(crew):
    team, _ = crew
    with pytest.raises(NotAMember):
        team_workspace(UserFactory(), team.slug)


PERSONAL_ACTIONS = {Action.VIEW, Action.EDIT_DOCUMENTS, Action.DELETE_DOCUMENT, Action.CHANGE_PLAN}


@pytest.mark.parametrize("action", list(Action))
def test_personal_workspace_allows_writing_and_nothing_about_teams(db, action):
    workspace = personal_workspace(UserFactory())
    assert workspace.may[action] is (action in PERSONAL_ACTIONS)


def test_in_the_personal_workspace_only_own_documents_can_be_deleted(db):
    user = UserFactory()
    workspace = personal_workspace(user)
    assert can(workspace, Action.DELETE_DOCUMENT, DocumentFactory(created_by=user)) is True
    assert can(workspace, Action.DELETE_DOCUMENT, DocumentFactory()) is False


def test_refusals_name_the_plan_a_read_only_team_needs(crew):
    team, people = crew
    people["owner"].user.__class__.objects.filter(pk=people["owner"].user_id).update(plan="pro")
    assert _as(crew, "admin").refusal(Action.INVITE) == f"{team.name} needs the Team plan to invite people."
    assert _as(crew, "member").refusal(Action.INVITE) == "Only the owner and admins can invite people."


def test_targets_in_another_team_are_refused(crew):
    other = TeamFactory(owner=UserFactory(plan="team"))
    stranger = Membership.objects.create(team=other, user=UserFactory(), role=MEMBER)
    foreign_document = DocumentFactory(team=other)
    owner = _as(crew, "owner")
    assert can(owner, Action.REMOVE_MEMBER, stranger) is False
    assert can(owner, Action.CHANGE_ROLE, stranger) is False
    assert can(owner, Action.DELETE_DOCUMENT, foreign_document) is False


# --- The views enforce the matrix ------------------------------------------------------------------


def _post(client, crew, actor, url, data=None):
    team, people = crew
    client.force_login(people[actor].user)
    return client.post(url.format(slug=team.slug), data or {})


@pytest.mark.parametrize(("actor", "allowed"), [("owner", True), ("admin", True), ("member", False)])
def test_invite_view(client, crew, actor, allowed):
    _post(client, crew, actor, "/teams/{slug}/invitations/", {"email": "new@example.com", "role": "member"})
    assert Invitation.objects.filter(email="new@example.com").exists() is allowed


@pytest.mark.parametrize(("actor", "allowed"), [("owner", True), ("admin", True), ("member", False)])
def test_revoke_view(client, crew, actor, allowed):
    team, people = crew
    invitation = Invitation.objects.create(team=team, email="x@example.com", invited_by=people["owner"].user)
    _post(client, crew, actor, f"/teams/{{slug}}/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert (invitation.revoked_at is not None) is allowed


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [("owner", "member", True), ("admin", "member", True), ("admin", "owner", False), ("member", "member2", False)],
)
def test_change_role_view(client, crew, actor, target, allowed):
    team, people = crew
    before = people[target].role
    _post(client, crew, actor, f"/teams/{{slug}}/members/{people[target].pk}/role/", {"role": "admin"})
    people[target].refresh_from_db()
    assert (people[target].role == "admin" and before != "admin") is allowed


def test_role_change_cannot_make_an_owner(client, crew):
    team, people = crew
    _post(client, crew, "owner", f"/teams/{{slug}}/members/{people['admin'].pk}/role/", {"role": "owner"})
    assert team.memberships.filter(role=OWNER).count() == 1
    assert team.owner == people["owner"].user


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [("owner", "admin", True), ("admin", "member", True), ("admin", "owner", False), ("member", "member2", False)],
)
def test_remove_view(client, crew, actor, target, allowed):
    team, people = crew
    _post(client, crew, actor, f"/teams/{{slug}}/members/{people[target].pk}/remove/")
    assert Membership.objects.filter(pk=people[target].pk).exists() is not allowed


@pytest.mark.parametrize(("actor", "allowed"), [("owner", True), ("admin", True), ("member", False)])
def test_brand_voice_view(client, crew, actor, allowed):
    team, _ = crew
    _post(client, crew, actor, "/teams/{slug}/brand-voice/", {"brand_voice": "Be brief."})
    team.refresh_from_db()
    assert (team.brand_voice == "Be brief.") is allowed


@pytest.mark.parametrize(("actor", "allowed"), [("owner", True), ("admin", False), ("member", False)])
def test_transfer_view(client, crew, actor, allowed):
    team, people = crew
    _post(client, crew, actor, "/teams/{slug}/transfer/", {"member": people["admin2"].pk})
    people["admin2"].refresh_from_db()
    assert (people["admin2"].role == OWNER) is allowed
    assert team.memberships.filter(role=OWNER).count() == 1


@pytest.mark.parametrize(
    ("actor", "author", "allowed"),
    [("owner", "member", True), ("admin", "member", True), ("member", "member", True), ("member", "member2", False)],
)
def test_delete_document_view(client, crew, actor, author, allowed):
    team, people = crew
    document = DocumentFactory(team=team, created_by=people[author].user)
    _post(client, crew, actor, f"/documents/{document.pk}/delete/")
    assert Document.objects.filter(pk=document.pk).exists() is not allowed


@pytest.mark.parametrize(("actor", "allowed"), [("owner", True), ("admin", False), ("member", False)])
def test_delete_team_view(client, crew, actor, allowed):
    team, _ = crew
    _post(client, crew, actor, "/teams/{slug}/delete/", {"confirm_slug": team.slug})
    assert team.__class__.objects.filter(pk=team.pk).exists() is not allowed


def test_a_refused_invitation_says_why_on_the_team_page(client, crew):
    response = _post(
        client, crew, "member", "/teams/{slug}/invitations/", {"email": "new@example.com", "role": "member"}
    )

    page = client.get(response["Location"]).content.decode()
    assert "Only the owner and admins can invite people" in page


@pytest.mark.parametrize(
    ("actor", "target", "url"),
    [
        ("member", "member2", "/teams/{slug}/members/{pk}/role/"),
        ("admin", "admin", "/teams/{slug}/members/{pk}/role/"),
        ("member", "member2", "/teams/{slug}/members/{pk}/remove/"),
    ],
)
def test_a_refused_member_change_does_not_blame_the_owner(client, crew, actor, target, url):
    team, people = crew

    response = _post(client, crew, actor, url.replace("{pk}", str(people[target].pk)), {"role": "admin"})

    page = client.get(response["Location"]).content.decode()
    assert "Only the owner and admins" in page
    assert "The owner&#x27;s role cannot be changed" not in page
