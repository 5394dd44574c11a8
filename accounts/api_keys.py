"""Who an API key belongs to, looked up at most once every API_KEY_CACHE_SECONDS per process.

Every API call authenticates its key, and the lookup was one query and a model built from it
per call (docs/serving.md). Each process now keeps the key's row and its owner's for a few
seconds: a key revoked, or an owner banned or moved to another plan, takes effect on every
process within API_KEY_CACHE_SECONDS (2 s by default, 0 turns the cache off), and at once in
the process that revoked the key. Unknown keys are never kept, so guessing costs a query each
time, as before, and cannot fill the memory.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from time import monotonic

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import ApiKey, User

# last_used_at is shown to the minute: writing it on every call would cost a query each.
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_KEPT = 10_000  # keys kept per process; past this the cache starts afresh

USER_FIELDS = User._meta.concrete_fields
# The key's owner and the key's state in one join; the owner's columns in the model's field order,
# for User.from_db().
KEY_OWNER_SQL_TEMPLATE = """
SELECT {columns}, k.id, k.revoked_at, k.last_used_at
FROM {keys} k JOIN {users} u ON u.id = k.user_id WHERE k.key_hash = %s
"""
KEY_OWNER_SQL = KEY_OWNER_SQL_TEMPLATE.format(
    columns=", ".join(f"u.{connection.ops.quote_name(field.column)}" for field in USER_FIELDS),
    keys=ApiKey._meta.db_table,
    users=User._meta.db_table,
)


@dataclass
class KnownKey:
    user_values: tuple
    key_id: int
    revoked_at: datetime | None
    last_used_at: datetime | None
    expires: float


known_keys: dict[str, KnownKey] = {}


def key_owner(raw_key: str) -> User | None:
    """The user owning ``raw_key`` (whether or not the key is revoked or the user active), with
    ``key_id``, ``key_revoked_at`` and ``key_last_used_at`` set on it; None for an unknown key."""
    key_hash = ApiKey.hash(raw_key)
    known = known_keys.get(key_hash)
    if known is None or known.expires <= monotonic():
        known = look_up(key_hash)
        if known is None:
            return None
    # A fresh instance for each request: requests must not share (or change) one another's objects.
    owner = User.from_db(connection.alias, [field.attname for field in USER_FIELDS], known.user_values)
    owner.key_id, owner.key_revoked_at, owner.key_last_used_at = known.key_id, known.revoked_at, known.last_used_at
    owner.key_hash = key_hash
    return owner


def look_up(key_hash: str) -> KnownKey | None:
    with connection.cursor() as cursor:
        cursor.execute(KEY_OWNER_SQL, [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    *user_values, key_id, revoked_at, last_used_at = row
    known = KnownKey(tuple(user_values), key_id, revoked_at, last_used_at, monotonic() + settings.API_KEY_CACHE_SECONDS)
    if settings.API_KEY_CACHE_SECONDS > 0:
        if len(known_keys) >= MAX_KEPT:
            known_keys.clear()
        known_keys[key_hash] = known
    return known


def record_use(owner: User) -> None:
    """Write the key's last_used_at when the recorded one is over a minute old."""
    now = timezone.now()
    if owner.key_last_used_at is not None and now - owner.key_last_used_at <= LAST_USED_PRECISION:
        return
    ApiKey.objects.filter(pk=owner.key_id).update(last_used_at=now)
    known = known_keys.get(owner.key_hash)
    if known is not None:
        known.last_used_at = now


def forget(key: ApiKey) -> None:
    """Drop ``key`` from this process's cache (it was just revoked here)."""
    known_keys.pop(key.key_hash, None)
