"""The types service signatures share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

# Who asks for a change: a signed-in user, an anonymous visitor (a public form), or None for the
# system itself (the demo, an import run from the command line). The audit trail names the user,
# or "system".
Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None


def user_of(actor: Actor) -> AbstractBaseUser | None:
    """The user to record as the author of a row (``recorded_by``, ``decided_by``…), or None."""
    return actor if actor is not None and actor.is_authenticated else None


# Told how long work is going (a command line draws a progress bar): (stage, done, total).
Progress: TypeAlias = Callable[[str, int, int], None]
