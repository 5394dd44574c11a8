"""Staff actions on users: bans and ending sessions.

Sessions live in the database (django.contrib.sessions) and allauth.usersessions keeps one
UserSession row per signed-in session, created at every login. Ending a session deletes both
rows, so the cookie that pointed at it is anonymous on its next request.
"""

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone


def end_sessions(users) -> int:
    """End every session of ``users`` at once; returns how many were ended.

    One transaction deletes the Django sessions and their UserSession rows together.
    """
    with transaction.atomic():
        keys = list(UserSession.objects.filter(user__in=users).values_list("session_key", flat=True))
        Session.objects.filter(session_key__in=keys).delete()
        UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def ban(users) -> tuple[int, int]:
    """Suspend ``users`` and end all their sessions; returns (users banned, sessions ended).

    Deactivating alone already makes Django's auth backend refuse the user on every request
    and allauth refuse any new sign-in ("account suspended"); ending the sessions also drops
    them from the user's and staff's lists at once. Banning a banned user changes nothing.
    """
    with transaction.atomic():
        banned = users.filter(is_active=True).update(is_active=False, banned_at=timezone.now())
        ended = end_sessions(users)
    return banned, ended


def unban(users) -> int:
    """Let suspended ``users`` sign in again; returns how many changed."""
    return users.filter(is_active=False).update(is_active=True, banned_at=None)
