"""The answers visitors of a public cooperative get for its needs, kept briefly in the cache.

Everyone without a role gets the same list of needs for the same query, and the page is read far
more often than needs change. The answer is cached under the cooperative's *needs version*, a
counter in the cache that every service changing a need moves on once its transaction commits,
so the next visitor gets a fresh answer at once with a shared cache (Redis in production) and
within ``PUBLIC_CACHE_SECONDS`` with per-process memory. People with a role are never served
from it (their answer says which needs they support)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import get_language

from comunitas.core.models import Cooperative
from comunitas.core.permissions import SLUG


def _version_key(coop_id: int) -> str:
    return f"needs-version:{coop_id}"


def needs_changed(coop_id: int) -> None:
    """Called by every service that changes what a list of needs shows."""

    def bump() -> None:
        try:
            cache.incr(_version_key(coop_id))
        except ValueError:  # no version yet: nothing cached under an old one either
            cache.set(_version_key(coop_id), 1, None)

    transaction.on_commit(bump)


def public_coop_id(slug: str) -> int | None:
    """The id of the public cooperative at ``slug``, None for any other: one small query in
    SQL, since building the cooperative with the ORM costs more than a cached answer."""
    if not SLUG.fullmatch(slug):
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Cooperative._meta.db_table} WHERE slug = %s AND is_public = %s",  # noqa: S608 (table name only)
            [slug, True],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _key(coop_id: int, what: str, query: str) -> str:
    version = cache.get(_version_key(coop_id), 0)
    digest = hashlib.blake2s(query.encode(), digest_size=12).hexdigest()
    return f"needs:{coop_id}:{version}:{what}:{get_language()}:{digest}"


def public_get(coop_id: int, what: str, query: str) -> bytes | None:
    return cache.get(_key(coop_id, what, query))


def public_set(coop_id: int, what: str, query: str, body: bytes) -> None:
    cache.set(_key(coop_id, what, query), body, settings.PUBLIC_CACHE_SECONDS)
