"""Answers built from the member book, kept in the cache under the book's version.

Staff and scripts read the first pages of the book far more often than it changes, and a page
of a 20,000-member book costs queries over the whole book (the count, the holdings of the page;
the book's web page adds six aggregates). Those answers are cached under the book's version
(core/versions.py): every service that changes the book moves ``BOOK`` on in its own
transaction, core moves the cooperative's ``COOP`` version on when its territory or profile
changes, and the key holds both. Whoever asks has their role read on every request (in the
same query as the versions, for the API), so a role or a token taken away is refused at once:
only data is cached, never a permission.

The API's list is keyed by its query string exactly as sent (see ``book_get``), and depends on
nothing else: not on the day (holdings are the whole ledger's, statuses change only through
services), nor on who asks (staff and the board see the same book). The page's figures are
keyed by the day, since its capital is today's. The language is in every key all the same, so
that a translated field added later cannot be served in the wrong one.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from comunitas.core.models import Cooperative
from comunitas.core.versions import Access, coop_access
from comunitas.members.book import selectors

BOOK = "members"  # the scope of core.versions that every write of the member book moves on
# Versioned keys never go stale; the timeout only bounds how long a page of names stays in a
# shared cache once the book has moved on (erased names included).
BOOK_CACHE_SECONDS = 60


def _key(access: Access, what: str, query: str) -> str:
    digest = hashlib.blake2s(query.encode(), digest_size=12).hexdigest()
    return f"book:{access.coop_id}:{access.version}:{what}:{get_language()}:{digest}"


def book_get(access: Access, what: str, query: str):
    """The answer cached for the exact query string ``query``, or None.

    Keyed by the string as sent, not by its meaning: an answer is stored only once the
    endpoint has validated that string, so a string that does not validate can never be
    answered from here, and comunitas/api.py can look it up without parsing anything."""
    return cache.get(_key(access, what, query))


def book_set(access: Access, what: str, query: str, value) -> None:
    cache.set(_key(access, what, query), value, BOOK_CACHE_SECONDS)


def list_cached(access: Access, request: HttpRequest) -> bytes | None:
    """The member list's answer for this request, if cached (for comunitas/api.py)."""
    return book_get(access, "list", request.META.get("QUERY_STRING", ""))


def book_stats(*, coop: Cooperative) -> selectors.BookStats:
    """``selectors.book_stats`` (six aggregates over the whole book and its ledger, for the
    book's web page) kept under the book's version and the day: the capital is today's."""
    access = coop_access(slug=coop.slug, user_id=None, scope=BOOK)
    day = timezone.localdate().isoformat()
    stats = None if access is None else book_get(access, "stats", day)
    if stats is None:
        stats = selectors.book_stats(coop=coop)
        if access is not None:
            book_set(access, "stats", day, stats)
    return stats
