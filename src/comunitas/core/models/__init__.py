"""Models of the core app, one module per capability: the territory (municipalities and
postcodes), the cooperatives (tenant, facts, statute, roles), the accounts (API tokens)
and the history every change leaves (audit trail, data versions). Every name is
re-exported here, so ``from comunitas.core.models import Cooperative`` and the
migrations keep working."""

from comunitas.core.models.accounts import ApiToken
from comunitas.core.models.coops import (
    MONEY,
    PERCENT,
    Cents,
    Cooperative,
    CooperativeFact,
    LegalForm,
    Role,
    RoleKind,
    Sector,
    StatuteParameters,
    _to_cents,
)
from comunitas.core.models.history import AuditEntry, AuditQuerySet, DataVersion
from comunitas.core.models.territory import (
    INNER_AREA_CLASSES,
    InnerAreaClass,
    Municipality,
    Postcode,
)

__all__ = [
    "INNER_AREA_CLASSES",
    "MONEY",
    "PERCENT",
    "ApiToken",
    "AuditEntry",
    "AuditQuerySet",
    "Cents",
    "Cooperative",
    "CooperativeFact",
    "DataVersion",
    "InnerAreaClass",
    "LegalForm",
    "Municipality",
    "Postcode",
    "Role",
    "RoleKind",
    "Sector",
    "StatuteParameters",
    "_to_cents",
]
