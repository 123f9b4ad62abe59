"""The one interface for work that may leave the request: ``defer(fn, *args)``.

In development and tests the work runs in the same process once the surrounding transaction
commits (nothing is sent for a change that was rolled back). A production deployment that needs
workers replaces ``run`` here with its queue (django-tasks, RQ or Celery on the same Redis):
callers do not change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    try:
        fn(*args, **kwargs)
    except Exception:  # a failed e-mail must not turn a committed change into an error page
        logger.exception("Deferred task %s failed", getattr(fn, "__name__", fn))


def defer(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(lambda: run(fn, *args, **kwargs))
