"""Finding what a page or an endpoint is about: the object a selector returns, or "not found".

Selectors raise ``DoesNotExist`` when a cooperative has no such object (or it belongs to another
cooperative, which looks the same from outside); the faces answer 404, never 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

P = ParamSpec("P")
T = TypeVar("T")


def or_404(lookup: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``lookup(*args, **kwargs)``, or ``Http404`` when it finds nothing."""
    try:
        return lookup(*args, **kwargs)
    except ObjectDoesNotExist:
        raise Http404 from None
