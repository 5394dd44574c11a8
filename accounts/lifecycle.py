"""An account's own data and its end: the profile and teams an export shows, the display name,
and deleting the sign-in side of an account (sessions, API keys, addresses, the user).

Generations, documents and Stripe belong to apps to the right of accounts, so the whole deletion
is orchestrated in ``generation/account_lifecycle.py``, which calls these functions.
"""

from django.db.models import Count

from accounts import moderation
from accounts.models import Membership, Team


class AccountNotDeleted(Exception):
    """The account cannot be deleted as asked; the message is shown to the user as is."""


def change_name(user, name: str) -> None:
    user.name = name.strip()
    user.save(update_fields=["name"])


def profile_data(user) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "plan": user.plan,
        "date_joined": user.date_joined.isoformat(),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.order_by("email")
        ],
        "connected_accounts": [account.provider for account in user.socialaccount_set.order_by("provider")],
        "api_keys": [
            {
                "name": key.name,
                "prefix": key.prefix,
                "created_at": key.created_at.isoformat(),
                "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
            }
            for key in user.api_keys.order_by("created_at")
        ],
    }


def teams_data(user) -> list[dict]:
    return [
        {
            "name": membership.team.name,
            "slug": membership.team.slug,
            "role": membership.role,
            "joined_at": membership.joined_at.isoformat(),
            "brand_voice": membership.team.brand_voice,
        }
        for membership in Membership.objects.filter(user=user).select_related("team").order_by("joined_at")
    ]


def owned_teams(user):
    return Team.objects.filter(memberships__user=user, memberships__role=Membership.Role.OWNER)


def teams_blocking_deletion(user) -> list[Team]:
    """Teams the user owns that have other members: ownership must pass on (or they go) first."""
    # Counted on a fresh query: counting on owned_teams' join would see only the user's own membership.
    teams = Team.objects.filter(pk__in=owned_teams(user).values("pk"))
    return list(teams.annotate(member_count=Count("memberships")).filter(member_count__gt=1))


def check_deletable(user, confirmation: str) -> None:
    """Raise AccountNotDeleted unless ``confirmation`` is the account's email and no owned team has other members."""
    if confirmation.strip().lower() != user.email.lower():
        raise AccountNotDeleted(f"Type your account's email address, {user.email}, to confirm.")
    blocking = teams_blocking_deletion(user)
    if blocking:
        names = ", ".join(f"“{team.name}”" for team in blocking)
        raise AccountNotDeleted(
            f"You own {names}, which other people belong to. Transfer the ownership or remove the members "
            "first, then delete your account."
        )


def delete_sign_in_side(user) -> None:
    """Delete the user's sessions, API keys, the teams they alone belong to, and the user; email
    addresses, connected accounts and memberships go with the user. Call inside a transaction,
    after check_deletable: the team check is repeated so a member who joined meanwhile is not orphaned.
    """
    blocking = teams_blocking_deletion(user)
    if blocking:
        raise AccountNotDeleted(f"“{blocking[0].name}” has other members now; transfer it first.")
    moderation.end_sessions([user])
    user.api_keys.all().delete()
    owned_teams(user).delete()
    user.delete()
