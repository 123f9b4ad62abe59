"""The sections of a cooperative's dashboard, in the order of the loop.

Each later app appends its section (needs, decisions, projects, commons, economy, impact,
members): a template, the action a role needs to see it, and a function that reads its data
through the app's selectors. The dashboard shows the sections the visitor's role allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from comunitas.core import selectors
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action


@dataclass(frozen=True)
class DashboardSection:
    template: str
    action: Action
    data: Callable[[Cooperative], dict[str, Any]]


DASHBOARD: list[DashboardSection] = [
    DashboardSection(
        "core/dashboard/territory.html",
        Action.VIEW_DASHBOARD,
        lambda coop: {
            "territory": selectors.territory_summary(coop=coop),
            "role_counts": selectors.role_counts(coop=coop),
        },
    ),
    DashboardSection(
        "core/dashboard/statute.html",
        Action.VIEW_STATUTE,
        lambda coop: {"statute": selectors.statute_on(coop=coop)},
    ),
    DashboardSection(
        "core/dashboard/recent.html",
        Action.VIEW_AUDIT,
        lambda coop: {"recent": list(selectors.audit_list(coop=coop)[:8])},
    ),
]
