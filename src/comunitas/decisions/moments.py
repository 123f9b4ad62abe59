"""The moment a write of decisions happens: the time a caller gives (the demo, a test, a session
recorded afterwards), or now. Shared by the capabilities' services and selectors."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone


def at_or_now(at: datetime | None) -> datetime:
    """``at`` when given, else the current time."""
    return at or timezone.now()
