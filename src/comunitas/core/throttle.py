"""A limit on how often one network address may do something that anyone can do (an anonymous
application for membership): enough for a family, not for a script filling the book.

The counts live in the cache: exact across processes with Redis, per process without it."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest


def _key(request: HttpRequest, scope: str) -> str:
    return f"throttle:{scope}:{request.META.get('REMOTE_ADDR', '')}"


def exhausted(request: HttpRequest, scope: str, *, limit: int) -> bool:
    """Has the caller's address done ``scope`` ``limit`` times in the current window?"""
    return cache.get(_key(request, scope), 0) >= limit


def count(request: HttpRequest, scope: str, *, per_seconds: int) -> None:
    """Count one more ``scope`` for the caller's address (the window starts at the first)."""
    key = _key(request, scope)
    if not cache.add(key, 1, per_seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, per_seconds)
