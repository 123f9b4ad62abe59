"""API shapes every app's schemas build on: ``Text`` (a string without NUL characters),
``InputSchema`` (request bodies that refuse unknown fields) and ``ErrorOut``, the shape of every
error answer."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store NUL characters; Django forms refuse them too.
    if "\x00" in value:
        raise PydanticCustomError("nul_character", "Text cannot contain NUL characters.")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """The shape of every error answer."""

    detail: str
    errors: list[ErrorItem]


class InputSchema(Schema):
    """Request bodies refuse unknown fields: a typo must not be silently ignored."""

    model_config = ConfigDict(extra="forbid")
