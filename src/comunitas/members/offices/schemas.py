"""API shapes of the register of offices."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema

from comunitas.core.shapes import InputSchema, Text
from comunitas.members.book.schemas import Day, PersonBrief
from comunitas.members.models import OfficeKind


class OfficeOut(Schema):
    id: int
    member: PersonBrief
    kind: str
    title: str
    started_on: date
    ended_on: date | None = Field(..., description="The first day out of office; null while held")
    reference: str
    end_reference: str


class OfficeIn(InputSchema):
    member_number: int = Field(..., ge=1, le=2**31 - 1, description="The member's register number")
    kind: OfficeKind
    title: Text = Field("", max_length=80, description="E.g. Presidente, Vicepresidente")
    started_on: Day
    reference: Text = Field(..., max_length=200, description="The decision that appointed them")


class OfficeEndIn(InputSchema):
    ended_on: Day = Field(..., description="The first day out of office")
    reference: Text = Field("", max_length=200, description="Resignation, revocation, end of term")
