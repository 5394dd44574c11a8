"""Who may do what in a workspace: the one permission table, and the words for each refusal.

Views, services and templates never compare roles. They ask the caller's ``Workspace``
(accounts/workspaces.py): ``workspace.can(action, target)`` in code, ``workspace.may.<action>`` in
templates, ``workspace.require(action, target)`` to refuse with the message from ``REFUSALS``.
Change a rule here and every page, button and refusal follows; the tests in
accounts/tests/test_team_permissions.py (one per cell) say what moved.
"""

from enum import StrEnum

from accounts.models import Membership
from billing.plans import API_KEYS_PLAN, COLLABORATION_PLAN

Role = Membership.Role
# The role a user has in their own, personal workspace.
PERSONAL = "personal"


class NotAllowed(Exception):
    """An action the permission table refuses; the message is shown to the user as is."""


class Action(StrEnum):
    VIEW = "view"
    EDIT_DOCUMENTS = "edit_documents"  # create, edit, rename documents
    DELETE_DOCUMENT = "delete_document"
    INVITE = "invite"  # send and resend invitations
    REVOKE_INVITATION = "revoke_invitation"  # and see the open invitations
    CHANGE_ROLE = "change_role"
    REMOVE_MEMBER = "remove_member"
    EDIT_BRAND_VOICE = "edit_brand_voice"
    VIEW_USAGE = "view_usage"
    TRANSFER_OWNERSHIP = "transfer_ownership"
    LEAVE = "leave"
    DELETE_TEAM = "delete_team"
    CHANGE_PLAN = "change_plan"  # a team's plan is its owner's: only they buy it
    USE_API_KEYS = "use_api_keys"  # create keys, and call the API with one


def _others_but_the_owner(workspace, member) -> bool:
    return member.role != Role.OWNER and member.pk != workspace.membership.pk


def _an_admin(workspace, member) -> bool:
    return member.role == Role.ADMIN


def _own_document(workspace, document) -> bool:
    return document.created_by_id == workspace.user.pk


# action -> {role: True, or a rule about the target (a Membership or a Document)}. A missing role may not act.
PERMISSIONS = {
    Action.VIEW: {PERSONAL: True, Role.OWNER: True, Role.ADMIN: True, Role.MEMBER: True},
    Action.EDIT_DOCUMENTS: {PERSONAL: True, Role.OWNER: True, Role.ADMIN: True, Role.MEMBER: True},
    Action.DELETE_DOCUMENT: {PERSONAL: _own_document, Role.OWNER: True, Role.ADMIN: True, Role.MEMBER: _own_document},
    Action.INVITE: {Role.OWNER: True, Role.ADMIN: True},
    Action.REVOKE_INVITATION: {Role.OWNER: True, Role.ADMIN: True},
    Action.CHANGE_ROLE: {Role.OWNER: _others_but_the_owner, Role.ADMIN: _others_but_the_owner},
    Action.REMOVE_MEMBER: {Role.OWNER: _others_but_the_owner, Role.ADMIN: _others_but_the_owner},
    Action.EDIT_BRAND_VOICE: {Role.OWNER: True, Role.ADMIN: True},
    Action.VIEW_USAGE: {Role.OWNER: True, Role.ADMIN: True},
    Action.TRANSFER_OWNERSHIP: {Role.OWNER: _an_admin},
    Action.LEAVE: {Role.ADMIN: True, Role.MEMBER: True},  # the owner transfers ownership first
    Action.DELETE_TEAM: {Role.OWNER: True},
    Action.CHANGE_PLAN: {PERSONAL: True, Role.OWNER: True},
    Action.USE_API_KEYS: {PERSONAL: True},  # keys belong to a person; a call names its team in the body
}

