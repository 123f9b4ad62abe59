"""API shapes every app's schemas build on: ``Text`` (a string without NUL characters),
``InputSchema`` (request bodies that refuse unknown fields), ``ErrorOut``, the shape of every
error answer, and the types every API shares (``Id``, ``Int32``, ``Money``, ``Euros``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError

from comunitas.core.kernel.money import CENT


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


# Types every API shares (an id, a 32-bit whole number, money as the services take it).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False)]
Euros = Annotated[Decimal, AfterValidator(lambda value: value.quantize(CENT))]
