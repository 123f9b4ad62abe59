"""What every app's API router shares: the answers an operation documents (its success and
``ERRORS``), ``PUBLIC`` for operations anonymous visitors may call, the bounded ``Pagination``
and ``logged_in`` for operations that need a login; ``Shaped`` (a page of rows turned into
answers in one query) and ``plain_values`` (a payload as the services take it)."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field
from ninja.pagination import LimitOffsetPagination

from comunitas.core.errors import LoginRequired
from comunitas.core.shapes import ErrorOut

ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 422)}
# Operations anonymous visitors may call: the token is optional there.
PUBLIC = {"security": [{"TokenOrSession": []}, {}]}


def answers(status: int, schema) -> dict:
    """The documented answers of an operation: its success and the error shape."""
    return {status: schema, **ERRORS}


class Pagination(LimitOffsetPagination):
    class Input(LimitOffsetPagination.Input):
        # Bounded so that no offset overflows a database integer.
        offset: int = Field(0, ge=0, le=2**31 - 1)


def logged_in(request):
    if not request.auth.is_authenticated:
        raise LoginRequired
    return request.auth


class Shaped:
    """A queryset as ``paginate`` wants it: sliced once into a page that ``shape`` turns into
    answers (reading, in one query for the whole page, what the caller supports), and counted."""

    def __init__(self, queryset: QuerySet, shape: Callable[[list], list]) -> None:
        self.queryset, self.shape = queryset, shape

    def __getitem__(self, page: slice) -> list:
        return self.shape(list(self.queryset[page]))

    def all(self) -> QuerySet:
        return self.queryset


def plain_values(values: dict[str, Any]) -> dict[str, Any]:
    """Enum members as their values, as the services and the database expect."""

    def plain(value):
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value.value if hasattr(value, "value") else value

    return {name: plain(value) for name, value in values.items()}
