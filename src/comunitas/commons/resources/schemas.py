"""API shapes of the commons registry (input parsed here, rules checked by the services)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from comunitas.commons.models import (
    Condition,
    ObligationKind,
    OwnerKind,
    ResourceKind,
    UseRightKind,
)
from comunitas.core.shapes import Euros, InputSchema, Money, Text
from comunitas.core.territory.schemas import MunicipalityBrief

Capacity = Annotated[int, Field(ge=-(2**31), le=10_000_000)]  # the service refuses negatives
Months = Annotated[int, Field(ge=-(2**15), le=2**15 - 1)]


class UseRightOut(Schema):
    id: int
    kind: UseRightKind
    granted_by: str
    reference: str
    start_on: date
    end_on: date | None
    annual_fee: Euros
    synthetic: bool


class ObligationOut(Schema):
    id: int
    resource_id: int
    kind: ObligationKind
    description: str
    due_on: date
    done_on: date | None
    recurring_months: int | None
    synthetic: bool


class LogEntryOut(Schema):
    id: int
    on_date: date
    text: str
    recorded_by: str | None

    @staticmethod
    def resolve_recorded_by(obj) -> str | None:
        return obj.recorded_by.get_username() if obj.recorded_by else None


class ResourceItem(Schema):
    """A line of the registry: the resource, its legal basis in force, its next obligation."""

    id: int
    name: str
    kind: ResourceKind
    owner_kind: OwnerKind
    owner_name: str
    municipality: MunicipalityBrief | None
    address: str
    capacity: int | None
    condition: Condition
    description: str
    is_public: bool
    synthetic: bool
    current_use_right: UseRightOut | None
    next_obligation: ObligationOut | None

    @staticmethod
    def resolve_current_use_right(obj):
        return obj.current_rights[0] if obj.current_rights else None

    @staticmethod
    def resolve_next_obligation(obj):
        return obj.open_obligations[0] if obj.open_obligations else None


class ResourceOut(ResourceItem):
    """A resource with all its legal bases, obligations and history."""

    use_rights: list[UseRightOut]
    obligations: list[ObligationOut]
    log: list[LogEntryOut]

    @staticmethod
    def resolve_use_rights(obj):
        return list(obj.use_rights.all())

    @staticmethod
    def resolve_obligations(obj):
        return list(obj.obligations.all())

    @staticmethod
    def resolve_log(obj):
        return list(obj.log.all())


class ResourcePatch(InputSchema):
    """Only the fields sent change."""

    name: Text = Field(None, max_length=200)
    kind: ResourceKind = None
    owner_kind: OwnerKind = None
    owner_name: Text = Field(None, max_length=200)
    municipality: Text = Field(
        None, max_length=140, description="ISTAT code or 'Name (PR)'; empty for none"
    )
    address: Text = Field(None, max_length=200)
    capacity: Capacity | None = None
    condition: Condition = None
    description: Text = Field(None, max_length=4000)
    is_public: bool = None


class ResourceIn(InputSchema):
    name: Text = Field(..., max_length=200)
    kind: ResourceKind
    owner_kind: OwnerKind
    owner_name: Text = Field("", max_length=200)
    municipality: Text = Field(
        "", max_length=140, description="ISTAT code or 'Name (PR)'; empty for none"
    )
    address: Text = Field("", max_length=200)
    capacity: Capacity | None = None
    condition: Condition = Condition.GOOD
    description: Text = Field("", max_length=4000)
    is_public: bool = False


class UseRightIn(InputSchema):
    kind: UseRightKind
    granted_by: Text = Field("", max_length=200)
    reference: Text = Field("", max_length=200)
    start_on: date
    end_on: date | None = None
    annual_fee: Money = Decimal("0.00")


class ObligationIn(InputSchema):
    kind: ObligationKind
    description: Text = Field("", max_length=300)
    due_on: date
    recurring_months: Months | None = None


class ObligationDoneIn(InputSchema):
    done_on: date | None = Field(None, description="Today when left out")


class ObligationDoneOut(Schema):
    done: ObligationOut
    next: ObligationOut | None


class LogIn(InputSchema):
    on_date: date | None = Field(None, description="Today when left out")
    text: Text = Field(..., max_length=4000)


class RemindersOut(Schema):
    """Deadlines of the next ``days`` days: obligations (overdue ones included) and legal
    bases about to end."""

    days: int
    obligations: list[ObligationOut]
    use_rights: list[UseRightDue]


class UseRightDue(UseRightOut):
    resource_id: int


RemindersOut.model_rebuild()
