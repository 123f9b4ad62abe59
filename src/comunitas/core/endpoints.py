"""What every app's API router shares: the answers an operation documents (its success and
``ERRORS``), ``PUBLIC`` for operations anonymous visitors may call, the bounded ``Pagination``
and ``logged_in`` for operations that need a login."""

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
