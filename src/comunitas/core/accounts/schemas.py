"""API shapes of the caller's account: roles and API tokens."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from comunitas.core.shapes import InputSchema, Text


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="Shown only now: store it safely.")


class TokenIn(InputSchema):
    name: Text = Field(..., max_length=200)


class MyRole(Schema):
    coop: str
    coop_name: str
    kind: str


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    roles: list[MyRole]
