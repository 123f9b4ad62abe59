"""The result of a closed vote, kept in the cache: it never changes again.

Once a motion is closed its counters, quorum and outcome are fixed (no service writes them
again), so its result is the same for everyone who may read it, for ever. The API's result
endpoint stores it after its own checks (the cooperative, the caller's role, the assembly, the
motion) under the request's path and the cooperative's ``COOP`` version; comunitas/api.py reads
it back for a caller whose role, read in the same query as the version on every request,
allows ``VIEW_ASSEMBLIES``. An open vote's answer (hidden, with its turnout) is never cached.
"""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language

from comunitas.core.versions import COOP, Access

RESULTS = COOP  # nothing but the cooperative itself can change who reads a closed result
RESULT_CACHE_SECONDS = 3600


def _key(access: Access, path: str) -> str:
    # The votes are shown in the language's number format: the language is in the key.
    return f"vote-result:{access.coop_id}:{access.version}:{get_language()}:{path}"


def result_cached(access: Access, request: HttpRequest) -> bytes | None:
    return cache.get(_key(access, request.path))


def result_keep(access: Access, request: HttpRequest, body: bytes) -> None:
    cache.set(_key(access, request.path), body, RESULT_CACHE_SECONDS)
