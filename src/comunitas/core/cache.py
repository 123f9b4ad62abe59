"""A short-lived cache of the API's answer about a public cooperative.

Everyone may read a public cooperative and gets the same answer, so it is kept for a few
seconds (``PUBLIC_CACHE_SECONDS``) instead of being rebuilt from five queries each time. Every
service that changes what that answer shows calls ``coop_forget``; with a shared cache (Redis in
production) readers see the change at once, with per-process memory within the timeout.
Private cooperatives are never cached.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language


def _key(slug: str, language: str) -> str:
    # The day is part of the key: the statute in force changes at midnight.
    return f"public-coop:{slug}:{language}:{timezone.localdate().isoformat()}"


def public_coop_get(slug: str) -> str | None:
    return cache.get(_key(slug, get_language()))


def public_coop_set(slug: str, body: str) -> None:
    cache.set(_key(slug, get_language()), body, settings.PUBLIC_CACHE_SECONDS)


def coop_forget(slug: str) -> None:
    cache.delete_many([_key(slug, code) for code, _name in settings.LANGUAGES])