# Without a collaboration plan a team is read-only: members still read its documents and history, and
# people can still be removed, leave or take over, but nothing new is written or added. The value
# completes the refusal "<team> needs the <plan> plan to ...".
NEEDS_COLLABORATION = {
    Action.EDIT_DOCUMENTS: "create and edit documents",
    Action.DELETE_DOCUMENT: "delete documents",
    Action.INVITE: "invite people",
    Action.EDIT_BRAND_VOICE: "edit the brand voice",
}

# What only some plans include: the action -> the plan flag (billing/plans.py) that grants it, and the
# refusal's words for a plan without it.
NEEDS_PLAN_FEATURE = {
    Action.USE_API_KEYS: (
        "api_keys",
        f"API keys come with the {API_KEYS_PLAN.name} plan and above. Upgrade to create and use them.",
    ),
}

# Why the role may not act, in the words the user sees.
REFUSALS = {
    Action.VIEW: "Only the team's members can see it.",
    Action.EDIT_DOCUMENTS: "You cannot change documents in this workspace.",
    Action.DELETE_DOCUMENT: "Members delete only the documents they created; the owner and admins delete any.",
    Action.INVITE: "Only the owner and admins can invite people.",
    Action.REVOKE_INVITATION: "Only the owner and admins can revoke invitations.",
    Action.CHANGE_ROLE: "Only the owner and admins change roles, never their own or the owner's; "
    "ownership moves by transfer.",
    Action.REMOVE_MEMBER: "Only the owner and admins remove people, never themselves (leave instead) or the owner.",
    Action.EDIT_BRAND_VOICE: "Only the owner and admins can edit the brand voice.",
    Action.VIEW_USAGE: "Only the owner and admins see the team's usage.",
    Action.TRANSFER_OWNERSHIP: "Only the owner can transfer ownership, and only to an admin.",
    Action.LEAVE: "The owner cannot leave: transfer ownership to an admin first, or delete the team.",
    Action.DELETE_TEAM: "Only the owner can delete the team.",
    Action.CHANGE_PLAN: "A team's plan is its owner's plan: only the owner can change it.",
    Action.USE_API_KEYS: "API keys belong to a person: create them on your account page.",
}


def _lacks_plan_feature(workspace, action) -> bool:
    return action in NEEDS_PLAN_FEATURE and not getattr(workspace.plan, NEEDS_PLAN_FEATURE[action][0])


def _blocked_by_plan(workspace, action) -> bool:
    return (action in NEEDS_COLLABORATION and workspace.read_only) or _lacks_plan_feature(workspace, action)


def can(workspace, action: Action, target=None) -> bool:
    """Whether the caller may do ``action`` in ``workspace`` (to ``target``: a Membership or a Document).

    A target in another workspace is always refused, and so is an action whose rule depends on
    the target when no target is given.
    """
    if target is not None and target.team_id != workspace.team_id:
        return False
    rule = PERMISSIONS[action].get(workspace.role)
    if rule is None or _blocked_by_plan(workspace, action):
        return False
    return rule is True or (target is not None and rule(workspace, target))


def may(workspace) -> dict[str, bool]:
    """What the caller may do in principle, for pages to show or hide: for an action with a target
    rule, whether the role may do it to some target (``can`` then decides for each one)."""
    return {
        action.value: workspace.role in PERMISSIONS[action] and not _blocked_by_plan(workspace, action)
        for action in Action
    }


def refusal(workspace, action: Action) -> str:
    """Why ``can`` said no, in the words the user sees."""
    if workspace.role in PERMISSIONS[action] and _lacks_plan_feature(workspace, action):
        return NEEDS_PLAN_FEATURE[action][1]
    if workspace.role in PERMISSIONS[action] and _blocked_by_plan(workspace, action):
        return f"{workspace.name} needs the {COLLABORATION_PLAN.name} plan to {NEEDS_COLLABORATION[action]}."
    return REFUSALS[action]


def require(workspace, action: Action, target=None) -> None:
    """Raise NotAllowed, with the refusal's words, unless the caller may do ``action``."""
    if not can(workspace, action, target):
        raise NotAllowed(refusal(workspace, action))
